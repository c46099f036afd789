// How many arguments each system call takes (FreeBSD's sy_narg, from
// syscalls.master), for KTR_SYSCALL's ktr_narg: kdump prints that many.
#pragma once

// The count for code; 6 for a number Sprig does not know (every
// register that may carry one).
int ktr_narg(unsigned long code);
