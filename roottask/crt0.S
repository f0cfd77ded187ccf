/* crt0.S — the root task's entry. seL4 starts its initial thread at the ELF entry with a0 = the
 * bootinfo frame's address and no stack: clear .bss, take the stack in it, run roottask_main. */
    .section .text.start, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    mv      s0, a0
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sw      zero, 0(t0)
    addi    t0, t0, 4
    j       1b
2:  la      sp, __stack_top
    mv      a0, s0
    call    roottask_main
    /* roottask_main ends by suspending the thread; a fault here should it ever return. */
    unimp
    .size _start, . - _start
