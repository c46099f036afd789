/*
 * Every register a system call keeps, across every kind of return (the
 * boot self-test runs it and wants exit(0); any other status names the
 * step that failed).  FreeBSD/riscv64's ABI: a call returns t0 (the error
 * flag), a0 and a1 (a1 unchanged when the call has one result) and keeps
 * every other register.  The kernel saves only the registers C code does
 * not keep on most calls and leaves s0..s11, gp and tp in the CPU (they
 * follow a thread through a switch); a call flagged SYF_FULLFRAME, and a
 * signal's delivery, get the whole frame first (arch/riscv/trapvec.S).
 * So each step sets ra, gp, tp, t1, t2, s0..s11, a1..a7 and t3..t6 to
 * values of their own (sp is kept in memory) and checks all of them after
 *   1-2. a call on the short way (getppid);
 *   3-4. a call that fails on it (close(-1): EBADF);
 *   5-6. an unknown number (ENOSYS, the whole way);
 *   7-8. sched_yield;
 *   9-11. nanosleep while a child spins with values of its own in every
 *      register (steps 40-41 in the child): each returns to user mode
 *      while the other is in the kernel, so neither may get the other's;
 *   12-17. fork: the child (50-51) and the parent, before and after wait4;
 *   18-22. vfork: the child (52-53) on the parent's stack, the parent;
 *   23-27. rfork(RFPROC | RFMEM): the child (54-55), the parent;
 *   28-33. kill(getpid(), SIGUSR1): the handler runs on kill's way back;
 *      its registers (but a0..a2, ra, sp) and its context's registers
 *      are the caller's (codes 100+r and 150+r in the handler), it
 *      clobbers every register, and after sigreturn they are back;
 *   34-39. nanosleep ended by a child's SIGUSR1: EINTR and the handler,
 *      on a failed call's way back;
 *   60-69. page faults, which must keep every register (a0 and t0
 *      too): a store to a page of .bss never touched (60-61), another
 *      (62-63: the object exists now, the quick way), a load from a
 *      third (64-65, t0 gets 0), and in a forked child (66-69) a first
 *      write, which unshares the index path, then a copy-on-write of a
 *      page the parent wrote, the quick way (trapvec.S's user_trap).
 * The fork and signal steps use value sets of their own, so that a frame
 * slot an earlier step filled cannot pass for a register saved now.
 * A child's failing step comes back as the parent's exit status; a wrong
 * register in the handler as its code.  No kernel value reaches a user
 * register: every register is either a result or checked.
 */
    .option norelax         /* no gp: this program sets gp to a test value */

#define SYS_exit        1
#define SYS_fork        2
#define SYS_close       6
#define SYS_wait4       7
#define SYS_getpid      20
#define SYS_kill        37
#define SYS_getppid     39
#define SYS_vfork       66
#define SYS_nanosleep   240
#define SYS_rfork       251
#define SYS_sched_yield 331
#define SYS_sigaction   416
#define NO_SUCH_CALL    9999
#define RFPROC          (1 << 4)
#define RFMEM           (1 << 5)
#define SIGUSR1         30
#define EBADF           9
#define EINTR           4
#define ENOSYS          78
#define SPIN_ROUNDS     2000
#define MC              16      /* ucontext: uc_mcontext, its gpregs first */

/* A value of its own in each register, with bits above 32 set; the
 * spinning child uses another set. */
#define SVAL(r)         (0x5e5e00000000 + 0x101 * (r))
#define SVALS           0x5e5e00000000, 0x101   /* SVAL as SET's and CHECK's base, step */
#define CVALS           0x2d2d00000000, 0x111
/* Fork's, vfork's and rfork's own sets, for the same reason as the
 * signal steps' (below). */
#define FVALS           0x464600000000, 0x101
#define VVALS           0x565600000000, 0x101
#define RVALS           0x525200000000, 0x101
/* The signal steps' sets: base + r, a base of their own each, so that a
 * frame slot left from an earlier step never holds the value wanted; the
 * handler finds the base in hbase. */
