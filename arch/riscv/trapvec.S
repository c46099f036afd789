/*
 * The trap vector (stvec, direct mode).
 *
 * sscratch tells where the trap came from: 0 while running in the kernel;
 * the kernel stack top of the current thread while in user mode (set on
 * the way out to user space).  Swapping sp with sscratch therefore gives
 * either the kernel stack (from user) or 0 (from the kernel, and then sp
 * is swapped back).
 *
 * From user mode the frame goes at the top of the thread's kernel stack
 * (td_frame).  The registers C code does not keep (ra, t0..t6, a0..a7),
 * sp and the CSRs are saved first.  An ecall then takes the system-call
 * path below, which saves no more for most calls: gp and tp are never
 * written by the kernel and s0..s11 are kept by every C function, so the
 * CPU still holds the user's values when the call returns.  Everything
 * that reads or rewrites a whole frame gets one first: calls flagged
 * SYF_FULLFRAME (fork, vfork, rfork, execve, sigreturn) and unknown
 * numbers (syscall_full), and ast, which may deliver a signal
 * (syscall_ast).  Every other trap from user mode saves the whole frame
 * and calls trap_handler(frame); so does every trap from the kernel,
 * which pushes its frame on the current stack.  docs/syscalls.md has the
 * design and the proof that no kernel value reaches a user register.
 *
 * From the kernel, sp is checked against the current stack's guard first
 * (kstack_guard.h): a trap frame pushed into the guard page would fault
 * again forever, so an overflowing sp sends the trap to the emergency
 * stack and kstack_overflow() instead.
 */
#include <assym.h>
#include "kstack_guard.h"

/* The registers C code does not keep: ra, t0..t6, a0..a7. */
.macro SAVE_CALLER_SAVED
    .irp r, 1,5,6,7,10,11,12,13,14,15,16,17,28,29,30,31
    sd      x\r, TF_X + \r*8(sp)
    .endr
.endm

/* The rest but sp: gp, tp and s0..s11.  The debug kernel marks the
 * frame whole (TF_PARTIAL: arch/frame.h's TF_X0_PARTIAL). */
.macro SAVE_CALLEE_SAVED
    .irp r, 3,4,8,9,18,19,20,21,22,23,24,25,26,27
    sd      x\r, TF_X + \r*8(sp)
    .endr
#if KASSERT_ENABLED
    sd      zero, TF_X(sp)
#endif
.endm

/* sepc, sstatus, scause into the frame (t0 is saved already); scause
 * stays in t0. */
.macro SAVE_CSRS_BUT_STVAL
    csrr    t0, sepc
    sd      t0, TF_SEPC(sp)
    csrr    t0, sstatus
    sd      t0, TF_SSTATUS(sp)
    csrr    t0, scause
    sd      t0, TF_SCAUSE(sp)
.endm

.macro SAVE_STVAL
    csrr    t1, stval
    sd      t1, TF_STVAL(sp)
.endm

/* A frame record so backtraces walk from the handler into the
 * interrupted code: fp points just above {ra = sepc, fp = old s0};
 * a0 gets the frame.  s0 must be saved already. */
.macro FRAME_RECORD
    addi    sp, sp, -16
    ld      t0, 16 + TF_SEPC(sp)
    sd      t0, 8(sp)
    sd      s0, 0(sp)
    addi    s0, sp, 16
    addi    a0, sp, 16
.endm

/* The current thread (sched_curthread) into reg. */
.macro CURTHREAD reg
1:  auipc   \reg, %pcrel_hi(sched_curthread)
    ld      \reg, %pcrel_lo(1b)(\reg)
.endm

    .section .text
    .balign 4
    .globl trap_vector
trap_vector:
    csrrw   sp, sscratch, sp
    beqz    sp, trap_from_kernel
    addi    sp, sp, -TF_SIZE
    SAVE_CALLER_SAVED
    /* The user's sp; sscratch 0 again: a trap from here on comes from
     * the kernel. */
    csrrw   t1, sscratch, zero
    sd      t1, TF_X + 2*8(sp)
    /* The kernel runs with FP off (the user's FS is in the frame, and
     * the way back puts it back): a stray FP instruction traps instead of
     * touching user state. */
    li      t2, SSTATUS_FS
    csrrc   t1, sstatus, t2
    sd      t1, TF_SSTATUS(sp)
    csrr    t1, sepc
    csrr    t2, scause
    addi    t2, t2, -SCAUSE_ECALL_USER
    bnez    t2, user_trap

