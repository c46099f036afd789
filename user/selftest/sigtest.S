/*
 * Signals from user mode, without a C library (the boot self-test runs
 * it and wants exit(0); any other status names the step that failed):
 *  1. sigaction(SIGUSR1) with SA_SIGINFO, then kill(getpid(), SIGUSR1):
 *     the handler runs with a0 = 30, a1 = &siginfo (si_signo 30),
 *     a2 = &ucontext and ra = the trampoline at the shared page; it
 *     clobbers s1..s11, t3..t6 and f8..f9, and after sigreturn every one
 *     of them, and kill's result (t0 = 0, a0 = 0), is as it was.
 *  2. Inside the handler, sigreturn of its own context with sstatus.SPP
 *     set (a return to S-mode) fails with EINVAL.
 *  3. SIGUSR1 blocked by sigprocmask stays pending (sigpending says so)
 *     and runs its handler when unblocked.
 *  4. A store to the shared page faults: the SIGSEGV handler sees
 *     si_addr = that address and si_code = SEGV_ACCERR, and steps over
 *     the store by moving the context's sepc; the page reads as the
 *     trampoline's first instruction, addi a0, sp, 80.
 *  5. rdcycle, rdtime and rdinstret work in user mode (scounteren).
 *
 * Offsets: siginfo si_signo 0, si_code 8, si_addr 24; ucontext
 * uc_mcontext at 16, so gp_sepc at 16 + 248 and gp_sstatus at 16 + 256.
 */
    .option norvc               /* every instruction 4 bytes: sepc + 4 skips one */

#define SYS_exit        1
#define SYS_getpid      20
#define SYS_kill        37
#define SYS_sigprocmask 340
#define SYS_sigpending  343
#define SYS_sigaction   416
#define SYS_sigreturn   417
#define SIGSEGV         11
#define SIGUSR1         30
#define SHAREDPAGE      0x3ffffff000
#define UC_SEPC         (16 + 248)
#define UC_SSTATUS      (16 + 256)

#define FAIL(n)  li a0, n; j fail

    .section .text
    .globl _start
_start:
    /* 1. install the SIGUSR1 handler */
    li      a0, SIGUSR1
    la      a1, usr1_act
    li      a2, 0
    li      t0, SYS_sigaction
    ecall
    beqz    t0, 1f
    FAIL(10)
1:  li      t0, SYS_getpid
    ecall
    la      t1, mypid
    sd      a0, 0(t1)
    /* known values in what the handler clobbers */
    li      s1, 0x5101
    li      s2, 0x5202
    li      s3, 0x5303
    li      s4, 0x5404
    li      s5, 0x5505
    li      s6, 0x5606
    li      s7, 0x5707
    li      s8, 0x5808
    li      s9, 0x5909
    li      s10, 0x5a0a
    li      s11, 0x5b0b
    li      t3, 0x7303
    li      t4, 0x7404
    li      t5, 0x7505
    li      t6, 0x7606
    fmv.d.x f8, s1
    fmv.d.x f9, s2
    li      a1, SIGUSR1
    li      t0, SYS_kill
    ecall
    beqz    t0, 1f
    FAIL(11)                    /* kill failed */
1:  beqz    a0, 1f
    FAIL(12)                    /* kill's result lost */
1:  la      t0, usr1_count
    ld      t0, 0(t0)
    li      t1, 1
    beq     t0, t1, 1f
    FAIL(13)                    /* the handler did not run once */
1:  la      t0, handler_error
    ld      a0, 0(t0)
    bnez    a0, fail            /* the handler saw something wrong */
    li      t0, 0x5101
    bne     s1, t0, bad_regs
    li      t0, 0x5202
    bne     s2, t0, bad_regs
    li      t0, 0x5303
    bne     s3, t0, bad_regs
    li      t0, 0x5404
    bne     s4, t0, bad_regs
    li      t0, 0x5505
    bne     s5, t0, bad_regs
    li      t0, 0x5606
    bne     s6, t0, bad_regs
    li      t0, 0x5707
    bne     s7, t0, bad_regs
    li      t0, 0x5808
    bne     s8, t0, bad_regs
    li      t0, 0x5909
    bne     s9, t0, bad_regs
    li      t0, 0x5a0a
    bne     s10, t0, bad_regs
    li      t0, 0x5b0b
    bne     s11, t0, bad_regs
    li      t0, 0x7303
    bne     t3, t0, bad_regs
    li      t0, 0x7404
    bne     t4, t0, bad_regs
    li      t0, 0x7505
    bne     t5, t0, bad_regs
    li      t0, 0x7606
    bne     t6, t0, bad_regs
    fmv.x.d t0, f8
    bne     s1, t0, bad_fp
    fmv.x.d t0, f9
    bne     s2, t0, bad_fp

    /* 3. blocked, pending, then delivered on unblock */
    li      a0, 1               /* SIG_BLOCK */
    la      a1, usr1_set
    li      a2, 0
    li      t0, SYS_sigprocmask
    ecall
    beqz    t0, 1f
    FAIL(30)
1:  la      t0, mypid
    ld      a0, 0(t0)
    li      a1, SIGUSR1
    li      t0, SYS_kill
    ecall
    la      t0, usr1_count
    ld      t0, 0(t0)
    li      t1, 1
    beq     t0, t1, 1f
    FAIL(31)                    /* delivered although blocked */
1:  la      a0, pending
    li      t0, SYS_sigpending
    ecall
    la      t0, pending
    lw      t0, 0(t0)
    li      t1, 1 << (SIGUSR1 - 1)
    beq     t0, t1, 1f
    FAIL(32)                    /* sigpending does not show it */
