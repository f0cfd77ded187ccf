/* harness.c — a scripted stand-in for the kernel: logs every system call the SDK makes (number,
 * cap, message info, MR0..MR3 from a2..a5) to the UART and answers Recv/ReplyRecv with a fixed
 * sequence of events: notifications, a PPC, a fault message, then powers the machine off. */
#include <kaal.h>

#define UART ((volatile uint8_t *)0x10000000u)
#define TEST_DEVICE ((volatile uint32_t *)0x00100000u)

enum { A0 = 10, A1 = 11, A2 = 12, A3 = 13, A4 = 14, A5 = 15, A7 = 17 };

seL4_IPCBuffer harness_ipc_buffer;
/* In .data, not .bss: crt0 clears .bss after the harness has started. */
static int step __attribute__((section(".data"))) = 0;
extern char __bss_start[], __bss_end[];

#define UART_LSR 5
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40

/* QEMU sends in the background and drops what is written while THRE is clear. */
static void uart_putc(char c)
{
    while (!(UART[UART_LSR] & UART_LSR_THRE)) {
    }
    UART[0] = (uint8_t)c;
}

static void uart_puts(const char *s)
{
    while (*s) uart_putc(*s++);
}

/* Waits until the last byte has left the UART, then powers off through the SiFive test device. */
static void power_off(uint32_t code)
{
    while (!(UART[UART_LSR] & UART_LSR_TEMT)) {
    }
    *TEST_DEVICE = code;
}

static void log_line(const char *format, ...)
{
    char line[160];
    va_list args;
    va_start(args, format);
    /* kaal_snprintf has no va_list form; format the few values by hand through it. */
    uint32_t v[6];
    for (int i = 0; i < 6; i++) v[i] = va_arg(args, uint32_t);
    va_end(args);
    kaal_snprintf(line, sizeof line, format, v[0], v[1], v[2], v[3], v[4], v[5]);
    uart_puts("[kernel] ");
    uart_puts(line);
    uart_puts("\n");
}

void harness_prepare(void)
{
    for (char *p = __bss_start; p < __bss_end; p++) *p = (char)0xa5;
}

static void answer(uint32_t *r, uint32_t badge, seL4_MessageInfo_t info, uint32_t mr0, uint32_t mr1)
{
    r[A0] = badge;
    r[A1] = info.words[0];
    r[A2] = mr0;
    r[A3] = mr1;
    r[A4] = 0;
    r[A5] = 0;
}

void harness_trap(uint32_t *r)
{
    uint32_t cause, epc;
    __asm__ volatile("csrr %0, mcause" : "=r"(cause));
    __asm__ volatile("csrr %0, mepc" : "=r"(epc));
    if (cause != 11) {
        log_line("unexpected trap: mcause %u at pc 0x%x", cause, epc, 0, 0, 0, 0);
        power_off(0x3333 | (1u << 16));
    }
    int32_t syscall = (int32_t)r[A7];
    if (syscall == seL4_SysDebugPutChar) {
        uart_putc((char)r[A0]);
    } else if (syscall == seL4_SysRecv || syscall == seL4_SysReplyRecv) {
        log_line("%s cap %u info 0x%x mr0 %u mr4 %u", (uint32_t)(syscall == seL4_SysRecv ? "recv" : "replyrecv"),
                 r[A0], r[A1], r[A2], harness_ipc_buffer.msg[4], 0);
        switch (step++) {
        case 0: /* channels 0 and 1 signalled at once (1 carries the IRQ) */
            answer(r, (1u << 0) | (1u << 1), seL4_MessageInfo_new(0, 0, 0, 0), 0, 0);
            break;
        case 1: /* a PPC on channel 0 with label 9 and two MRs */
            answer(r, KAAL_PPC_BADGE_FLAG | 0u, seL4_MessageInfo_new(9, 0, 0, 2), 6, 7);
            break;
        case 2: /* a fault message from child 5: VMFault (label 5) */
            answer(r, KAAL_FAULT_BADGE_FLAG | 5u, seL4_MessageInfo_new(5, 0, 0, 4), 0x10000000u, 0);
            break;
        default:
            log_line("power off", 0, 0, 0, 0, 0, 0);
            power_off(0x5555);
        }
    } else if (syscall == seL4_SysNBRecv) {
        log_line("nbrecv cap %u", r[A0], 0, 0, 0, 0, 0);
        answer(r, 0x5, seL4_MessageInfo_new(0, 0, 0, 0), 0, 0);
    } else if (syscall == seL4_SysCall) {
        log_line("call cap %u label %u length %u mr0 %u", r[A0], r[A1] >> 12, r[A1] & 0x7f, r[A2], 0, 0);
        answer(r, 0, seL4_MessageInfo_new(0, 0, 0, 1), 77, 0);
    } else {
        log_line("syscall %d cap %u info 0x%x mr0 %u mr1 %u", (uint32_t)syscall, r[A0], r[A1], r[A2], r[A3], 0);
    }
    __asm__ volatile("csrw mepc, %0" : : "r"(epc + 4));
}
