// Names kdump prints: FreeBSD's system call names (syscalls.master) for
// the numbers in abi/syscall.h, FreeBSD's strerror texts, si_code names.
// Pure, so the host tests build it too.
#pragma once

namespace ktr {

// The call's FreeBSD name ("fork", "__sysctl"), nullptr for a number
// Sprig does not have.
const char* syscall_name(int code);
// How many numbers syscall_name knows, and the i-th (ascending), for
// the tests that hold the table to abi/syscall.h.
int syscall_count();
int syscall_code_at(int i);

// FreeBSD's strerror text for its errno value e ("No such file or
// directory"), nullptr for one it does not define.
const char* errno_text(int e);

// "SIGCHLD" for 20; nullptr outside 1..31.
const char* signal_name(int sig);

// The si_code's name for this signal ("CLD_EXITED", "SI_USER"), nullptr
// when it has none.
const char* sigcode_name(int sig, int code);

} // namespace ktr
