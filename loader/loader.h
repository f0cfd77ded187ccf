/* loader.h — the machine-mode loader of `kaal-compose build --target sel4`: the boot header the
 * build tool writes into the loader (docs/sel4.md, "The loader"), the devices it drives and the
 * functions of its files. RISC-V privileged spec v1.12 for every CSR named here. */
#pragma once

#include <stdint.h>
#include <stddef.h>

typedef uint32_t word_t;

/* "KLDR" little-endian; the version changes with any change of struct kaal_loader_header. */
#define KAAL_LOADER_MAGIC 0x52444c4bu
#define KAAL_LOADER_VERSION 1u
#define KAAL_LOADER_MAX_REGIONS 16u

/* One piece of the image to place before the kernel starts: `filesz` bytes from `src` (in the
 * image's payload) to `dest`, then zeros up to `memsz`. All addresses physical. */
struct kaal_loader_region {
    word_t dest;
    word_t src;
    word_t filesz;
    word_t memsz;
};

/* Filled in by the build tool (compiler/sel4/): what to place, and the arguments seL4's RISC-V
 * entry takes (seL4 src/arch/riscv/head.S, init_kernel in src/arch/riscv/kernel/boot.c). */
struct kaal_loader_header {
    word_t magic;
    word_t version;
    word_t kernel_entry;   /* virtual */
    word_t kernel_pbase;   /* physical address of the kernel image's first byte */
    word_t kernel_vbase;   /* its virtual address; same offset in a 4 MiB page as kernel_pbase */
    word_t ui_p_start;     /* the root task image, physical, page aligned */
    word_t ui_p_end;
    word_t pv_offset;      /* ui_p_start minus the root task's lowest virtual address */
    word_t ui_v_entry;
    word_t dtb_paddr;      /* 0 with dtb_size 0: hand the kernel the firmware's DTB */
    word_t dtb_size;
    word_t uart_base;      /* ns16550a; 0: no console */
    word_t clint_base;     /* SiFive CLINT (mtimecmp); 0: no timer */
    word_t finisher_base;  /* SiFive test finisher; 0: shutdown spins in wfi */
    word_t region_count;
    struct kaal_loader_region regions[KAAL_LOADER_MAX_REGIONS];
};

extern volatile struct kaal_loader_header kaal_loader_header;

/* The saved registers of the S-mode thread that trapped, as trap_entry in crt0.S lays them out. */
struct trap_frame {
    word_t ra;
    word_t t[7];
    word_t a[8];
};

/* Linker-script symbols: the loader's own extent, which no region may overlap. */
extern char _loader_start[], _loader_end[];

/* crt0.S */
void enter_supervisor(word_t a0, word_t a1, word_t a2, word_t a3, word_t a4, word_t a5,
                      word_t hart_id, word_t entry) __attribute__((noreturn));

/* sbi.c */
void sbi_handle_ecall(struct trap_frame *frame);
void sbi_handle_timer_interrupt(void);
void console_putc(int c);
void console_puts(const char *s);
void console_put_hex(word_t value);
void platform_shutdown(void) __attribute__((noreturn));
void platform_fail(void) __attribute__((noreturn));

/* mmu.c */
word_t mmu_boot_satp(word_t kernel_pbase, word_t kernel_vbase);

/* boot.c */
void loader_main(word_t hart_id, word_t firmware_dtb) __attribute__((noreturn));
void handle_trap(struct trap_frame *frame);
