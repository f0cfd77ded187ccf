/* main.c — the kaal-compose root task: seL4's initial thread. It checks that the bootinfo the
 * kernel handed it is the one the plan predicted, executes the plan's invocations from its plan
 * table (plan.h) with seL4_Call, loads each component's segments into its frames, prints one boot
 * line and suspends itself. Every kernel call's result is checked; the first failure is printed
 * and stops the boot. docs/boot.md describes the steps. */
#include "plan.h"

/* The plan table: the image writer appends it as a PT_LOAD segment here (roottask.ld). */
extern const struct kaal_plan_header __kaal_plan;
/* The first page of the user image (its frames are bootinfo's userImageFrames, in order). */
extern const char __user_image_start[];

/* A page of .bss whose frame the root task unmaps, so that each component frame can be mapped
 * here, filled and unmapped again (a page table covering it exists: it is in the user image). */
static uint8_t scratch[seL4_PageSize] __attribute__((aligned(seL4_PageSize)));

static const char *const error_names[seL4_NumErrors] = {
    "NoError", "InvalidArgument", "InvalidCapability", "IllegalOperation", "RangeError",
    "AlignmentError", "FailedLookup", "TruncatedMessage", "DeleteFirst", "RevokeFirst",
    "NotEnoughMemory",
};

static const struct kaal_plan_header *plan;
static const seL4_BootInfo *bootinfo;

/* ---- console (seL4_DebugPutChar: a debug kernel's) ---- */

static void put_char(char c)
{
    register seL4_Word a0 __asm__("a0") = (seL4_Word)(uint8_t)c;
    register seL4_Word a7 __asm__("a7") = seL4_SysDebugPutChar;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
}

static void put_string(const char *s)
{
    while (*s != '\0') {
        put_char(*s++);
    }
}

static void put_dec(seL4_Word v)
{
    char digits[10];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0) {
        put_char(digits[--n]);
    }
}

static void put_hex(seL4_Word v)
{
    put_string("0x");
    for (int shift = 28; shift >= 0; shift -= 4) {
        put_char("0123456789abcdef"[(v >> shift) & 0xf]);
    }
}

static const char *plan_string(seL4_Word offset)
{
    return (const char *)plan + plan->strings + offset;
}

/* "kaal: <system>: " — every line the root task prints starts so. */
static void put_prefix(void)
{
    put_string("kaal: ");
    put_string(plan_string(plan->system_name));
    put_string(": ");
}

/* ---- kernel calls ---- */

/* seL4_Call with MR0..MR3 in a2..a5 and the rest in the IPC buffer, as libsel4's stubs send it.
 * Returns the reply's message info; its label is the seL4 error. */
static seL4_Word call(seL4_CPtr service, seL4_Word info, seL4_Word mrs[seL4_FastMessageRegisters])
{
    register seL4_Word a0 __asm__("a0") = service;
    register seL4_Word a1 __asm__("a1") = info;
    register seL4_Word a2 __asm__("a2") = mrs[0];
    register seL4_Word a3 __asm__("a3") = mrs[1];
    register seL4_Word a4 __asm__("a4") = mrs[2];
    register seL4_Word a5 __asm__("a5") = mrs[3];
    register seL4_Word a7 __asm__("a7") = seL4_SysCall;
    __asm__ volatile("ecall" : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5) : "r"(a7) : "memory");
    mrs[0] = a2;
    mrs[1] = a3;
    mrs[2] = a4;
    mrs[3] = a5;
    return a1;
}

/* "seL4 error 4 (RangeError) [0, 4095]": the error and the words the kernel returned with it. */
static void put_error(seL4_Word reply, const seL4_Word mrs[seL4_FastMessageRegisters])
{
    seL4_Word error = seL4_MessageInfo_get_label(reply);
    seL4_Word length = seL4_MessageInfo_get_length(reply);
    put_string("seL4 error ");
    put_dec(error);
    put_string(" (");
    put_string(error < seL4_NumErrors ? error_names[error] : "unknown");
    put_string(")");
    if (length > seL4_FastMessageRegisters) {
        length = seL4_FastMessageRegisters;
    }
    for (seL4_Word i = 0; i < length; i++) {
        put_string(i == 0 ? " [" : ", ");
        put_dec(mrs[i]);
    }
    if (length > 0) {
        put_string("]");
    }
    put_string("\n");
}

