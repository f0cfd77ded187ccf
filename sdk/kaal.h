/* kaal.h — the C side of a kaal-compose component: seL4 system calls of the pinned ABI
 * (shared/reference/sel4-abi.md §2: RV32, non-MCS, seL4 16.0.0-dev) as inline functions, and the
 * Microkit-style event-loop API (init / notified / protected) built on them. */
#ifndef KAAL_H
#define KAAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* The component's generated header: its channel ids, MMIO and region addresses, and the CSpace
 * slot layout (KAAL_SLOT_*), all rendered from the plan by `kaal-compose build`. */
#include "kaal_system.h"

/* ------------------------------------------------------------------------------------------ */
/* seL4 types and constants (sel4-abi.md §2)                                                   */

typedef uint32_t seL4_Word;
typedef seL4_Word seL4_CPtr;
typedef int32_t seL4_Int32;

/* Syscall numbers, non-MCS (sel4-abi.md §2.1; libsel4 syscall.xml numbered from -1 downwards). */
enum {
    seL4_SysCall = -1,
    seL4_SysReplyRecv = -2,
    seL4_SysSend = -3,
    seL4_SysNBSend = -4,
    seL4_SysRecv = -5,
    seL4_SysReply = -6,
    seL4_SysYield = -7,
    seL4_SysNBRecv = -8,
    seL4_SysDebugPutChar = -9,
};

/* seL4_MessageInfo on RV32 (sel4-abi.md §2.3): label 31..12, capsUnwrapped 11..9,
 * extraCaps 8..7, length 6..0. A struct, as in libsel4, so it is not mixed up with a word. */
typedef struct seL4_MessageInfo {
    seL4_Word words[1];
} seL4_MessageInfo_t;

static inline seL4_MessageInfo_t seL4_MessageInfo_new(seL4_Word label, seL4_Word capsUnwrapped,
                                                      seL4_Word extraCaps, seL4_Word length)
{
    seL4_MessageInfo_t info;
    info.words[0] = ((label & 0xfffffu) << 12) | ((capsUnwrapped & 0x7u) << 9) |
                    ((extraCaps & 0x3u) << 7) | (length & 0x7fu);
    return info;
}
static inline seL4_Word seL4_MessageInfo_get_label(seL4_MessageInfo_t info) { return info.words[0] >> 12; }
static inline seL4_Word seL4_MessageInfo_get_capsUnwrapped(seL4_MessageInfo_t info) { return (info.words[0] >> 9) & 0x7u; }
static inline seL4_Word seL4_MessageInfo_get_extraCaps(seL4_MessageInfo_t info) { return (info.words[0] >> 7) & 0x3u; }
static inline seL4_Word seL4_MessageInfo_get_length(seL4_MessageInfo_t info) { return info.words[0] & 0x7fu; }

/* seL4_IPCBuffer, 512 bytes on RV32 (sel4-abi.md §2.4). */
#define seL4_MsgMaxLength 120
#define seL4_MsgMaxExtraCaps 3
typedef struct seL4_IPCBuffer {
    seL4_MessageInfo_t tag;
    seL4_Word msg[seL4_MsgMaxLength];
    seL4_Word userData;
    seL4_Word caps_or_badges[seL4_MsgMaxExtraCaps];
    seL4_CPtr receiveCNode;
    seL4_CPtr receiveIndex;
    seL4_Word receiveDepth;
} __attribute__((aligned(512))) seL4_IPCBuffer;

_Static_assert(sizeof(seL4_IPCBuffer) == 512, "seL4_IPCBuffer is 2^seL4_IPCBufferSizeBits bytes on RV32");

/* seL4_Error (sel4-abi.md §4.3): the label of an invocation's reply. */
enum {
    seL4_NoError = 0,
    seL4_InvalidArgument = 1,
    seL4_InvalidCapability = 2,
    seL4_IllegalOperation = 3,
    seL4_RangeError = 4,
    seL4_AlignmentError = 5,
    seL4_FailedLookup = 6,
    seL4_TruncatedMessage = 7,
    seL4_DeleteFirst = 8,
    seL4_RevokeFirst = 9,
    seL4_NotEnoughMemory = 10,
};

/* Set by the start-up code from a0 (the kernel passes the IPC buffer's address there). */
extern seL4_IPCBuffer *__sel4_ipc_buffer;

static inline seL4_IPCBuffer *seL4_GetIPCBuffer(void) { return __sel4_ipc_buffer; }
static inline seL4_Word seL4_GetMR(int i) { return __sel4_ipc_buffer->msg[i]; }
static inline void seL4_SetMR(int i, seL4_Word value) { __sel4_ipc_buffer->msg[i] = value; }

/* ------------------------------------------------------------------------------------------ */
/* System calls: `ecall` with a7 = syscall, a0 = cap/badge, a1 = message info, a2..a5 = MR0..3.
 * As in libsel4, MR0..MR3 live in the IPC buffer between calls: each stub loads them into
 * registers before the trap and stores what comes back. The kernel preserves other registers. */

