/* mmu.c — the kernel's boot page table (Sv32, RISC-V privileged spec §4.3): one root table of
 * 4 MiB megapages mapping the kernel's virtual window, from the kernel image's virtual base to
 * the top of the address space, onto physical memory from the 4 MiB page holding the kernel
 * image, as seL4 expects at its entry (it then switches to its own tables in init_cpu). */
#include "loader.h"

#define PAGE_BITS 12
#define MEGAPAGE_BITS 22
#define PT_ENTRIES 1024u

/* PTE bits: V, R, W, X, A, D (§4.3.1); global and user clear, as seL4_tools' elfloader maps. */
#define PTE_V 0x001u
#define PTE_R 0x002u
#define PTE_W 0x004u
#define PTE_X 0x008u
#define PTE_A 0x040u
#define PTE_D 0x080u
#define PTE_PPN_SHIFT 10
#define SATP_MODE_SV32 (1u << 31)

static word_t boot_pt[PT_ENTRIES] __attribute__((aligned(1 << PAGE_BITS)));

static word_t megapage_pte(word_t paddr)
{
    return ((paddr >> PAGE_BITS) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
}

/* Fills the table and returns the satp value that selects it (ASID 0). */
word_t mmu_boot_satp(word_t kernel_pbase, word_t kernel_vbase)
{
    word_t paddr = kernel_pbase & ~((1u << MEGAPAGE_BITS) - 1);
    for (word_t index = 0; index < PT_ENTRIES; index++) {
        boot_pt[index] = 0;
    }
    for (word_t index = kernel_vbase >> MEGAPAGE_BITS; index < PT_ENTRIES; index++) {
        boot_pt[index] = megapage_pte(paddr);
        paddr += 1u << MEGAPAGE_BITS;
    }
    return SATP_MODE_SV32 | ((word_t)boot_pt >> PAGE_BITS);
}
