/* boot.c — what the loader does between reset and seL4: check the boot header the build tool
 * wrote, place the image's regions (kernel, DTB, root task), set up the machine for an S-mode
 * kernel (trap delegation, PMP, counters, the boot page table) and enter the kernel with the
 * arguments of seL4's RISC-V entry (src/arch/riscv/head.S): a0 ui_p_reg_start, a1 ui_p_reg_end,
 * a2 pv_offset, a3 v_entry, a4 dtb_addr_p, a5 dtb_size, a6 hart id. Afterwards it stays resident
 * in the reserved memory at the start of RAM and serves traps (sbi.c). */
#include "loader.h"

/* The header lives in .data so that the tool can fill it in the ELF: see docs/sel4.md. */
volatile struct kaal_loader_header kaal_loader_header __attribute__((section(".data.header"))) = {
    .magic = 0,
};

/* mcause codes (privileged spec §3.1.15). */
#define MCAUSE_INTERRUPT (1u << 31)
#define IRQ_M_TIMER 7
#define EXC_ECALL_S 9

/* Exceptions handled by the kernel: misaligned, access faults, illegal instruction, breakpoint,
 * ecall from U, page faults (0-8, 12, 13, 15); ecall from S stays here (the SBI). */
#define MEDELEG_KERNEL 0xb1ffu
/* Supervisor software, timer and external interrupts. */
#define MIDELEG_KERNEL 0x222u
/* pmpcfg0 entry 0: R, W, X, A = NAPOT; with pmpaddr0 all ones it covers every address. */
#define PMP_NAPOT_RWX 0x1fu
/* mcounteren: S-mode may read cycle, time, instret (seL4 reads time for its timer). */
#define MCOUNTEREN_CY_TM_IR 0x7u

#define FDT_MAGIC 0xd00dfeedu

static void __attribute__((noreturn)) halt(const char *why, word_t value)
{
    console_puts("kaal-loader: ");
    console_puts(why);
    console_puts(" ");
    console_put_hex(value);
    console_puts("\n");
    platform_fail();
}

static word_t be32(const volatile uint8_t *p)
{
    return ((word_t)p[0] << 24) | ((word_t)p[1] << 16) | ((word_t)p[2] << 8) | p[3];
}

static void copy_bytes(uint8_t *dest, const uint8_t *src, word_t size)
{
    /* Sources are above every destination (the tool lays the payload out so), so a forward
     * copy never overwrites bytes it has yet to read. */
    for (word_t i = 0; i < size; i++) {
        dest[i] = src[i];
    }
}

static void zero_bytes(uint8_t *dest, word_t size)
{
    for (word_t i = 0; i < size; i++) {
        dest[i] = 0;
    }
}

static int overlaps(word_t start, word_t size, word_t other_start, word_t other_end)
{
    return start < other_end && other_start < start + size;
}

static void check_header(void)
{
    if (kaal_loader_header.magic != KAAL_LOADER_MAGIC) {
        halt("no boot header (not an image from kaal-compose build --target sel4): magic", kaal_loader_header.magic);
    }
    if (kaal_loader_header.version != KAAL_LOADER_VERSION) {
        halt("boot header of another version:", kaal_loader_header.version);
    }
    if (kaal_loader_header.region_count > KAAL_LOADER_MAX_REGIONS) {
        halt("too many regions:", kaal_loader_header.region_count);
    }
    if (((kaal_loader_header.kernel_pbase ^ kaal_loader_header.kernel_vbase) & ((1u << 22) - 1)) != 0) {
        halt("kernel physical and virtual base differ within a 4 MiB page:", kaal_loader_header.kernel_vbase);
    }
}

static void place_regions(void)
{
    word_t loader_start = (word_t)_loader_start;
    word_t loader_end = (word_t)_loader_end;
    for (word_t i = 0; i < kaal_loader_header.region_count; i++) {
        volatile struct kaal_loader_region *region = &kaal_loader_header.regions[i];
        if (region->filesz > region->memsz || region->dest + region->memsz < region->dest) {
            halt("region with a bad size at", region->dest);
        }
        if (overlaps(region->dest, region->memsz, loader_start, loader_end)) {
            halt("region overlaps the loader at", region->dest);
        }
        copy_bytes((uint8_t *)region->dest, (const uint8_t *)region->src, region->filesz);
        zero_bytes((uint8_t *)(region->dest + region->filesz), region->memsz - region->filesz);
    }
}

static void setup_machine(void)
{
    __asm__ volatile("csrw medeleg, %0" :: "r"(MEDELEG_KERNEL));
    __asm__ volatile("csrw mideleg, %0" :: "r"(MIDELEG_KERNEL));
    __asm__ volatile("csrw pmpaddr0, %0" :: "r"(~(word_t)0));
    __asm__ volatile("csrw pmpcfg0, %0" :: "r"(PMP_NAPOT_RWX));
    __asm__ volatile("csrw mcounteren, %0" :: "r"(MCOUNTEREN_CY_TM_IR));
    __asm__ volatile("csrw mie, zero");
    __asm__ volatile("csrw mip, zero");
}

void loader_main(word_t hart_id, word_t firmware_dtb)
{
    check_header();
    word_t dtb_paddr = kaal_loader_header.dtb_paddr;
    word_t dtb_size = kaal_loader_header.dtb_size;
    place_regions();
    if (dtb_size == 0 && firmware_dtb != 0 && be32((const volatile uint8_t *)firmware_dtb) == FDT_MAGIC) {
        dtb_paddr = firmware_dtb;
        dtb_size = be32((const volatile uint8_t *)firmware_dtb + 4);
    }
    setup_machine();
    word_t satp = mmu_boot_satp(kaal_loader_header.kernel_pbase, kaal_loader_header.kernel_vbase);

    console_puts("kaal-loader: kernel ");
    console_put_hex(kaal_loader_header.kernel_pbase);
    console_puts(" entry ");
    console_put_hex(kaal_loader_header.kernel_entry);
    console_puts(", root task ");
    console_put_hex(kaal_loader_header.ui_p_start);
    console_puts("-");
    console_put_hex(kaal_loader_header.ui_p_end);
    console_puts(", dtb ");
    console_put_hex(dtb_paddr);
    console_puts("\n");

    __asm__ volatile("csrw satp, %0" :: "r"(satp));
    __asm__ volatile("sfence.vma" ::: "memory");
    __asm__ volatile("fence.i" ::: "memory");
    enter_supervisor(kaal_loader_header.ui_p_start, kaal_loader_header.ui_p_end, kaal_loader_header.pv_offset,
                     kaal_loader_header.ui_v_entry, dtb_paddr, dtb_size, hart_id, kaal_loader_header.kernel_entry);
}

void handle_trap(struct trap_frame *frame)
{
    word_t mcause;
    word_t mepc;
    __asm__ volatile("csrr %0, mcause" : "=r"(mcause));
    __asm__ volatile("csrr %0, mepc" : "=r"(mepc));
    if (mcause == (MCAUSE_INTERRUPT | IRQ_M_TIMER)) {
        sbi_handle_timer_interrupt();
        return;
    }
    if (mcause == EXC_ECALL_S) {
        sbi_handle_ecall(frame);
        __asm__ volatile("csrw mepc, %0" :: "r"(mepc + 4));
        return;
    }
    word_t mtval;
    __asm__ volatile("csrr %0, mtval" : "=r"(mtval));
    console_puts("kaal-loader: unexpected trap, mcause ");
    console_put_hex(mcause);
    console_puts(" mepc ");
    console_put_hex(mepc);
    halt("mtval", mtval);
}
