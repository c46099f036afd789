// Kernel tracing (FreeBSD's ktrace(2), kern_ktrace.c): a process's
// system calls, their returns, the paths it looks up, the bytes it reads
// and writes and the signals it takes, written as FreeBSD's records
// (abi/ktrace.h) to a trace sink shared by every process tracing into it.
//
// A process is traced when p_traceflag has facilities (KTRFAC_*) and
// p_tracesink names a sink.  The trace points below are one-line calls
// in the code they watch; each tests KTRPOINT first, so an untraced
// process pays one load and one branch at each.  The system call fast
// path pays nothing: while any process is traced, every call takes the
// whole-frame way through syscallenter (ktr_route.cpp).
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <abi/errno.h>
#include <abi/ktrace.h>
#include <abi/signal.h>
#include <abi/syscall.h>
#include <kernel/proc/proc.h>

struct ktr_sink;

// td_pflags: the thread is writing a trace record (FreeBSD's
// TDP_INKTRACE): what it does meanwhile is not traced.
namespace tdpflag {
inline constexpr uint32_t TDP_INKTRACE = 0x00000004;
}

// Whether td's process traces records of type (FreeBSD's KTRPOINT).
inline bool KTRPOINT(const thread* td, int16_t type)
{
    return (td->td_proc->p_traceflag & ktrfac(type)) && !(td->td_pflags & tdpflag::TDP_INKTRACE);
}

// The bytes of a read or write kept in a KTR_GENIO record (FreeBSD's
// ktr_geniosize): the rest is not recorded.
inline constexpr size_t KTR_GENIOSIZE = 4096;

// The trace points (td is the running thread).
void ktrsyscall(thread* td, uint64_t code, const uint64_t* args);
void ktrsysret(thread* td, uint64_t code, Errno error, uint64_t retval);
void ktrnamei(thread* td, const char* path);
// namei's point: it has no thread argument (the running one looks up).
inline void ktrnamei_point(const char* path)
{
    thread* td = curthread();
    if (td && td->td_proc && KTRPOINT(td, KTR_NAMEI)) ktrnamei(td, path);
}
void ktrgenio(thread* td, int fd, bool write, uint64_t ubuf, size_t len);
void ktrpsig(thread* td, int sig, uintptr_t action, int code, const ksigset_t& mask);

// Fork (the seed's lines 652-664): with KTRFAC_INHERIT the child takes
// p1's facilities and sink, the sink referenced.  Interrupts are off
// (fork1's commit section); nothing here sleeps or allocates.  Inline
// tests, as KTRPOINT's: an untraced fork pays a load and a branch.
void ktrprocfork_inherit(proc* p1, proc* p2);
inline void ktrprocfork(proc* p1, proc* p2)
{
    if (p1->p_traceflag & KTRFAC_INHERIT) ktrprocfork_inherit(p1, p2);
}
// The child's first record, from fork_return (the seed's line 874): the
// SYSRET of SYS_fork with 0, as FreeBSD writes it for every kind of fork.
inline void ktrforkret(thread* td)
{
    if (KTRPOINT(td, KTR_SYSRET)) ktrsysret(td, SYS_fork, Errno::Ok, 0);
}
// Exit: KTR_PROCDTOR when traced, then the process's sink reference goes
// (the last one closes the sink's file).
void ktrprocexit_traced(thread* td);
inline void ktrprocexit(thread* td)
{
    if (td->td_proc->p_tracesink) ktrprocexit_traced(td);
}

// ktrace(2) with the path in kernel memory (rewritten in place by
// namei): see docs/syscalls.md.  fname "/dev/fd/N" names descriptor N of
// the caller (a pipe's write end, say) instead of a file.
Errno kern_ktrace(thread* td, char* fname, int ops, int facs, pid_t pid);
// ktrace(2) from user memory: EFAULT and ENAMETOOLONG for the path, then
// kern_ktrace.  fname may be null only for KTROP_CLEAR.
Errno user_ktrace(thread* td, uint64_t ufname, int ops, int facs, pid_t pid);

// How many processes are traced now (ktr_route.cpp), for tests.
unsigned ktr_traced_count();
