// The identity getters' system-call handlers (getpid, getppid, getuid,
// geteuid, getgid, getegid): one load or two and no call, so they are
// leaves, and kernel/syscall/sys_getters.cpp is compiled without a frame pointer
// (mk/kernel.mk; GCC 12 has no -momit-leaf-frame-pointer for RISC-V).  A
// leaf without a frame loses nothing in a backtrace: ra names its caller.
// getppid is the null system call the benchmarks time.
#pragma once

#include <abi/errno.h>
#include <stdint.h>

struct thread;

Errno sys_getpid(thread* td, const uint64_t* args);
Errno sys_getppid(thread* td, const uint64_t* args);
Errno sys_getuid(thread* td, const uint64_t* args);
Errno sys_geteuid(thread* td, const uint64_t* args);
Errno sys_getgid(thread* td, const uint64_t* args);
Errno sys_getegid(thread* td, const uint64_t* args);