#define KBASE           0x4b4b4b4b4b4b0000
#define NBASE           0x4e4e4e4e4e4e0000
#define KVALS           KBASE, 1
#define NVALS           NBASE, 1

/* Every register a call keeps but sp: ra, gp, tp, t1, t2, s0, s1,
 * a1..a7, s2..s11, t3..t6; KEPT_BUT_A1 without a1, for calls whose
 * second result is a1 or whose a1 is an argument set apart. */
#define KEPT        1,3,4,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
#define KEPT_BUT_A1 1,3,4,6,7,8,9,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31

.macro SET base, step, regs:vararg
    .irp r, \regs
    li      x\r, \base + \step * \r
    .endr
.endm

/* Exits with step (in a0) unless each register holds its value; t0 is
 * the scratch (a call's error flag, checked before). */
.macro CHECK step, base, mul, regs:vararg
    li      a0, \step
    .irp r, \regs
    li      t0, \base + \mul * \r
    bne     x\r, t0, fail
    .endr
.endm

/* sp as stored at the start. */
.macro CHECK_SP step
    li      a0, \step
    la      t0, saved_sp
    ld      t0, 0(t0)
    bne     sp, t0, fail
.endm

/* Exits with step unless t0 (the error flag) is flag; t0 is the only
 * register it changes. */
.macro EXPECT_T0 step, flag
    addi    t0, t0, -\flag
    beqz    t0, 1f
    li      a0, \step
    j       fail
1:
.endm

/* Exits with step unless reg == value (t0 is the scratch). */
.macro EXPECT step, reg, value
    li      t0, \value
    beq     \reg, t0, 1f
    li      a0, \step
    j       fail
1:
.endm

/* The page-fault steps' values: a set of their own for each step. */
#define SVAL_PF(step, r) (0x500000000000 + (step) * 0x100000000 + 0x101 * (r))

/* step: the access insn (a0 = addr, every other register a value of its
 * own; t0 must hold t0val after it) fails no register; step + 1: the
 * rest.  t1 is parked in the page, mapped writable by then, to check t0
 * and a0 with. */
.macro PF_STEP step, addr, t0val, insn:vararg
    SET     0x500000000000 + \step * 0x100000000, 0x101, KEPT
    li      t0, SVAL_PF(\step, 5)
    lla     a0, \addr
    \insn
    sd      t1, 8(a0)
    li      t1, \t0val
    bne     t0, t1, 2f
    lla     t1, \addr
    bne     a0, t1, 2f
    ld      t1, 8(a0)
    CHECK   \step + 1, 0x500000000000 + \step * 0x100000000, 0x101, KEPT
    CHECK_SP \step + 1
    j       3f
2:  li      a0, \step
    j       fail
3:
.endm

    .section .text
    .globl _start
