// exec's core (FreeBSD's kern_execve / do_execve), for a program already
// in memory (an initrd member) and arguments already in the kernel: the
// system call that copies them in, and the initrd lookup, come with the
// user-space runtime.
//
// The new address space is built whole (segments, stack, the argument
// block written into it) before anything of the old process changes, so
// a failure (ENOEXEC, E2BIG, ENOMEM) leaves the caller exactly as it was.
// Then: the old space is dropped (a vfork parent keeps it), the vfork
// parent is woken, the text reference moves to the new program's vnode,
// close-on-exec descriptors close, caught signals go
// back to their defaults (shared actions are unshared first), and the
// thread's frame starts the program: pc at the entry, sp and a0 at argc.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <abi/errno.h>

struct thread;
struct vnode;

struct ExecArgs {
    const char* path;           // for p_comm (its last component)
    const void* image;          // the ELF file
    size_t image_len;
    const char* const* argv;    // NULL-terminated
    const char* const* envp;    // NULL-terminated (may be nullptr: none)
    vnode* textvp = nullptr;    // the file image came from: the new p_textvp (none: null)
};

// The user stack: its top, and its size (FreeBSD's USRSTACK and the
// initial stack mapping).  The argument block sits at the top.
inline constexpr uint64_t EXEC_STACK_SIZE = uint64_t{1} << 20;
// The most bytes of argument and environment strings plus their pointers
// (FreeBSD's ARG_MAX): E2BIG beyond.
inline constexpr size_t EXEC_ARG_MAX = 256 * 1024;

// Auxiliary vector types (FreeBSD's elf_common.h).
inline constexpr uint64_t AT_NULL = 0, AT_PAGESZ = 6, AT_ENTRY = 9;

// Replaces td's process image.  Ok: td's frame is set for the new program
// (a system call returns JustReturn so it stays).  Errors change nothing.
Errno kern_execve(thread* td, const ExecArgs& args);