/*
 * A system call (an ecall from user mode: a cause no other trap has).  t0
 * holds the number, a0..a7 the arguments, t1 the ecall's address.  What
 * cpu_fetch_syscall_args does (arch/syscall_machdep.h), done here with
 * the values still in registers: sepc past the ecall, the handler,
 * td_retval = {0, a1}, the arguments read in place from the frame.  Then
 * the handler, with interrupts on.  The handler comes from
 * syscall_fast_table (trap.cpp fills it from sysent_table at boot), whose
 * entry for a call flagged SYF_FULLFRAME is syscall_fullframe instead:
 * that call takes the whole way, as a number past the table does
 * (syscall_full).
 */
    sltiu   t2, t0, SYSENT_NCALLS
    beqz    t2, syscall_full
    slli    t0, t0, 3
1:  auipc   t2, %pcrel_hi(syscall_fast_table)
    add     t0, t0, t2
    ld      t0, %pcrel_lo(1b)(t0)
    addi    t1, t1, SYSCALL_ECALL_SIZE
    sd      t1, TF_SEPC(sp)
#if KASSERT_ENABLED
    li      t1, TF_PARTIAL
    sd      t1, TF_X(sp)
#endif
    CURTHREAD a0
    sd      zero, TD_RETVAL(a0)
    sd      a1, TD_RETVAL+8(a0)
    addi    a1, sp, TF_A0
    csrsi   sstatus, SSTATUS_SIE
    jalr    t0
    /* What cpu_set_syscall_retval and ast's first test do, for a call
     * that succeeded: with interrupts off (nothing can become owed before
     * sret), the two flags ast acts on; both clear, the results go
     * straight to a0/a1 and t0 = 0.  Anything else goes to C. */
    csrci   sstatus, SSTATUS_SIE
    CURTHREAD t1
    bnez    a0, syscall_finish_entry
    lbu     t2, TD_OWEPREEMPT(t1)
    bnez    t2, syscall_finish_entry
    lw      t2, TD_FLAGS(t1)
    slli    t2, t2, 63 - TDF_NEEDSIGCHK_BIT
    bltz    t2, syscall_finish_entry
#if KASSERT_ENABLED
    mv      a0, sp
    call    syscall_check_return
    CURTHREAD t1
#endif
    ld      a0, TD_RETVAL(t1)
    ld      a1, TD_RETVAL+8(t1)
    li      t0, 0

/*
 * Back to user mode from a call that saved only the registers C code does
 * not keep: a0, a1 and t0 hold the outcome; the others C code may have
 * used come from the frame; s0..s11, gp and tp were never changed.
 */
syscall_return:
    ld      t1, TF_SEPC(sp)
    csrw    sepc, t1
    ld      t1, TF_SSTATUS(sp)
    csrw    sstatus, t1
    addi    t1, sp, TF_SIZE
    csrw    sscratch, t1
    .irp r, 1,6,7,12,13,14,15,16,17,28,29,30,31
    ld      x\r, TF_X + \r*8(sp)
    .endr
    ld      sp, TF_X + 2*8(sp)
    sret

/*
 * The call failed, asked to be restarted, or ast owes something:
 * syscall_finish writes the outcome into the frame (cpu_set_syscall_retval)
 * and says whether ast must run.  a0 = the call's Errno.
 */
syscall_finish_entry:
    mv      a1, a0
    mv      a0, sp
    call    syscall_finish
    bnez    a0, syscall_ast_entry
    ld      a0, TF_A0(sp)
    ld      a1, TF_A0+8(sp)
    ld      t0, TF_X + 5*8(sp)
    j       syscall_return

/*
 * ast may deliver a signal, which copies the whole frame to the user's
 * stack, and may switch: the frame is completed first.  The C code kept
 * s0..s11, so the CPU holds the user's values.
 */
syscall_ast_entry:
    SAVE_CALLEE_SAVED
    li      t0, SCAUSE_ECALL_USER
    sd      t0, TF_SCAUSE(sp)
    sd      zero, TF_STVAL(sp)
    FRAME_RECORD
    call    syscall_ast
    addi    sp, sp, 16
    j       trap_return