_start:
    addi    sp, sp, -32         /* 0(sp): a timespec; 16(sp): wait4's status */
    la      t0, saved_sp
    sd      sp, 0(t0)

    /* 1-2. getppid, the short way */
    SET     SVALS, KEPT
    li      t0, SYS_getppid
    ecall
    EXPECT_T0 1, 0
    CHECK   2, SVALS, KEPT
    CHECK_SP 2

    /* 3-4. close(-1): EBADF on the short way */
    SET     SVALS, KEPT
    li      a0, -1
    li      t0, SYS_close
    ecall
    EXPECT_T0 3, 1
    EXPECT  3, a0, EBADF
    CHECK   4, SVALS, KEPT
    CHECK_SP 4

    /* 5-6. an unknown number */
    SET     SVALS, KEPT
    li      t0, NO_SUCH_CALL
    ecall
    EXPECT_T0 5, 1
    EXPECT  5, a0, ENOSYS
    CHECK   6, SVALS, KEPT
    CHECK_SP 6

    /* 7-8. sched_yield */
    SET     SVALS, KEPT
    li      t0, SYS_sched_yield
    ecall
    EXPECT_T0 7, 0
    CHECK   8, SVALS, KEPT
    CHECK_SP 8

    /* 9-11. nanosleep (2 ms) while a child spins */
    li      t0, SYS_fork
    ecall
    EXPECT_T0 9, 0
    bnez    a1, spin_child
    mv      s1, a0              /* the child's pid */
    la      t0, child_pid
    sd      s1, 0(t0)
    sd      zero, 0(sp)
    li      t1, 2000000
    sd      t1, 8(sp)
    SET     SVALS, KEPT_BUT_A1
    mv      a0, sp
    li      a1, 0
    li      t0, SYS_nanosleep
    ecall
    EXPECT_T0 10, 0
    EXPECT  10, a1, 0
    CHECK   11, SVALS, KEPT_BUT_A1
    CHECK_SP 11
    jal     reap_child

    /* 12-17. fork */
    SET     FVALS, KEPT
    li      t0, SYS_fork
    ecall
    EXPECT_T0 12, 0
    bnez    a1, fork_child
    la      t0, child_pid       /* CHECK uses a0 for its step */
    sd      a0, 0(t0)
    EXPECT  13, a1, 0           /* the parent's a1 */
    CHECK   14, FVALS, KEPT_BUT_A1
    CHECK_SP 14
    jal     reap_child
    SET     FVALS, KEPT
    li      t0, SYS_getppid
    ecall
    CHECK   17, FVALS, KEPT

    /* 18-22. vfork */
    SET     VVALS, KEPT
    li      t0, SYS_vfork
    ecall
    EXPECT_T0 18, 0
    bnez    a1, vfork_child
    la      t0, child_pid
    sd      a0, 0(t0)
    EXPECT  19, a1, 0
    CHECK   20, VVALS, KEPT_BUT_A1
    CHECK_SP 20
    jal     reap_child

    /* 23-27. rfork(RFPROC | RFMEM) */
    SET     RVALS, KEPT
    li      a0, RFPROC | RFMEM
    li      t0, SYS_rfork
    ecall
    EXPECT_T0 23, 0
    bnez    a1, rfork_child
    la      t0, child_pid
    sd      a0, 0(t0)
    EXPECT  24, a1, 0
    CHECK   25, RVALS, KEPT_BUT_A1
    CHECK_SP 25
    jal     reap_child

    /* 28-33. a signal delivered on kill's way back, and sigreturn */
    li      a0, SIGUSR1
    la      a1, usr1_act
    li      a2, 0
    li      t0, SYS_sigaction
    ecall
    EXPECT_T0 28, 0
    la      t0, expect_a0       /* kill's outcome in the handler's context */
    sd      zero, 0(t0)
    li      t1, SIGUSR1
    sd      t1, 8(t0)           /* expect_a1 */
    sd      zero, 16(t0)        /* expect_t0 */
    li      t1, KBASE
    sd      t1, 24(t0)          /* hbase */
    li      t0, SYS_getpid
    ecall                       /* a0: kill's pid, kept through SET */
    SET     KVALS, KEPT_BUT_A1
    li      a1, SIGUSR1
    li      t0, SYS_kill
    ecall
    EXPECT_T0 29, 0
    EXPECT  29, a0, 0
    EXPECT  30, a1, SIGUSR1
    CHECK   31, KVALS, KEPT_BUT_A1
    CHECK_SP 31
    la      t0, handler_error
    ld      a0, 0(t0)
    bnez    a0, fail            /* the handler found a register wrong */
    la      t0, usr1_count
    ld      t0, 0(t0)
    EXPECT  32, t0, 1

    /* 34-39. nanosleep (10 s) ended by a child's SIGUSR1 */
    la      t0, expect_a0
    li      t1, EINTR
    sd      t1, 0(t0)
    sd      zero, 8(t0)         /* a1: rmtp, NULL */
    li      t1, 1
    sd      t1, 16(t0)
    li      t1, NBASE
    sd      t1, 24(t0)          /* hbase */
    li      t0, SYS_fork
    ecall
    EXPECT_T0 34, 0
    bnez    a1, signal_child
    la      t0, child_pid
    sd      a0, 0(t0)
    li      t1, 10
    sd      t1, 0(sp)
    sd      zero, 8(sp)
    SET     NVALS, KEPT_BUT_A1
    mv      a0, sp
    li      a1, 0
    li      t0, SYS_nanosleep
    ecall
    EXPECT_T0 35, 1
    EXPECT  35, a0, EINTR
    EXPECT  36, a1, 0
    CHECK   37, NVALS, KEPT_BUT_A1
    CHECK_SP 37
    la      t0, handler_error
    ld      a0, 0(t0)
    bnez    a0, fail
    la      t0, usr1_count
    ld      t0, 0(t0)
    EXPECT  38, t0, 2
    jal     reap_child

    /* 60-69. page faults */
    PF_STEP 60, pf_pages, SVAL_PF(60, 5), sd zero, 0(a0)
    PF_STEP 62, pf_pages + 4096, SVAL_PF(62, 5), sd zero, 0(a0)
    PF_STEP 64, pf_pages + 8192, 0, ld t0, 0(a0)
    li      t0, SYS_fork
    ecall
    EXPECT_T0 66, 0
    bnez    a1, pf_child
    la      t0, child_pid
    sd      a0, 0(t0)
    jal     reap_child

    li      a0, 0
    li      t0, SYS_exit
    ecall

