/* kaal.c — the component runtime: the IPC buffer pointer, the Microkit-style event loop that
 * dispatches by badge (shared/reference/sel4-abi.md §2; badges as in DESIGN.md) and the weak
 * default handlers. Compiled into every component together with its kaal_system.h. */
#include "kaal.h"

seL4_IPCBuffer *__sel4_ipc_buffer;

/* The header this component was compiled against, so that `build` can tell a stale prebuilt ELF. */
__attribute__((used, section(".rodata.kaal_header"))) const char kaal_header_sha256[] = KAAL_HEADER_SHA256;

/* A component that serves no PPCs need not define `protected`; one that is never notified need
 * not define `notified`. Answering an unexpected PPC with an empty message keeps the caller alive. */
__attribute__((weak)) void notified(kaal_channel ch) { (void)ch; }
__attribute__((weak)) kaal_msginfo protected(kaal_channel ch, kaal_msginfo msginfo)
{
    (void)ch;
    (void)msginfo;
    return kaal_msginfo_new(0, 0);
}
/* Without a handler a faulting child stays stopped: it is never replied to. */
__attribute__((weak)) int fault(kaal_child child, kaal_msginfo msginfo, kaal_msginfo *reply)
{
    (void)child;
    (void)msginfo;
    (void)reply;
    return 0;
}

/* The loop of libmicrokit's handler_loop (non-MCS): receive on the input cap (slot 1: the
 * endpoint of a PPC server or fault handler, with its notification bound to the TCB, else the
 * notification itself). A badge with both fault bits is a fault message from child
 * `badge & KAAL_FAULT_CHILD_MASK`; with the PPC bit alone, a call on channel
 * `badge & KAAL_PPC_CHANNEL_MASK`, answered through ReplyRecv on the next turn; otherwise every
 * set bit is a notified channel. */
void kaal_main(seL4_IPCBuffer *ipc_buffer)
{
    /* The kernel passes the IPC buffer in a0; the plan's address serves should it not. */
    __sel4_ipc_buffer = ipc_buffer ? ipc_buffer : (seL4_IPCBuffer *)KAAL_IPC_BUFFER_VADDR;
    init();

    int have_reply = 0;
    kaal_msginfo reply = kaal_msginfo_new(0, 0);
    for (;;) {
        seL4_Word badge;
        kaal_msginfo tag = have_reply ? seL4_ReplyRecv(KAAL_SLOT_INPUT, reply, &badge)
                                      : seL4_Recv(KAAL_SLOT_INPUT, &badge);
        have_reply = 0;
        if ((badge & KAAL_FAULT_BADGE_FLAG) == KAAL_FAULT_BADGE_FLAG) {
            have_reply = fault(badge & KAAL_FAULT_CHILD_MASK, tag, &reply);
        } else if (badge & KAAL_PPC_BADGE_FLAG) {
            reply = protected(badge & KAAL_PPC_CHANNEL_MASK, tag);
            have_reply = 1;
        } else {
            for (kaal_channel ch = 0; badge != 0; ch++, badge >>= 1) {
                if (badge & 1) notified(ch);
            }
        }
    }
}