#define KAAL_SYSCALL_REGS                                                                       \
    register seL4_Word r_a2 __asm__("a2") = __sel4_ipc_buffer->msg[0];                            \
    register seL4_Word r_a3 __asm__("a3") = __sel4_ipc_buffer->msg[1];                            \
    register seL4_Word r_a4 __asm__("a4") = __sel4_ipc_buffer->msg[2];                            \
    register seL4_Word r_a5 __asm__("a5") = __sel4_ipc_buffer->msg[3]

#define KAAL_STORE_MRS()                                                                        \
    do {                                                                                        \
        __sel4_ipc_buffer->msg[0] = r_a2;                                                       \
        __sel4_ipc_buffer->msg[1] = r_a3;                                                       \
        __sel4_ipc_buffer->msg[2] = r_a4;                                                       \
        __sel4_ipc_buffer->msg[3] = r_a5;                                                       \
    } while (0)

/* Send and wait for the reply (invocations, PPC). */
static inline seL4_MessageInfo_t seL4_Call(seL4_CPtr dest, seL4_MessageInfo_t info)
{
    register seL4_Word r_a0 __asm__("a0") = dest;
    register seL4_Word r_a1 __asm__("a1") = info.words[0];
    register seL4_Word r_a7 __asm__("a7") = (seL4_Word)seL4_SysCall;
    KAAL_SYSCALL_REGS;
    __asm__ volatile("ecall"
                     : "+r"(r_a0), "+r"(r_a1), "+r"(r_a2), "+r"(r_a3), "+r"(r_a4), "+r"(r_a5)
                     : "r"(r_a7)
                     : "memory");
    KAAL_STORE_MRS();
    info.words[0] = r_a1;
    return info;
}

static inline void kaal_send_syscall(seL4_Word syscall, seL4_CPtr dest, seL4_MessageInfo_t info)
{
    register seL4_Word r_a0 __asm__("a0") = dest;
    register seL4_Word r_a1 __asm__("a1") = info.words[0];
    register seL4_Word r_a7 __asm__("a7") = syscall;
    KAAL_SYSCALL_REGS;
    __asm__ volatile("ecall"
                     : "+r"(r_a0), "+r"(r_a1), "+r"(r_a2), "+r"(r_a3), "+r"(r_a4), "+r"(r_a5)
                     : "r"(r_a7)
                     : "memory");
}

/* Blocking send. */
static inline void seL4_Send(seL4_CPtr dest, seL4_MessageInfo_t info) { kaal_send_syscall((seL4_Word)seL4_SysSend, dest, info); }
/* Send if a receiver is waiting, else drop the message. */
static inline void seL4_NBSend(seL4_CPtr dest, seL4_MessageInfo_t info) { kaal_send_syscall((seL4_Word)seL4_SysNBSend, dest, info); }
/* Signal a notification (a Send with an empty message, as libsel4 does). */
static inline void seL4_Signal(seL4_CPtr dest) { kaal_send_syscall((seL4_Word)seL4_SysSend, dest, seL4_MessageInfo_new(0, 0, 0, 0)); }

static inline seL4_MessageInfo_t kaal_recv_syscall(seL4_Word syscall, seL4_CPtr src, seL4_MessageInfo_t info, seL4_Word *sender)
{
    register seL4_Word r_a0 __asm__("a0") = src;
    register seL4_Word r_a1 __asm__("a1") = info.words[0];
    register seL4_Word r_a7 __asm__("a7") = syscall;
    KAAL_SYSCALL_REGS;
    __asm__ volatile("ecall"
                     : "+r"(r_a0), "+r"(r_a1), "+r"(r_a2), "+r"(r_a3), "+r"(r_a4), "+r"(r_a5)
                     : "r"(r_a7)
                     : "memory");
    KAAL_STORE_MRS();
    if (sender) *sender = r_a0;
    info.words[0] = r_a1;
    return info;
}

/* Blocking receive on an endpoint or notification; `sender` gets the badge. */
static inline seL4_MessageInfo_t seL4_Recv(seL4_CPtr src, seL4_Word *sender)
{
    return kaal_recv_syscall((seL4_Word)seL4_SysRecv, src, seL4_MessageInfo_new(0, 0, 0, 0), sender);
}
/* Receive without blocking; the badge is 0 when nothing was there. */
static inline seL4_MessageInfo_t seL4_NBRecv(seL4_CPtr src, seL4_Word *sender)
{
    return kaal_recv_syscall((seL4_Word)seL4_SysNBRecv, src, seL4_MessageInfo_new(0, 0, 0, 0), sender);
}
/* Reply to the last caller, then receive (the server's loop step). */
static inline seL4_MessageInfo_t seL4_ReplyRecv(seL4_CPtr src, seL4_MessageInfo_t info, seL4_Word *sender)
{
    return kaal_recv_syscall((seL4_Word)seL4_SysReplyRecv, src, info, sender);
}
/* Wait on a notification: non-MCS seL4_Wait is seL4_Recv. */
static inline void seL4_Wait(seL4_CPtr src, seL4_Word *sender) { (void)seL4_Recv(src, sender); }
/* Poll a notification: non-MCS seL4_Poll is seL4_NBRecv. */
static inline seL4_MessageInfo_t seL4_Poll(seL4_CPtr src, seL4_Word *sender) { return seL4_NBRecv(src, sender); }

