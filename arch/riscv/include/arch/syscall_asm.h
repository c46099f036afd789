/* What the system-call path of arch/riscv/trapvec.S reads of C++ objects:
 * struct thread's fields, the number of system calls.  Kept
 * in step with the C++ declarations by static_asserts in
 * arch/riscv/trap.cpp (a change to struct thread that moves one of these
 * fields stops the build there). */
#pragma once

#define TD_OWEPREEMPT       80      /* thread::td_owepreempt (a bool) */
#define TD_FLAGS            132     /* thread::td_flags (32 bits) */
#define TDF_NEEDSIGCHK_BIT  17      /* tdflag::TDF_NEEDSIGCHK */
#define TD_RETVAL           632     /* thread::td_retval[2] */

#define SYSENT_NCALLS       561     /* SYS_MAXSYSCALL: syscall_fast_table's entries */

#define SCAUSE_ECALL_USER   8
#define SYSCALL_ECALL_SIZE  4

/* The trap frame's x[0] slot (the zero register is never saved) says, in
 * the debug kernel, whether the frame holds every register: 0 (saved as
 * the zero register, or zeroed) when it does, TF_PARTIAL when a system
 * call saved only those C code does not keep (arch/frame.h). */
#define TF_PARTIAL          1
