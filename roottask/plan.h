/* plan.h — the plan table the image writer appends to the root task (image/rootTask/table.ts
 * writes it; docs/image-format.md "The root task's plan table" describes it). All words are
 * little-endian u32; offsets count from the table's first byte; strings are NUL-terminated. */
#ifndef KAAL_ROOTTASK_PLAN_H
#define KAAL_ROOTTASK_PLAN_H

#include "sel4.h"

#define KAAL_PLAN_MAGIC 0x4e4c504bu /* "KPLN" */
#define KAAL_PLAN_VERSION 1
#define KAAL_PLAN_MAX_CAPS 3

struct kaal_plan_header {
    seL4_Word magic;
    seL4_Word version;
    seL4_Word size;            /* bytes of the table */
    seL4_Word system_name;     /* string offset */
    seL4_Word untyped_start;   /* the bootinfo the plan expects */
    seL4_Word empty_start;
    seL4_Word num_untypeds;
    seL4_Word untypeds;        /* offset of seL4_UntypedDesc[num_untypeds] */
    seL4_Word num_invocations;
    seL4_Word invocations;     /* offset of struct kaal_invocation[num_invocations] */
    seL4_Word load_after;      /* the segments are loaded after this many invocations */
    seL4_Word num_pages;
    seL4_Word pages;           /* offset of struct kaal_page[num_pages] */
    seL4_Word words;           /* offset of the message-register word pool */
    seL4_Word strings;         /* offset of the string pool */
    seL4_Word reserved;
};

/* One kernel invocation, sent with seL4_Call as libsel4 marshals it. */
struct kaal_invocation {
    seL4_CPtr service;
    seL4_Word info;                      /* seL4_MessageInfo: label, extraCaps, length */
    seL4_CPtr caps[KAAL_PLAN_MAX_CAPS];  /* the extra caps, in the IPC buffer's caps_or_badges */
    seL4_Word mrs;                       /* index of its first message register in the word pool */
    seL4_Word op;                        /* string offset: the plan's op name */
    seL4_Word object;                    /* string offset: the object it makes or acts on */
};

/* One page of a component's segments: `length` bytes from `data` into the frame in root slot
 * `frame`, the rest of the page zero. */
struct kaal_page {
    seL4_CPtr frame;
    seL4_Word data;   /* offset of the bytes in the table */
    seL4_Word length; /* at most one page */
    seL4_Word name;   /* string offset: the frame's name */
};

#endif
