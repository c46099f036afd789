// Shadows picolibc's <sys/wait.h>: wait4's options and status encoding
// (WIFSTOPPED, WIFCONTINUED ...) are FreeBSD's (abi/wait.h), and wait4
// itself is declared here.
#pragma once

#include <abi/wait.h>
#include <sys/types.h>

// A core was dumped (never, on Sprig; FreeBSD's bit, for ported code).
constexpr bool WCOREDUMP(int st) { return (st & 0200) != 0; }

struct rusage;

extern "C" {
pid_t wait(int* status);
pid_t waitpid(pid_t pid, int* status, int options);
pid_t wait4(pid_t pid, int* status, int options, struct rusage* rusage);
}
