/* crt0.S — the reset entry of the kaal loader (M-mode, physical addresses) and its trap vector.
 * QEMU's virt reset code under `-bios none` jumps here with a0 = mhartid, a1 = its DTB.
 * Hart 0 boots; any other hart parks in wfi (the target is single-core: SMP kernels are refused). */
    .section .text.start, "ax", @progbits
    .globl _start
_start:
    csrw    mie, zero
    la      t0, trap_entry
    csrw    mtvec, t0
    bnez    a0, park
    la      sp, _stack_top
    /* The trap vector switches to this stack through mscratch once the kernel runs. */
    csrw    mscratch, sp
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sw      zero, 0(t0)
    addi    t0, t0, 4
    j       1b
2:  call    loader_main
park:
    wfi
    j       park

/* enter_supervisor(a0..a5, hart_id, entry): mret to `entry` in S-mode with a0..a5 as given,
 * a6 = hart id and a7 = 0 (the core id seL4's head.S reads on SMP only). */
    .text
    .globl enter_supervisor
enter_supervisor:
    csrw    mepc, a7
    li      t0, (3 << 11)               /* mstatus.MPP */
    csrc    mstatus, t0
    li      t0, (1 << 11)               /* MPP = S */
    csrs    mstatus, t0
    li      a7, 0
    mret

/* Every trap from S- or U-mode that is not delegated (ecall from S, the machine timer) arrives
 * here: swap to the loader's stack, save the caller-saved registers, handle, restore, mret. */
    .balign 4
    .globl trap_entry
trap_entry:
    csrrw   sp, mscratch, sp
    addi    sp, sp, -64
    sw      ra, 0(sp)
    sw      t0, 4(sp)
    sw      t1, 8(sp)
    sw      t2, 12(sp)
    sw      t3, 16(sp)
    sw      t4, 20(sp)
    sw      t5, 24(sp)
    sw      t6, 28(sp)
    sw      a0, 32(sp)
    sw      a1, 36(sp)
    sw      a2, 40(sp)
    sw      a3, 44(sp)
    sw      a4, 48(sp)
    sw      a5, 52(sp)
    sw      a6, 56(sp)
    sw      a7, 60(sp)
    mv      a0, sp
    call    handle_trap
    lw      ra, 0(sp)
    lw      t0, 4(sp)
    lw      t1, 8(sp)
    lw      t2, 12(sp)
    lw      t3, 16(sp)
    lw      t4, 20(sp)
    lw      t5, 24(sp)
    lw      t6, 28(sp)
    lw      a0, 32(sp)
    lw      a1, 36(sp)
    lw      a2, 40(sp)
    lw      a3, 44(sp)
    lw      a4, 48(sp)
    lw      a5, 52(sp)
    lw      a6, 56(sp)
    lw      a7, 60(sp)
    addi    sp, sp, 64
    csrrw   sp, mscratch, sp
    mret
