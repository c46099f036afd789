// Pipes (FreeBSD's sys_pipe.c): a bounded buffer between a read end and a
// write end, each an open file of kind Pipe.  Sprig's pipes go one way,
// as POSIX asks (FreeBSD's go both): descriptor 0 reads, 1 writes.
//
// A read takes what is there, sleeping while the buffer is empty, and
// returns 0 (end of file) once the last writer has closed.  A write of
// at most PIPE_BUF bytes goes in whole or not at all (it waits for room
// for all of it); a bigger one goes in piecewise as room appears.  With
// nobody left to read, a write fails with EPIPE and the writer gets
// SIGPIPE (dofilewrite).  O_NONBLOCK turns every wait into EAGAIN.  Sleeps
// take signals (PCATCH); one cut short after some bytes moved returns the
// count (dofileread/dofilewrite).
//
// Every copy to or from the user buffer may sleep (a fault in it waits
// in vmwait for a page), so a read or write holds the pipe's lock
// (pp_lock, FreeBSD's pipelock: PIPE_LOCKFL and PIPE_LWANT) from before
// it looks at the buffer until its bookkeeping is done: two readers
// sharing the read end never copy the same bytes, and a write of at most
// PIPE_BUF bytes is never interleaved with another.  The lock is dropped
// while waiting for bytes or room (the other side needs it to make
// them), and waiting for it takes signals like the other pipe sleeps.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <abi/errno.h>
#include <kernel/fs/file.h>
#include <kernel/fs/kern_event.h>
#include <kernel/sched/sleep_lock.h>

struct thread;

// The buffer (FreeBSD's PIPE_SIZE) and the atomic write size (PIPE_BUF).
inline constexpr size_t PIPE_SIZE = 16384;
inline constexpr size_t PIPE_BUF = 512;

struct pipepair {
    uint8_t* pp_buffer = nullptr; // PIPE_SIZE bytes, kmalloc'd
    size_t pp_out = 0;            // where the oldest byte is
    size_t pp_cnt = 0;            // bytes in the buffer
    bool pp_rclosed = false;      // the read end is gone: writes fail
    bool pp_wclosed = false;      // the write end is gone: reads end
    // Sleep channels: readers wait on pp_rchan for bytes, writers on
    // pp_wchan for room (or for either end to go).
    char pp_rchan = 0;
    char pp_wchan = 0;
    // Somebody sleeps on pp_rchan / pp_wchan (FreeBSD's PIPE_WANTR and
    // PIPE_WANTW): a copy wakes the other side only then, so a byte
    // that finds nobody waiting costs no sleep-queue walk.
    bool pp_rwant = false;
    bool pp_wwant = false;
    SleepLock pp_lock; // held across each copy and its bookkeeping
    klist pp_rsel;     // EVFILT_READ knotes on the read end
    klist pp_wsel;     // EVFILT_WRITE knotes on the write end
};

// The pipe kind's operations.
extern const fileops pipeops;

// Pipes in existence, for leak checks.
size_t pipe_count();

// pipe(2)'s work (kern_pipe): a new pipe, its read end at fildes[0] and
// its write end at fildes[1] (the lowest free descriptors).  flags may
// hold O_CLOEXEC (both descriptors close on exec) and O_NONBLOCK (both
// files never wait); EINVAL for anything else.  EMFILE, ENFILE (no memory
// for the pipe or its files); on an error no descriptor is left behind.
Errno kern_pipe(thread* td, int fildes[2], int flags);
// pipe2(2): the descriptors copied out to the int[2] at ufildes; EFAULT
// (closing both again) when that fails.
Errno kern_pipe2(thread* td, uint64_t ufildes, int flags);
