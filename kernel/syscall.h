// The system call dispatcher, FreeBSD/riscv64's convention: the number in
// t0, arguments in a0..a7, `ecall`; on return t0 = 0 with the results in
// a0/a1, or t0 = 1 with the errno in a0; every other register as it was.
// An unknown number is ENOSYS.
#pragma once

struct thread;

// Runs the call td's user frame asks for (the trap handler calls this on
// an ecall from user mode).  sepc moves past the ecall first, so a frame
// copied by fork returns after it too.
void syscall(thread* td);
