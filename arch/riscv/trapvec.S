/*
 * The trap vector (stvec, direct mode).  Saves a full TrapFrame on the
 * kernel stack, calls trap_handler(frame) (syscall_handler(frame) for an
 * ecall from user mode), restores and returns with sret (trap_return;
 * syscall_return when syscall_handler says the frame's callee-saved
 * registers are still in the CPU).
 *
 * sscratch tells where the trap came from: 0 while running in the kernel;
 * the kernel stack top of the current thread while in user mode (set on
 * the way out to user space).  Swapping sp with sscratch therefore gives
 * either the kernel stack (from user) or 0 (from the kernel, and then sp
 * is swapped back).
 *
 * From the kernel, sp is checked against the current stack's guard first
 * (kstack_guard.h): a trap frame pushed into the guard page would fault
 * again forever, so an overflowing sp sends the trap to the emergency
 * stack and kstack_overflow() instead.
 */
#include <arch/asm.h>
#include "kstack_guard.h"

#define TF_SIZE     (36 * 8)
#define TF_SEPC     (32 * 8)
#define TF_SSTATUS  (33 * 8)
#define TF_SCAUSE   (34 * 8)
#define TF_STVAL    (35 * 8)
#define SCAUSE_ECALL_USER 8

/* Every general register but sp (x2) and zero into the frame at sp. */
.macro SAVE_GPRS
    sd      x1, 1*8(sp)
    .irp r, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd      x\r, \r*8(sp)
    .endr
.endm

/* sepc, sstatus, scause into the frame (t0 is saved already); scause
 * stays in t0.  stval is the caller's: an ecall has none worth a csrr. */
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
 * a0 gets the frame. */
.macro FRAME_RECORD
    addi    sp, sp, -16
    ld      t0, 16 + TF_SEPC(sp)
    sd      t0, 8(sp)
    sd      s0, 0(sp)
    addi    s0, sp, 16
    addi    a0, sp, 16
.endm

    .section .text
    .balign 4
    .globl trap_vector
trap_vector:
    csrrw   sp, sscratch, sp
    bnez    sp, 1f
    /* From the kernel: take sp back, sscratch is 0 again. */
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
1:
    addi    sp, sp, -TF_SIZE
    SAVE_GPRS
    /* The interrupted sp: sscratch holds it (user) or sp + TF_SIZE (kernel). */
    csrrw   t0, sscratch, zero
    bnez    t0, 2f
    addi    t0, sp, TF_SIZE
2:  sd      t0, 2*8(sp)
    SAVE_CSRS_BUT_STVAL
    /* The kernel runs with FP off (the user's FS is in the frame, and
     * trap_return puts it back): a stray FP instruction traps instead of
     * touching user state. */
    li      t1, SSTATUS_FS
    csrc    sstatus, t1
    /* An ecall from user mode (a cause no other trap has) goes straight
     * to the system call: it is the trap that happens most. */
    li      t1, SCAUSE_ECALL_USER
    beq     t0, t1, syscall_entry
    SAVE_STVAL
    FRAME_RECORD
    call    trap_handler
    addi    sp, sp, 16

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
    ld      x1, 1*8(sp)
    ld      x3, 3*8(sp)
    ld      x4, 4*8(sp)
    ld      x5, 5*8(sp)
    ld      x6, 6*8(sp)
    ld      x7, 7*8(sp)
    ld      x8, 8*8(sp)
    ld      x9, 9*8(sp)
    ld      x10, 10*8(sp)
    ld      x11, 11*8(sp)
    ld      x12, 12*8(sp)
    ld      x13, 13*8(sp)
    ld      x14, 14*8(sp)
    ld      x15, 15*8(sp)
    ld      x16, 16*8(sp)
    ld      x17, 17*8(sp)
    ld      x18, 18*8(sp)
    ld      x19, 19*8(sp)
    ld      x20, 20*8(sp)
    ld      x21, 21*8(sp)
    ld      x22, 22*8(sp)
    ld      x23, 23*8(sp)
    ld      x24, 24*8(sp)
    ld      x25, 25*8(sp)
    ld      x26, 26*8(sp)
    ld      x27, 27*8(sp)
    ld      x28, 28*8(sp)
    ld      x29, 29*8(sp)
    ld      x30, 30*8(sp)
    ld      x31, 31*8(sp)
    ld      x2, 2*8(sp)
    sret

/*
 * A system call: syscall_handler runs it and says whether the short way
 * back will do.  The frame's stval is zeroed (what an ecall reports), not
 * read.
 */
syscall_entry:
    sd      zero, TF_STVAL(sp)
    FRAME_RECORD
    call    syscall_handler
    addi    sp, sp, 16
    beqz    a0, trap_return

/*
 * The short way back from a system call (syscall_handler said so): to user
 * mode, and the frame's s1..s11 are what the CPU holds (the C code kept
 * them), so only the others are loaded.  s0 is loaded: FRAME_RECORD made
 * it the kernel's frame pointer.
 */
syscall_return:
    ld      t0, TF_SEPC(sp)
    csrw    sepc, t0
    ld      t0, TF_SSTATUS(sp)
    csrw    sstatus, t0
    addi    t0, sp, TF_SIZE
    csrw    sscratch, t0
    .irp r, 1,3,4,5,6,7,8,10,11,12,13,14,15,16,17,28,29,30,31
    ld      x\r, \r*8(sp)
    .endr
    ld      x2, 2*8(sp)
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
    SAVE_GPRS
    csrrw   t0, sscratch, zero
    sd      t0, 2*8(sp)
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