/* The boot failed: the line is printed; the root task suspends itself and nothing else starts. */
static void stop(void)
{
    seL4_Word mrs[seL4_FastMessageRegisters] = {0};
    (void)call(seL4_CapInitThreadTCB, seL4_MessageInfo_new(seL4_TCBSuspend, 0, 0), mrs);
    for (;;) {
        register seL4_Word a7 __asm__("a7") = seL4_SysYield;
        __asm__ volatile("ecall" : : "r"(a7) : "memory", "a0", "a1");
    }
}

/* ---- step 1: the bootinfo is the plan's ---- */

static void bootinfo_differs(const char *what, seL4_Word actual, seL4_Word expected)
{
    put_prefix();
    put_string("bootinfo differs from the plan: ");
    put_string(what);
    put_string(" is ");
    put_dec(actual);
    put_string(", the plan expects ");
    put_dec(expected);
    put_string("\n");
    stop();
}

static void put_untyped(const seL4_UntypedDesc *u)
{
    put_hex(u->paddr);
    put_string(" 2^");
    put_dec(u->sizeBits);
    put_string(u->isDevice ? " device" : " ram");
}

static void check_bootinfo(void)
{
    const seL4_UntypedDesc *expected = (const seL4_UntypedDesc *)((const char *)plan + plan->untypeds);
    seL4_Word count = bootinfo->untyped.end - bootinfo->untyped.start;
    if (bootinfo->untyped.start != plan->untyped_start) {
        bootinfo_differs("untyped.start", bootinfo->untyped.start, plan->untyped_start);
    }
    if (count != plan->num_untypeds) {
        bootinfo_differs("the number of untypeds", count, plan->num_untypeds);
    }
    if (bootinfo->empty.start != plan->empty_start) {
        bootinfo_differs("empty.start", bootinfo->empty.start, plan->empty_start);
    }
    for (seL4_Word i = 0; i < count; i++) {
        const seL4_UntypedDesc *got = &bootinfo->untypedList[i];
        const seL4_UntypedDesc *want = &expected[i];
        if (got->paddr != want->paddr || got->sizeBits != want->sizeBits || got->isDevice != want->isDevice) {
            put_prefix();
            put_string("bootinfo differs from the plan: untyped ");
            put_dec(i);
            put_string(" is ");
            put_untyped(got);
            put_string(", the plan expects ");
            put_untyped(want);
            put_string("\n");
            stop();
        }
    }
}

/* ---- step 2: the plan's invocations ---- */

static void invocation_failed(seL4_Word index, const struct kaal_invocation *inv, seL4_Word reply, const seL4_Word mrs[])
{
    put_prefix();
    put_string("invocation ");
    put_dec(index);
    put_string(" ");
    put_string(plan_string(inv->op));
    put_string(" ");
    put_string(plan_string(inv->object));
    put_string(": ");
    put_error(reply, mrs);
    stop();
}

static void invoke(seL4_Word index)
{
    const struct kaal_invocation *inv = (const struct kaal_invocation *)((const char *)plan + plan->invocations) + index;
    const seL4_Word *words = (const seL4_Word *)((const char *)plan + plan->words) + inv->mrs;
    seL4_Word length = seL4_MessageInfo_get_length(inv->info);
    seL4_Word extra_caps = (inv->info >> 7) & 0x3;
    seL4_IPCBuffer *ipc = bootinfo->ipcBuffer;
    seL4_Word mrs[seL4_FastMessageRegisters] = {0};
    for (seL4_Word i = 0; i < extra_caps; i++) {
        ipc->caps_or_badges[i] = inv->caps[i];
    }
    for (seL4_Word i = 0; i < length; i++) {
        if (i < seL4_FastMessageRegisters) {
            mrs[i] = words[i];
        } else {
            ipc->msg[i] = words[i];
        }
    }
    seL4_Word reply = call(inv->service, inv->info, mrs);
    if (seL4_MessageInfo_get_label(reply) != seL4_NoError) {
        invocation_failed(index, inv, reply, mrs);
    }
}

