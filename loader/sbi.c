/* sbi.c — the SBI calls seL4 makes on RISC-V, served in M-mode: the legacy extensions of
 * seL4's include/arch/riscv/arch/sbi.h (SBI spec v2.0 §5: set_timer, console_putchar,
 * console_getchar, shutdown) and, for newer callers, the Base (§4), Timer (§6) and System Reset
 * (§10) extensions. The console is the platform's ns16550a, the timer the CLINT's mtimecmp
 * (its expiry raises STIP for the kernel, privileged spec §3.1.9), shutdown the SiFive test
 * finisher. Every other call answers SBI_ERR_NOT_SUPPORTED. */
#include "loader.h"

#define SBI_LEGACY_SET_TIMER 0x0
#define SBI_LEGACY_CONSOLE_PUTCHAR 0x1
#define SBI_LEGACY_CONSOLE_GETCHAR 0x2
#define SBI_LEGACY_SHUTDOWN 0x8
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494d45
#define SBI_EXT_SRST 0x53525354

#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_GET_IMPL_ID 1
#define SBI_BASE_GET_IMPL_VERSION 2
#define SBI_BASE_PROBE_EXTENSION 3
#define SBI_BASE_GET_MVENDORID 4
#define SBI_BASE_GET_MARCHID 5
#define SBI_BASE_GET_MIMPID 6

#define SBI_SUCCESS 0
#define SBI_ERR_NOT_SUPPORTED ((word_t)-2)

/* SBI v0.2: major 0 in bits 30:24, minor 2 in bits 23:0. */
#define SBI_SPEC_VERSION 0x2u
/* Not a registered implementation id (§4.9 lists them); the loader's own version instead. */
#define LOADER_IMPL_ID 0x4b41414cu
#define LOADER_IMPL_VERSION 1u

/* ns16550a registers (byte offsets, reg-shift 0) and line-status bits. */
#define UART_RBR 0
#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_DR 0x01
#define UART_LSR_THRE 0x20

/* CLINT: mtimecmp of hart 0 and mtime (SiFive CLINT memory map). */
#define CLINT_MTIMECMP 0x4000
#define MIP_STIP (1u << 5)
#define MIE_MTIE (1u << 7)

/* SiFive test finisher: the words that power the machine off with status 0, with status 1
 * (the code in bits 31:16 beside FAIL), and reset it. */
#define FINISHER_PASS 0x5555
#define FINISHER_FAIL_1 0x13333
#define FINISHER_RESET 0x7777
#define SRST_TYPE_SHUTDOWN 0

static volatile uint8_t *uart_reg(word_t offset)
{
    return (volatile uint8_t *)(kaal_loader_header.uart_base + offset);
}

void console_putc(int c)
{
    if (kaal_loader_header.uart_base == 0) {
        return;
    }
    while ((*uart_reg(UART_LSR) & UART_LSR_THRE) == 0) {
    }
    *uart_reg(UART_THR) = (uint8_t)c;
}

static int console_getc(void)
{
    if (kaal_loader_header.uart_base == 0 || (*uart_reg(UART_LSR) & UART_LSR_DR) == 0) {
        return -1;
    }
    return *uart_reg(UART_RBR);
}

void console_puts(const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '\n') {
            console_putc('\r');
        }
        console_putc(*s);
    }
}

void console_put_hex(word_t value)
{
    console_puts("0x");
    for (int shift = 28; shift >= 0; shift -= 4) {
        console_putc("0123456789abcdef"[(value >> shift) & 0xf]);
    }
}

static void __attribute__((noreturn)) finish(uint32_t command)
{
    if (kaal_loader_header.finisher_base != 0) {
        *(volatile uint32_t *)kaal_loader_header.finisher_base = command;
    }
    for (;;) {
        __asm__ volatile("wfi");
    }
}

void platform_shutdown(void)
{
    finish(FINISHER_PASS);
}

void platform_fail(void)
{
    finish(FINISHER_FAIL_1);
}

/* Arms the timer for `deadline` (in mtime ticks) and withdraws a pending STIP, as §6.1 says. */
static word_t set_timer(word_t low, word_t high)
{
    if (kaal_loader_header.clint_base == 0) {
        return SBI_ERR_NOT_SUPPORTED;
    }
    volatile uint32_t *mtimecmp = (volatile uint32_t *)(kaal_loader_header.clint_base + CLINT_MTIMECMP);
    /* Never let the 64-bit compare value pass through a smaller one while half-written. */
    mtimecmp[1] = 0xffffffffu;
    mtimecmp[0] = low;
    mtimecmp[1] = high;
    __asm__ volatile("csrc mip, %0" :: "r"(MIP_STIP));
    __asm__ volatile("csrs mie, %0" :: "r"(MIE_MTIE));
    return SBI_SUCCESS;
}

