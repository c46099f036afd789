// Open files (FreeBSD's struct file, sys/file.h and kern_descrip.c): what
// open(2) makes and a descriptor names.  A file is shared by reference:
// every descriptor slot that holds it (in one table or in tables copied by
// fork) and every system call using it holds one reference (f_count).  The
// offset lives here, not in the descriptor, so a parent and the child it
// forked read and write through one offset.
//
// What a file is (a pipe end, a terminal, an initrd file) is its kind:
// f_type names it, f_ops holds the kind's operations and f_data the kind's
// object.  Kinds plug in by filling a fileops table and calling finit().
//
// Objects come from a zone the caller owns (the kernel makes one at boot,
// host tests one per test); each file remembers its zone, so fdrop()
// needs nothing else.
#pragma once

#include <stdint.h>
#include <abi/fcntl.h>
#include <kernel/sched/priority.h>
#include <kernel/sched/sleep_lock.h>
#include <lib/kassert.h>
#include <lib/result.h>
#include <mm/zone.h>

struct file;
struct thread;
struct uio;
using FileZone = TypedZone<file>;

// f_flag: FREAD and FWRITE are the access mode as bits, the other bits are
// open(2)'s status flags unchanged (O_NONBLOCK, O_APPEND).
inline constexpr uint32_t FREAD = 0x0001;
inline constexpr uint32_t FWRITE = 0x0002;
// Every bit f_flag may hold (FreeBSD's FMASK, the part Sprig has).
inline constexpr uint32_t FMASK = FREAD | FWRITE | O_NONBLOCK | O_APPEND;

// open(2) flags to f_flag and back: O_RDONLY, O_WRONLY, O_RDWR (0, 1, 2)
// become FREAD, FWRITE, FREAD|FWRITE (1, 2, 3) by adding one, which leaves
// the status bits above O_ACCMODE alone.
constexpr uint32_t FFLAGS(int oflags) { return uint32_t(oflags) + 1; }
constexpr int OFLAGS(uint32_t fflags) { return int(fflags) - 1; }

// The kinds of file (FreeBSD's DTYPE_*).  Only the ones Sprig will have;
// later issues give each its fileops.
enum class FileType : uint8_t {
    None,  // DTYPE_NONE: allocated, not yet given a kind (finit)
    Vnode, // DTYPE_VNODE: a file of the initrd
    Pipe,  // DTYPE_PIPE: one end of a pipe
    Tty,   // the console terminal (FreeBSD reaches it through a devfs vnode)
    Kqueue, // DTYPE_KQUEUE: an event queue (kernel/fs/kern_event.h)
};

// fo_flags (FreeBSD's DFLAG_*).
inline constexpr uint32_t DFLAG_SEEKABLE = 0x02; // has an offset: lseek works, reads move f_offset

// A kind's operations (FreeBSD's struct fileops).  Each kind has one
// static table; files point at it.  A null operation is one the kind
// does not have: read and write give EBADF (FreeBSD's badfo_readwrite),
// ioctl gives ENOTTY.
struct fileops {
    // Called once, by the fdrop() that drops the last reference, to release
    // what f_data holds.  Its error becomes close(2)'s when that close was
    // the last reference.  May be null (nothing to release).
    Errno (*fo_close)(file* fp);
    // Moves bytes from the file into uio (a Read transfer); for a
    // seekable kind, from uio_offset on.  Ok with uio_resid telling how
    // much moved (nothing at end of file); an error after some bytes
    // moved is reported by the caller as the count when it is a sleep's.
    Errno (*fo_read)(file* fp, uio* uio, thread* td) = nullptr;
    // Moves bytes from uio (a Write transfer) into the file; as fo_read.
    Errno (*fo_write)(file* fp, uio* uio, thread* td) = nullptr;
    // A device request; data is the argument in kernel memory, already
    // copied in (and copied out after) as the command's encoding says.
    Errno (*fo_ioctl)(file* fp, uint32_t com, void* data, thread* td) = nullptr;
    uint32_t fo_flags = 0; // DFLAG_*
};

struct file {
    uint32_t f_count = 1;              // references: descriptor slots and users in flight
    uint32_t f_flag = 0;               // FREAD, FWRITE, O_NONBLOCK, O_APPEND
    FileType f_type = FileType::None;
    const fileops* f_ops = nullptr;    // null until finit(): nothing to close
    void* f_data = nullptr;            // the kind's object (pipe, vnode, tty)
    int64_t f_offset = 0;              // shared by everyone holding the file
    SleepLock f_offset_lock;           // held from reading f_offset to storing it back
    FileZone* f_zone = nullptr;        // where it goes back to
};

// f_offset held for a read, a write or a seek (FreeBSD's foffset_lock):
// a transfer reads the offset before copying and stores it after, and
// the copy may sleep (a fault waiting for a page) while a process sharing
// the file reads or seeks.  Not interruptible, as FreeBSD's: it is held
// only across copies.
struct FOffsetLock : SleepLockHeld {
    explicit FOffsetLock(file* fp) : SleepLockHeld(fp->f_offset_lock, PLOCK, "fofflk") {}
};

// A new file of no kind yet, with one reference (the caller's), not in
// any descriptor table (FreeBSD 10's falloc_noinstall).  NoMem when the
// zone cannot grow.
Result<file*> falloc_noinstall(FileZone& zone);
// Gives a file its kind (FreeBSD's finit): flag is f_flag (FFLAGS of the
// open flags, masked by FMASK), data the kind's object, ops its table.
void finit(file* fp, uint32_t flag, FileType type, void* data, const fileops* ops);
// Takes one more reference; returns fp for `slot = fhold(fp)`.  Inline,
// as fdrop's common case: every read and write takes and drops one.
inline file* fhold(file* fp)
{
    KASSERT(fp && fp->f_count > 0, "fhold of a freed file");
    fp->f_count++;
    return fp;
}
// The last reference gone: the kind's fo_close, the object to its zone.
Errno fdrop_last(file* fp);
// Drops a reference.  The last one calls the kind's fo_close (if any),
// gives the object back to its zone and returns fo_close's error;
// otherwise Ok.
inline Errno fdrop(file* fp)
{
    KASSERT(fp && fp->f_count > 0, "fdrop of a freed file");
    if (--fp->f_count > 0) return Errno::Ok;
    return fdrop_last(fp);
}