1:  li      a0, 2               /* SIG_UNBLOCK */
    la      a1, usr1_set
    li      a2, 0
    li      t0, SYS_sigprocmask
    ecall
    la      t0, usr1_count
    ld      t0, 0(t0)
    li      t1, 2
    beq     t0, t1, 1f
    FAIL(33)                    /* not delivered on unblock */

    /* 4. the shared page: readable, holds the trampoline, not writable */
1:  li      a0, SIGSEGV
    la      a1, segv_act
    li      a2, 0
    li      t0, SYS_sigaction
    ecall
    li      s1, SHAREDPAGE
    lw      t0, 0(s1)
    li      t1, 0x05010513      /* addi a0, sp, 80 */
    beq     t0, t1, 1f
    FAIL(40)
1:  sw      zero, 0(s1)         /* faults; the handler skips it */
    la      t0, segv_count
    ld      t0, 0(t0)
    li      t1, 1
    beq     t0, t1, 1f
    FAIL(41)
1:  lw      t0, 0(s1)
    li      t1, 0x05010513
    beq     t0, t1, 1f
    FAIL(42)                    /* the page changed */
1:  la      t0, handler_error
    ld      a0, 0(t0)
    bnez    a0, fail

    /* 5. counters */
    rdcycle t0
    rdtime  t1
    rdinstret t2
    rdinstret t3
    bgtu    t3, t2, 1f
    FAIL(50)                    /* instret does not count */

1:  li      a0, 0
    li      t0, SYS_exit
    ecall
bad_regs:
    FAIL(14)
bad_fp:
    FAIL(15)
fail:
    li      t0, SYS_exit
    ecall

/* SIGUSR1, SA_SIGINFO: checks its arguments, clobbers registers, tries a
 * forged sigreturn once.  Errors go to handler_error (the first only). */
usr1_handler:
    la      t0, usr1_count
    ld      t1, 0(t0)
    addi    t1, t1, 1
    sd      t1, 0(t0)
    li      t0, SIGUSR1
    beq     a0, t0, 1f
    li      t0, 20
    j       usr1_error
1:  lw      t0, 0(a1)
    li      t1, SIGUSR1
    beq     t0, t1, 1f
    li      t0, 21
    j       usr1_error
1:  li      t0, SHAREDPAGE
    beq     ra, t0, 1f
    li      t0, 22
    j       usr1_error
1:  andi    t0, sp, 15
    beqz    t0, 1f
    li      t0, 23
    j       usr1_error
1:  addi    t0, sp, 80          /* a2 is the frame's ucontext */
    beq     a2, t0, 1f
    li      t0, 24
    j       usr1_error
    /* 2. a forged context: SPP set */
1:  ld      t2, UC_SSTATUS(a2)
    ori     t1, t2, 0x100
    sd      t1, UC_SSTATUS(a2)
    mv      s1, a2
    mv      s2, ra
    mv      a0, a2
    li      t0, SYS_sigreturn
    ecall
    sd      t2, UC_SSTATUS(s1)  /* put it back */
    mv      ra, s2
    li      t1, 1
    beq     t0, t1, 1f
    li      t0, 25              /* sigreturn did not fail */
    j       usr1_error
1:  li      t1, 22
    beq     a0, t1, clobber
    li      t0, 26              /* not EINVAL */
    j       usr1_error
usr1_error:
    la      t1, handler_error
    ld      t2, 0(t1)
    bnez    t2, clobber
    sd      t0, 0(t1)
clobber:
    li      s1, -1
    li      s2, -1
    li      s3, -1
    li      s4, -1
    li      s5, -1
    li      s6, -1
    li      s7, -1
    li      s8, -1
    li      s9, -1
    li      s10, -1
    li      s11, -1
    li      t3, -1
    li      t4, -1
    li      t5, -1
    li      t6, -1
    fmv.d.x f8, zero
    fmv.d.x f9, zero
    ret                         /* to the trampoline: sigreturn */

/* SIGSEGV: the store to the shared page; steps over it. */
segv_handler:
    la      t0, segv_count
    ld      t1, 0(t0)
    addi    t1, t1, 1
    sd      t1, 0(t0)
    ld      t0, 24(a1)          /* si_addr */
    li      t1, SHAREDPAGE
    beq     t0, t1, 1f
    li      t0, 43
    j       segv_error
1:  lw      t0, 8(a1)           /* si_code */
    li      t1, 2               /* SEGV_ACCERR */
    beq     t0, t1, 1f
    li      t0, 44
    j       segv_error
1:  ld      t0, UC_SEPC(a2)
    addi    t0, t0, 4
    sd      t0, UC_SEPC(a2)
    ret
segv_error:
    la      t1, handler_error
    sd      t0, 0(t1)
    ld      t0, UC_SEPC(a2)
    addi    t0, t0, 4
    sd      t0, UC_SEPC(a2)
    ret

    .section .data
    .balign 8
usr1_act:
    .dword  usr1_handler
    .word   0x40                /* SA_SIGINFO */
    .word   0, 0, 0, 0          /* sa_mask */
    .word   0
segv_act:
    .dword  segv_handler
    .word   0x40
    .word   0, 0, 0, 0
    .word   0
usr1_set:
    .word   1 << (SIGUSR1 - 1), 0, 0, 0
pending:
    .word   0, 0, 0, 0
mypid:
    .dword  0
usr1_count:
    .dword  0
segv_count:
    .dword  0
handler_error:
    .dword  0