/* The machine timer fired: hand it to the kernel as its supervisor timer interrupt and mask it
 * until the kernel asks for the next one. */
void sbi_handle_timer_interrupt(void)
{
    __asm__ volatile("csrc mie, %0" :: "r"(MIE_MTIE));
    __asm__ volatile("csrs mip, %0" :: "r"(MIP_STIP));
}

static word_t read_csr_mvendorid(void)
{
    word_t v;
    __asm__ volatile("csrr %0, mvendorid" : "=r"(v));
    return v;
}

static word_t read_csr_marchid(void)
{
    word_t v;
    __asm__ volatile("csrr %0, marchid" : "=r"(v));
    return v;
}

static word_t read_csr_mimpid(void)
{
    word_t v;
    __asm__ volatile("csrr %0, mimpid" : "=r"(v));
    return v;
}

static int extension_present(word_t eid)
{
    switch (eid) {
    case SBI_LEGACY_SET_TIMER:
    case SBI_EXT_TIME:
        return kaal_loader_header.clint_base != 0;
    case SBI_LEGACY_CONSOLE_PUTCHAR:
    case SBI_LEGACY_CONSOLE_GETCHAR:
    case SBI_LEGACY_SHUTDOWN:
    case SBI_EXT_BASE:
    case SBI_EXT_SRST:
        return 1;
    default:
        return 0;
    }
}

/* Base extension (§4): a0 = error, a1 = value. */
static void base_call(struct trap_frame *frame, word_t fid)
{
    word_t value = 0;
    word_t error = SBI_SUCCESS;
    switch (fid) {
    case SBI_BASE_GET_SPEC_VERSION: value = SBI_SPEC_VERSION; break;
    case SBI_BASE_GET_IMPL_ID: value = LOADER_IMPL_ID; break;
    case SBI_BASE_GET_IMPL_VERSION: value = LOADER_IMPL_VERSION; break;
    case SBI_BASE_PROBE_EXTENSION: value = (word_t)extension_present(frame->a[0]); break;
    case SBI_BASE_GET_MVENDORID: value = read_csr_mvendorid(); break;
    case SBI_BASE_GET_MARCHID: value = read_csr_marchid(); break;
    case SBI_BASE_GET_MIMPID: value = read_csr_mimpid(); break;
    default: error = SBI_ERR_NOT_SUPPORTED; break;
    }
    frame->a[0] = error;
    frame->a[1] = value;
}

/* An ecall from S-mode: a7 = extension, a6 = function (v0.2 calls), a0..a2 = arguments. */
void sbi_handle_ecall(struct trap_frame *frame)
{
    word_t eid = frame->a[7];
    switch (eid) {
    case SBI_LEGACY_SET_TIMER:
        frame->a[0] = set_timer(frame->a[0], frame->a[1]);
        break;
    case SBI_LEGACY_CONSOLE_PUTCHAR:
        console_putc((int)frame->a[0]);
        frame->a[0] = SBI_SUCCESS;
        break;
    case SBI_LEGACY_CONSOLE_GETCHAR:
        frame->a[0] = (word_t)console_getc();
        break;
    case SBI_LEGACY_SHUTDOWN:
        platform_shutdown();
    case SBI_EXT_BASE:
        base_call(frame, frame->a[6]);
        break;
    case SBI_EXT_TIME:
        /* §6.1: the only function, sbi_set_timer(uint64 stime_value), fid 0. */
        frame->a[0] = frame->a[6] == 0 ? set_timer(frame->a[0], frame->a[1]) : SBI_ERR_NOT_SUPPORTED;
        frame->a[1] = 0;
        break;
    case SBI_EXT_SRST:
        /* §10.1: system_reset(type, reason), fid 0: shutdown, or a cold or warm reboot. */
        if (frame->a[6] == 0) {
            finish(frame->a[0] == SRST_TYPE_SHUTDOWN ? FINISHER_PASS : FINISHER_RESET);
        }
        frame->a[0] = SBI_ERR_NOT_SUPPORTED;
        break;
    default:
        frame->a[0] = SBI_ERR_NOT_SUPPORTED;
        break;
    }
}