/* Reply to the last caller (non-MCS: no cap argument, a0 unused). */
static inline void seL4_Reply(seL4_MessageInfo_t info) { kaal_send_syscall((seL4_Word)seL4_SysReply, 0, info); }

static inline void seL4_Yield(void)
{
    register seL4_Word r_a7 __asm__("a7") = (seL4_Word)seL4_SysYield;
    __asm__ volatile("ecall" : : "r"(r_a7) : "memory");
}

/* One character to the kernel's debug console (CONFIG_PRINTING). */
static inline void seL4_DebugPutChar(char c)
{
    register seL4_Word r_a0 __asm__("a0") = (seL4_Word)(uint8_t)c;
    register seL4_Word r_a7 __asm__("a7") = (seL4_Word)seL4_SysDebugPutChar;
    __asm__ volatile("ecall" : "+r"(r_a0) : "r"(r_a7) : "memory");
}

/* ------------------------------------------------------------------------------------------ */
/* The event-loop API (seL4 Microkit style). The component defines `init`; `notified`,
 * `protected` and `fault` have weak defaults in the SDK. Channel ids come from kaal_system.h. */

typedef unsigned int kaal_channel;
typedef unsigned int kaal_child;
typedef seL4_MessageInfo_t kaal_msginfo;

/* Called once before the event loop. */
void init(void);
/* A notification (or an interrupt) arrived on channel `ch`. */
void notified(kaal_channel ch);
/* A protected procedure call arrived on channel `ch`; the result is the reply's message info. */
kaal_msginfo protected(kaal_channel ch, kaal_msginfo msginfo);
/* Component `child` (KAAL_CHILD_<NAME>), whose fault handler this component is, faulted; `msginfo`
 * and the MRs hold the seL4 fault message. Return nonzero to reply with `*reply` (resuming it). */
int fault(kaal_child child, kaal_msginfo msginfo, kaal_msginfo *reply);

static inline kaal_msginfo kaal_msginfo_new(seL4_Word label, seL4_Word count) { return seL4_MessageInfo_new(label, 0, 0, count); }
static inline seL4_Word kaal_msginfo_get_label(kaal_msginfo info) { return seL4_MessageInfo_get_label(info); }
static inline seL4_Word kaal_msginfo_get_count(kaal_msginfo info) { return seL4_MessageInfo_get_length(info); }

static inline void kaal_mr_set(unsigned int mr, seL4_Word value) { seL4_SetMR((int)mr, value); }
static inline seL4_Word kaal_mr_get(unsigned int mr) { return seL4_GetMR((int)mr); }

/* Signal the peer at the other end of channel `ch`. */
static inline void kaal_notify(kaal_channel ch) { seL4_Signal(KAAL_SLOT_NOTIFY_BASE + ch); }
/* Protected procedure call to the (higher-priority) server at the other end of channel `ch`. */
static inline kaal_msginfo kaal_ppcall(kaal_channel ch, kaal_msginfo msginfo) { return seL4_Call(KAAL_SLOT_PPC_BASE + ch, msginfo); }
/* Acknowledge the interrupt delivered on channel `ch` (seL4_IRQHandler_Ack, label from the
 * generated header); returns a seL4_Error. */
static inline seL4_Word kaal_irq_ack(kaal_channel ch)
{
    return seL4_MessageInfo_get_label(seL4_Call(KAAL_SLOT_IRQ_BASE + ch, seL4_MessageInfo_new(KAAL_LABEL_IRQ_ACK_IRQ, 0, 0, 0)));
}

/* kaal_printf writes through `kaal_putc`: the kernel debug channel unless the component defines
 * its own (for example one writing to its UART). kaal_dbg_puts always uses the debug channel. */
void kaal_putc(char c);
void kaal_dbg_puts(const char *s);
int kaal_printf(const char *format, ...) __attribute__((format(printf, 1, 2)));
int kaal_vprintf(const char *format, va_list args);
/* Formats into `buffer` (always terminated when size > 0); returns the length it wanted. */
int kaal_snprintf(char *buffer, size_t size, const char *format, ...) __attribute__((format(printf, 3, 4)));

/* The start-up code's C half: records the IPC buffer, calls init(), runs the loop. */
void kaal_main(seL4_IPCBuffer *ipc_buffer) __attribute__((noreturn));

/* ------------------------------------------------------------------------------------------ */
/* The tiny freestanding libc. */

void *memcpy(void *dest, const void *src, size_t n);
void *memmove(void *dest, const void *src, size_t n);
void *memset(void *dest, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif /* KAAL_H */
