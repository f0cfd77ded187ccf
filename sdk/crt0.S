/* crt0.S — the entry point of every kaal-compose component. The kernel starts the thread at the
 * ELF entry with sp = the top of the component's stack and a0 = the IPC buffer's virtual address
 * (see sdk/README.md); this clears .bss and hands over to kaal_main, which never returns. */
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
2:  mv      a0, s0
    call    kaal_main
    /* kaal_main does not return; stop here (a fault) should it ever. */
    unimp
    .size _start, . - _start
