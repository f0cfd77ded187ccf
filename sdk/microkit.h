/* microkit.h — the seL4 Microkit C API (libmicrokit's microkit.h, as shared/reference/microkit.md §e
 * describes it) over kaal.h, so a Microkit protection domain ports to a kaal-compose component by
 * recompiling. The entry points are kaal.h's, which has Microkit's event loop: `init`, `notified`,
 * `protected` and `fault` keep their Microkit names and signatures. Channel and IRQ ids are the
 * descriptor's `fromId`/`toId` and `irq.channel` (the SDF's `id`s); what Microkit patches into
 * setvar symbols are the generated header's constants here (KAAL_MMIO_<NAME>_VADDR, …).
 *
 * Differences, all because the kernel is non-MCS seL4 and the plan fixes every capability:
 * - no channel check in microkit_notify / microkit_ppcall / microkit_irq_ack: libmicrokit prints an
 *   error for a channel the SDF does not give; here the kernel meets an empty CSpace slot and the
 *   component stops with a cap fault (recorded in the run report);
 * - microkit_deferred_notify / microkit_deferred_irq_ack act at once (libmicrokit folds them into
 *   the next wait with seL4_NBSendRecv, an MCS call);
 * - not available (a compile error, rather than a call that cannot work): microkit_pd_restart /
 *   _stop / _resume (no TCB caps of other components are granted), virtual CPUs, SMC and x86 I/O
 *   ports. */
#ifndef MICROKIT_H
#define MICROKIT_H

#include "kaal.h"

/* libsel4's fixed-width types, which Microkit code uses. seL4_Bool is int here (libsel4: int8_t)
 * so that Microkit's `seL4_Bool fault(...)` is kaal.h's `int fault(...)`. */
typedef uint8_t seL4_Uint8;
typedef uint16_t seL4_Uint16;
typedef uint32_t seL4_Uint32;
typedef uint64_t seL4_Uint64;
typedef int8_t seL4_Int8;
typedef int16_t seL4_Int16;
typedef int64_t seL4_Int64;
typedef int seL4_Bool;
#define seL4_True 1
#define seL4_False 0

typedef kaal_channel microkit_channel;
typedef kaal_child microkit_child;
typedef kaal_msginfo microkit_msginfo;
typedef unsigned int microkit_ioport;

/* The protection domain's name (Microkit: patched into the ELF by the tool; here the component's
 * name from the generated header). */
__attribute__((unused)) static const char microkit_name[] = KAAL_COMPONENT_NAME;

static inline void microkit_notify(microkit_channel ch) { kaal_notify(ch); }

static inline microkit_msginfo microkit_ppcall(microkit_channel ch, microkit_msginfo msginfo) { return kaal_ppcall(ch, msginfo); }

/* libmicrokit ignores the seL4_Error of the acknowledgement; so does this. */
static inline void microkit_irq_ack(microkit_channel ch) { (void)kaal_irq_ack(ch); }

static inline void microkit_deferred_notify(microkit_channel ch) { kaal_notify(ch); }
static inline void microkit_deferred_irq_ack(microkit_channel ch) { (void)kaal_irq_ack(ch); }

static inline microkit_msginfo microkit_msginfo_new(seL4_Word label, seL4_Uint16 count) { return kaal_msginfo_new(label, count); }
static inline seL4_Word microkit_msginfo_get_label(microkit_msginfo msginfo) { return kaal_msginfo_get_label(msginfo); }
static inline seL4_Word microkit_msginfo_get_count(microkit_msginfo msginfo) { return kaal_msginfo_get_count(msginfo); }

static inline void microkit_mr_set(seL4_Uint8 mr, seL4_Word value) { kaal_mr_set(mr, value); }
static inline seL4_Word microkit_mr_get(seL4_Uint8 mr) { return kaal_mr_get(mr); }

/* Debug output through the kernel's debug channel (seL4_DebugPutChar), as libmicrokit's dbg.c. */
static inline void microkit_dbg_putc(int c) { seL4_DebugPutChar((char)c); }
static inline void microkit_dbg_puts(const char *s) { kaal_dbg_puts(s); }
/* The number in decimal. */
static inline void microkit_dbg_put32(seL4_Uint32 x)
{
    char digits[10];
    int n = 0;
    do {
        digits[n++] = (char)('0' + x % 10u);
        x /= 10u;
    } while (x != 0);
    while (n > 0) seL4_DebugPutChar(digits[--n]);
}
static inline void microkit_dbg_put8(seL4_Uint8 x) { microkit_dbg_put32(x); }

#endif /* MICROKIT_H */
