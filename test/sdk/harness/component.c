/* component.c — an SDK component exercising the libc, printf and every event-loop entry point;
 * its output and the harness's log are compared with the expected transcript. */
#include <kaal.h>

/* '%q' is there on purpose: unknown conversions must print as written. */
#pragma clang diagnostic ignored "-Wformat-invalid-specifier"

static int zeroed; /* in .bss: the harness fills .bss with 0xa5 before crt0 runs */

void init(void)
{
    kaal_printf("init: bss %d, ipc buffer %s\n", zeroed, seL4_GetIPCBuffer() ? "set" : "null");
    kaal_printf("printf: [%d] [%i] [%u] [%x] [%X] [%08x] [%5d] [%-5d] [%c] [%s] [%p] [%%] [%q]\n", -42, 7, 4000000000u,
                0xbeefu, 0xbeefu, 0x1234u, 42, 42, 'k', "str", (void *)0x1000);
    char small[8];
    int wanted = kaal_snprintf(small, sizeof small, "%s-%d", "truncated", 12345);
    kaal_printf("snprintf: '%s' wanted %d\n", small, wanted);
    char buffer[16] = "abcdefghij";
    memmove(buffer + 2, buffer, 5);
    kaal_printf("memmove up: %s\n", buffer);
    memmove(buffer, buffer + 3, 4);
    kaal_printf("memmove down: %s\n", buffer);
    memset(buffer, 'z', 3);
    kaal_printf("memset: %s, strlen %u, memcmp %d %d, strcmp %d\n", buffer, (unsigned)strlen(buffer),
                memcmp("abc", "abd", 3) < 0, memcmp("abc", "abc", 3), strcmp("b", "a") > 0);
    kaal_dbg_puts("dbg_puts\n");
    seL4_SetMR(0, 11);
    seL4_SetMR(1, 12);
    seL4_NBSend(20, seL4_MessageInfo_new(3, 0, 0, 2));
    seL4_Word badge = 0;
    seL4_Poll(21, &badge);
    kaal_printf("poll badge %u\n", (unsigned)badge);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 1));
    kaal_notify(2);
    seL4_Yield();
}

void notified(kaal_channel ch)
{
    kaal_printf("notified %u\n", ch);
    if (ch == 1) kaal_printf("irq ack -> %u\n", (unsigned)kaal_irq_ack(ch));
}

kaal_msginfo protected(kaal_channel ch, kaal_msginfo msginfo)
{
    kaal_printf("protected ch %u label %u count %u mr0 %u mr1 %u\n", ch, (unsigned)kaal_msginfo_get_label(msginfo),
                (unsigned)kaal_msginfo_get_count(msginfo), (unsigned)kaal_mr_get(0), (unsigned)kaal_mr_get(1));
    kaal_mr_set(0, kaal_mr_get(0) * kaal_mr_get(1));
    kaal_mr_set(4, 99);
    return kaal_msginfo_new(0, 5);
}

int fault(kaal_child child, kaal_msginfo msginfo, kaal_msginfo *reply)
{
    kaal_printf("fault from child %u label %u address 0x%x\n", child, (unsigned)kaal_msginfo_get_label(msginfo),
                (unsigned)kaal_mr_get(0));
    (void)reply;
    return 0;
}