/* 66-69: the child's first write, then a copy-on-write. */
pf_child:
    PF_STEP 66, pf_pages + 12288, SVAL_PF(66, 5), sd zero, 0(a0)
    PF_STEP 68, pf_pages, SVAL_PF(68, 5), sd zero, 0(a0)
    j       exit0

/* reap_child: reap(child_pid).
 * reap: wait4(a0, 16(sp), 0, NULL); a child that did not exit 0 ends this
 * program with the child's status (its failing step), a failed wait4
 * with step 90, one that returned another pid with 91. */
reap_child:
    la      t0, child_pid
    ld      a0, 0(t0)
reap:
    mv      t2, a0
    addi    a1, sp, 16
    li      a2, 0
    li      a3, 0
    li      t0, SYS_wait4
    ecall
    li      a7, 90
    bnez    t0, reap_fail
    li      a7, 91
    bne     a0, t2, reap_fail
    lw      a7, 16(sp)
    bnez    a7, reap_fail       /* the child's W_EXITCODE: exit(step) */
    ret
reap_fail:
    andi    a0, a7, 0xff
    bnez    a0, fail
    srli    a0, a7, 8
    j       fail

/* 40-41: SPIN_ROUNDS sched_yields with values of its own everywhere. */
spin_child:
    la      t0, spin_left
    li      t1, SPIN_ROUNDS
    sd      t1, 0(t0)
    SET     CVALS, KEPT
1:  li      t0, SYS_sched_yield
    ecall
    EXPECT_T0 40, 0
    CHECK   41, CVALS, KEPT
    CHECK_SP 41
    la      t0, spin_left
    ld      a0, 0(t0)
    addi    a0, a0, -1
    sd      a0, 0(t0)
    bnez    a0, 1b
    j       exit0

/* The children use no stack: vfork's and rfork's share the parent's.
 * Each returns with a0 = 0, a1 = 1, t0 = 0 and the parent's others. */
fork_child:
    EXPECT  50, a0, 0
    CHECK   51, FVALS, KEPT_BUT_A1
    CHECK_SP 51
    j       exit0
vfork_child:
    EXPECT  52, a0, 0
    CHECK   53, VVALS, KEPT_BUT_A1
    CHECK_SP 53
    j       exit0
rfork_child:
    EXPECT  54, a0, 0
    CHECK   55, RVALS, KEPT_BUT_A1
    CHECK_SP 55
    j       exit0

/* Lets the parent reach its sleep (a few yields), then signals it. */
signal_child:
    li      s1, 10
1:  li      t0, SYS_sched_yield
    ecall
    addi    s1, s1, -1
    bnez    s1, 1b
    li      t0, SYS_getppid
    ecall
    li      a1, SIGUSR1
    li      t0, SYS_kill
    ecall
    li      a0, 56
    bnez    t0, fail