/*
 * syscall_fast_table's entry for a call flagged SYF_FULLFRAME, called in
 * the handler's place: nothing has changed s0..s11, gp or tp since the
 * ecall.  Interrupts off again, sepc back on the ecall (syscall_handler
 * fetches the call anew), then the whole way.
 */
    .globl syscall_fullframe
syscall_fullframe:
    csrci   sstatus, SSTATUS_SIE
    ld      t1, TF_SEPC(sp)
    addi    t1, t1, -SYSCALL_ECALL_SIZE

/*
 * A call that reads or rewrites the whole frame (SYF_FULLFRAME), or a
 * number past the table: the whole frame, then syscall_handler does the
 * call the C way (syscallenter) and ast.  t1 = the ecall's address.
 */
syscall_full:
    sd      t1, TF_SEPC(sp)
    SAVE_CALLEE_SAVED
    li      t0, SCAUSE_ECALL_USER
    sd      t0, TF_SCAUSE(sp)
    sd      zero, TF_STVAL(sp)
    FRAME_RECORD
    call    syscall_handler
    addi    sp, sp, 16
    j       trap_return

/* Any other trap from user mode: the whole frame.  t1 = sepc. */
user_trap:
    sd      t1, TF_SEPC(sp)
    csrr    t0, scause
    sd      t0, TF_SCAUSE(sp)
    SAVE_STVAL
    SAVE_CALLEE_SAVED
    FRAME_RECORD
    call    trap_handler
    addi    sp, sp, 16
    j       trap_return

trap_from_kernel:
    /* Take sp back, sscratch is 0 again. */
    csrrw   sp, sscratch, sp
    /* Overflow check, with t0 parked in sscratch (no trap can come in
     * between: interrupts are off, and these touch only kernel data). */
    csrw    sscratch, t0
    ld      t0, kstack_guard_base
    beqz    t0, 0f
    sub     t0, sp, t0
    srli    t0, t0, 4
    sltiu   t0, t0, KSTACK_CHECK_SPAN / 16
    bnez    t0, kstack_overflow_entry
0:  csrrw   t0, sscratch, zero
    addi    sp, sp, -TF_SIZE
    SAVE_CALLER_SAVED
    SAVE_CALLEE_SAVED
    addi    t0, sp, TF_SIZE
    sd      t0, TF_X + 2*8(sp)
    SAVE_CSRS_BUT_STVAL
    SAVE_STVAL
    li      t1, SSTATUS_FS
    csrc    sstatus, t1
    FRAME_RECORD
    call    trap_handler
    addi    sp, sp, 16

/* Restores every register from the frame at sp and returns with sret. */
    .globl trap_return
trap_return:
    ld      t0, TF_SEPC(sp)
    csrw    sepc, t0
    ld      t0, TF_SSTATUS(sp)
    csrw    sstatus, t0
    /* Back to user: sscratch gets this thread's kernel stack top again. */
    andi    t0, t0, SSTATUS_SPP
    bnez    t0, 3f
    addi    t0, sp, TF_SIZE
    csrw    sscratch, t0
3:
    .irp r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld      x\r, TF_X + \r*8(sp)
    .endr
    ld      x2, TF_X + 2*8(sp)
    sret

/*
 * sp is in (or about to reach) the current stack's guard: save the frame
 * on the emergency stack, with the overflowing sp as x2, and report.
 * t0 is still parked in sscratch.  Never returns.
 */
kstack_overflow_entry:
    csrrw   t0, sscratch, zero
    csrw    sscratch, sp
    lla     sp, kstack_emergency_top
    addi    sp, sp, -TF_SIZE
    SAVE_CALLER_SAVED
    SAVE_CALLEE_SAVED
    csrrw   t0, sscratch, zero
    sd      t0, TF_X + 2*8(sp)
    SAVE_CSRS_BUT_STVAL
    SAVE_STVAL
    FRAME_RECORD
    call    kstack_overflow
3:  wfi
    j       3b

    .section .bss
    .balign 16
    .globl kstack_emergency, kstack_emergency_top
kstack_emergency:
    .space  KSTACK_EMERGENCY_SIZE
kstack_emergency_top:
