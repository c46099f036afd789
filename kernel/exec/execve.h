// The execve system call's half that talks to user memory: the path and
// the argument and environment vectors copied in (FreeBSD's
// exec_copyin_args), the program found in the initrd, then kern_execve.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <abi/errno.h>

struct thread;

// The longest path execve takes, NUL included (FreeBSD's MAXPATHLEN).
inline constexpr size_t EXEC_MAXPATH = 1024;
// The most argument plus environment strings.
inline constexpr size_t EXEC_MAXARGS = 4096;

// execve(path, argv, envp) with user addresses (envp may be 0: none).
// JustReturn on success: the frame already starts the new program.  A
// file starting with "#!" runs its interpreter (imgact_shell.h): argv
// becomes interpreter [argument] path argv[1..], both files needing
// their execute bits.
// Errors, each leaving the caller as it was: EFAULT (a bad pointer),
// ENAMETOOLONG (the path, or a "#!" line over SHELL_LINE_MAX), E2BIG (the
// arguments, the interpreter's included), ENOENT (no such program or
// interpreter), EACCES, ENOEXEC (not a program; a "#!" naming nothing,
// or naming another script), ENOMEM.
Errno user_execve(thread* td, uint64_t upath, uint64_t uargv, uint64_t uenvp);