exit0:
    li      a0, 0
    li      t0, SYS_exit
    ecall

fail:
    andi    a0, a0, 0xff
    li      t0, SYS_exit
    ecall

/*
 * SIGUSR1 (SA_SIGINFO): a0 = the signal, a1 = &siginfo, a2 = &ucontext,
 * ra = the trampoline, sp = the signal frame; every other register is
 * the interrupted one's (hbase + r).  The context holds the call's
 * outcome (t0, a0, a1 from expect_*) and the caller's values in every
 * other register.
 * The first wrong register's code goes to handler_error; then every
 * register but ra and sp is clobbered, and sigreturn must undo it.
 */
.macro HCHECK_LIVE regs:vararg
    .irp r, \regs
    la      t0, hbase
    ld      t0, 0(t0)
    sub     t0, x\r, t0
    addi    t0, t0, -\r
    beqz    t0, 1f
    li      t0, 100 + \r
    j       usr1_error
1:
    .endr
.endm

/* The context's x[r] at off within gpregs. */
.macro HCHECK_MC r, off
    ld      t1, MC + \off(a2)
    la      t0, hbase
    ld      t0, 0(t0)
    sub     t1, t1, t0
    addi    t1, t1, -\r
    beqz    t1, 1f
    li      t0, 150 + \r
    j       usr1_error
1:
.endm

.macro HCHECK_MC_MEM code, off, var
    ld      t1, MC + \off(a2)
    la      t0, \var
    ld      t0, 0(t0)
    beq     t1, t0, 1f
    li      t0, \code
    j       usr1_error
1:
.endm

usr1_handler:
    HCHECK_LIVE 3,4,6,7,8,9,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    HCHECK_MC 1, 0
    HCHECK_MC_MEM 152, 8, saved_sp
    HCHECK_MC 3, 16
    HCHECK_MC 4, 24
    HCHECK_MC_MEM 155, 32, expect_t0
    HCHECK_MC 6, 40
    HCHECK_MC 7, 48
    HCHECK_MC 28, 56
    HCHECK_MC 29, 64
    HCHECK_MC 30, 72
    HCHECK_MC 31, 80
    HCHECK_MC 8, 88
    HCHECK_MC 9, 96
    HCHECK_MC 18, 104
    HCHECK_MC 19, 112
    HCHECK_MC 20, 120
    HCHECK_MC 21, 128
    HCHECK_MC 22, 136
    HCHECK_MC 23, 144
    HCHECK_MC 24, 152
    HCHECK_MC 25, 160
    HCHECK_MC 26, 168
    HCHECK_MC 27, 176
    HCHECK_MC_MEM 160, 184, expect_a0
    HCHECK_MC_MEM 161, 192, expect_a1
    HCHECK_MC 12, 200
    HCHECK_MC 13, 208
    HCHECK_MC 14, 216
    HCHECK_MC 15, 224
    HCHECK_MC 16, 232
    HCHECK_MC 17, 240
    j       usr1_count_it
usr1_error:
    la      t1, handler_error
    ld      t2, 0(t1)
    bnez    t2, usr1_count_it
    sd      t0, 0(t1)
usr1_count_it:
    la      t0, usr1_count
    ld      t1, 0(t0)
    addi    t1, t1, 1
    sd      t1, 0(t0)
    .irp r, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    li      x\r, -1
    .endr
    ret                         /* to the trampoline: sigreturn */

    .section .data
    .balign 8
usr1_act:
    .dword  usr1_handler
    .word   0x40                /* SA_SIGINFO */
    .word   0, 0, 0, 0          /* sa_mask */
    .word   0
    .balign 8
saved_sp:
    .dword  0
child_pid:
    .dword  0
spin_left:
    .dword  0
expect_a0:
    .dword  0
expect_a1:
    .dword  0
expect_t0:
    .dword  0
hbase:
    .dword  0
usr1_count:
    .dword  0
handler_error:
    .dword  0

    .section .bss
    .balign 4096
pf_pages:
    .space  4 * 4096