static void invoke_range(seL4_Word from, seL4_Word to)
{
    for (seL4_Word i = from; i < to; i++) {
        invoke(i);
    }
}

/* ---- step 3: the components' segments ---- */

static void load_failed(const char *what, const struct kaal_page *page, seL4_Word reply, const seL4_Word mrs[])
{
    put_prefix();
    put_string("loading ");
    put_string(plan_string(page->name));
    put_string(": ");
    put_string(what);
    put_string(": ");
    put_error(reply, mrs);
    stop();
}

static seL4_Word page_map(seL4_CPtr frame, seL4_Word vaddr, seL4_Word mrs[seL4_FastMessageRegisters])
{
    ((seL4_IPCBuffer *)bootinfo->ipcBuffer)->caps_or_badges[0] = seL4_CapInitThreadVSpace;
    mrs[0] = vaddr;
    mrs[1] = seL4_CanRead_CanWrite;
    mrs[2] = seL4_RISCV_ExecuteNever;
    mrs[3] = 0;
    return call(frame, seL4_MessageInfo_new(seL4_RISCVPageMap, 1, 3), mrs);
}

static seL4_Word page_unmap(seL4_CPtr frame, seL4_Word mrs[seL4_FastMessageRegisters])
{
    mrs[0] = mrs[1] = mrs[2] = mrs[3] = 0;
    return call(frame, seL4_MessageInfo_new(seL4_RISCVPageUnmap, 0, 0), mrs);
}

/* Word copies: the table's data and the scratch page are word aligned. */
static void fill_scratch(const seL4_Word *data, seL4_Word length)
{
    volatile seL4_Word *out = (volatile seL4_Word *)scratch;
    seL4_Word words = (length + 3) / 4;
    for (seL4_Word i = 0; i < words; i++) {
        out[i] = data[i];
    }
    for (seL4_Word i = words; i < seL4_PageSize / 4; i++) {
        out[i] = 0;
    }
}

static void load_page(const struct kaal_page *page)
{
    seL4_Word mrs[seL4_FastMessageRegisters];
    seL4_Word reply = page_map(page->frame, (seL4_Word)scratch, mrs);
    if (seL4_MessageInfo_get_label(reply) != seL4_NoError) {
        load_failed("Page_Map", page, reply, mrs);
    }
    fill_scratch((const seL4_Word *)((const char *)plan + page->data), page->length);
    reply = page_unmap(page->frame, mrs);
    if (seL4_MessageInfo_get_label(reply) != seL4_NoError) {
        load_failed("Page_Unmap", page, reply, mrs);
    }
}

static void load_segments(void)
{
    const struct kaal_page *pages = (const struct kaal_page *)((const char *)plan + plan->pages);
    seL4_CPtr own = bootinfo->userImageFrames.start + (seL4_Word)(scratch - (const uint8_t *)__user_image_start) / seL4_PageSize;
    seL4_Word mrs[seL4_FastMessageRegisters];
    seL4_Word reply = page_unmap(own, mrs);
    if (seL4_MessageInfo_get_label(reply) != seL4_NoError) {
        put_prefix();
        put_string("unmapping the root task's scratch page: ");
        put_error(reply, mrs);
        stop();
    }
    for (seL4_Word i = 0; i < plan->num_pages; i++) {
        load_page(&pages[i]);
    }
}

/* ---- the boot ---- */

static void check_table(void)
{
    if (plan->magic != KAAL_PLAN_MAGIC || plan->version != KAAL_PLAN_VERSION) {
        put_string("kaal: the root task carries no plan table\n");
        stop();
    }
}

void roottask_main(const seL4_BootInfo *info)
{
    bootinfo = info;
    plan = &__kaal_plan;
    check_table();
    check_bootinfo();
    invoke_range(0, plan->load_after);
    load_segments();
    invoke_range(plan->load_after, plan->num_invocations);
    put_prefix();
    put_dec(plan->num_untypeds);
    put_string(" untypeds as planned, ");
    put_dec(plan->num_invocations);
    put_string(" invocations, 0 failed\n");
    stop();
}
