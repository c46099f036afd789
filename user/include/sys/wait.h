// Shadows picolibc's <sys/wait.h>: wait4's options and status encoding
// are FreeBSD's (abi/wait.h), and wait4 itself is declared here.
#pragma once

#include <abi/wait.h>
#include <sys/types.h>

// WIFSTOPPED, WSTOPSIG and WIFCONTINUED come from abi/wait.h.
constexpr bool WCOREDUMP(int st) { return (st & 0200) != 0; }

struct rusage;

extern "C" {
pid_t wait(int* status);
pid_t waitpid(pid_t pid, int* status, int options);
pid_t wait4(pid_t pid, int* status, int options, struct rusage* rusage);
}
