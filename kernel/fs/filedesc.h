// Descriptor tables (FreeBSD's struct filedesc, sys/filedesc.h and
// kern_descrip.c): a process's array from descriptor numbers to open
// files, with a close-on-exec bit per slot.  Each occupied slot holds one
// reference on its file.
//
// fork1 picks one of three for the child: a copy (RFFDG; the copy holds
// the same file objects, so offsets stay shared), an empty table (RFCFDG),
// or the parent's very table, shared by reference (neither flag):
//
//     RFCFDG:  p2->p_fd = TRY(fdinit(zones, p1->p_fd));
//     RFFDG:   p2->p_fd = TRY(fdcopy(zones, p1->p_fd));
//     shared:  p2->p_fd = fdshare(p1->p_fd);
//     exit1:   fdfree(p->p_fd); p->p_fd = nullptr;
//
// and rfork without RFPROC changes the caller's own table in place:
// fdunshare(zones, &p->p_fd) for RFFDG, fdreplace_empty(zones, &p->p_fd)
// for RFCFDG.
//
// The first NDFILE slots live inside the table; a table that needs more
// grows by doubling into a kmalloc'd block (both arrays in one block), so
// growth can fail with NoMem and leaves the table as it was when it does.
// The old block is freed at once: one hart, and no reader holds a slot
// pointer across a call that may grow the table.
//
// Objects come from the zones of an FdZones the caller owns (the kernel
// makes one at boot, host tests one per test); each table and leader
// record remembers its zone, so fdfree() and fdtol_free() need nothing
// else.  No locks (FreeBSD's FILEDESC_XLOCK): one hart, and nothing here
// sleeps; a kind's fo_close may, and runs only once the table is
// consistent again.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <kernel/fs/file.h>
#include <lib/result.h>
#include <mm/zone.h>

class PageAllocator;
struct proc;

// Slots inside every table (FreeBSD's NDFILE).
inline constexpr int NDFILE = 20;
// The highest descriptor count a process may have, before RLIMIT_NOFILE
// lowers it (kern.maxfilesperproc, fixed in Sprig).  Callers pass
// min(lim_cur(RLIMIT_NOFILE), MAXFILESPERPROC) as maxfd.
inline constexpr int MAXFILESPERPROC = 1024;
// A new process's file-creation mask when no table is copied (CMASK).
inline constexpr uint16_t CMASK = 022;

// Per-slot flags (fd_ofileflags).
inline constexpr uint8_t UF_EXCLOSE = 0x01; // closed by exec (FD_CLOEXEC)

struct filedesc;
struct filedesc_to_leader;
using FiledescZone = TypedZone<filedesc>;
using FdtolZone = TypedZone<filedesc_to_leader>;

struct filedesc {
    filedesc() = default;
    // The arrays may point into the object itself: never copied or moved.
    filedesc(const filedesc&) = delete;
    filedesc& operator=(const filedesc&) = delete;

    file** fd_ofiles = fd_dfiles;          // open files by descriptor, null where free
    uint8_t* fd_ofileflags = fd_dfileflags; // UF_* per descriptor
    int fd_nfiles = NDFILE;                // slots in the arrays
    int fd_lastfile = -1;                  // highest descriptor in use, -1 for none
    int fd_freefile = 0;                   // every descriptor below it is in use
    uint16_t fd_cmask = CMASK;             // umask
    int fd_refcnt = 1;                     // processes sharing the table (rfork without RFFDG)
    FiledescZone* fd_zone = nullptr;       // where it goes back to

    file* fd_dfiles[NDFILE] = {};          // the first slots, until the table grows
    uint8_t fd_dfileflags[NDFILE] = {};
};

// Processes sharing one descriptor table but led by different leaders
// (FreeBSD's struct filedesc_to_leader): rfork without RFFDG gives a
// child the parent's table; the child gets its own record in the
// table's ring unless it is an RFTHREAD peer of the same leader, which
// shares the leader's record (fdl_refcount counts those processes).
//
// FreeBSD keeps this for POSIX advisory locks: when the last process of a
// leader leaves a shared table, the locks that leader holds on the
// table's files are released, and holders (fdl_holdcount, fdl_wakeup)
// keep fdl_leader valid while a close is in flight.  Sprig has no
// advisory locks yet; they come with files.  Until then fork1 and exit1
// keep the records so the shapes match, and fdl_holdcount stays 0.
struct filedesc_to_leader {
    int fdl_refcount = 1;             // processes using this record
    int fdl_holdcount = 0;            // closes in flight that need fdl_leader (advisory locks)
    bool fdl_wakeup = false;          // someone waits for fdl_holdcount to reach 0
    proc* fdl_leader = nullptr;       // the leader these processes have
    filedesc_to_leader* fdl_prev = nullptr; // ring of the records of one table
    filedesc_to_leader* fdl_next = nullptr;
    FdtolZone* fdl_zone = nullptr;    // where it goes back to
};

// The zones files, tables and leader records come from, owned together
// by the caller (the kernel's ProcZones, or a host test).  The kmalloc'd
// arrays of grown tables come from the kernel's kmalloc arena instead.
struct FdZones {
    explicit FdZones(PageAllocator& pages);
    FdZones(const FdZones&) = delete;
    FdZones& operator=(const FdZones&) = delete;

    FileZone files;
    FiledescZone tables;
    FdtolZone leaders;

    // Files, tables and leader records in use: what a leak check compares.
    size_t objects_in_use() const;
};

// --- Whole tables ---------------------------------------------------------

// A new empty table with one reference; the umask is fdp's when fdp is
// given, CMASK otherwise (fdinit).  NoMem when the zone cannot grow.
Result<filedesc*> fdinit(FdZones& zones, const filedesc* fdp);
// A new table with one reference, holding the same files in the same
// slots with the same flags and fdp's umask (fdcopy).  Each file gains a
// reference: the objects, and so the offsets, are shared.  NoMem leaves
// nothing allocated and no reference taken.
Result<filedesc*> fdcopy(FdZones& zones, const filedesc* fdp);
// One more process shares fdp (fdshare); returns fdp.
filedesc* fdshare(filedesc* fdp);
// Drops one process's reference (fdfree, as exit1 uses it).  The last one
// closes every descriptor (one fdrop per slot) and frees the table.  The
// leader record (p_fdtol) is the caller's: fdtol_free().
void fdfree(filedesc* fdp);
// For rfork(RFFDG) without RFPROC: when *fdpp is shared, replaces it by a
// copy and drops the shared reference (fdunshare); an unshared table is
// left alone.  NoMem leaves *fdpp and every count unchanged.
Result<void> fdunshare(FdZones& zones, filedesc** fdpp);
// For rfork(RFCFDG) without RFPROC: replaces *fdpp by a new empty table
// with its umask and drops the reference to the old one, which closes its
// files only if nobody else shares it (fork1's fdinit + fdfree).  NoMem
// leaves *fdpp and every count unchanged.
Result<void> fdreplace_empty(FdZones& zones, filedesc** fdpp);
// Whether more than one process uses fdp.
inline bool fdshared(const filedesc* fdp) { return fdp->fd_refcnt > 1; }

// --- Descriptors ------------------------------------------------------------
// maxfd is the caller's ceiling: min(lim_cur(RLIMIT_NOFILE), MAXFILESPERPROC).

// The lowest free descriptor >= minfd (fdalloc), the table grown so that
// the slot exists.  The slot is not reserved: install into it before
// anything else allocates from the table.  MFile when there is none below
// maxfd, NoMem when the table cannot grow.
Result<int> fdalloc(filedesc* fdp, int minfd, int maxfd = MAXFILESPERPROC);
// Installs fp at the lowest free descriptor (finstall) and returns it.
// The slot takes a reference of its own (fhold): the caller's reference
// stays the caller's to fdrop.  O_CLOEXEC in flags sets UF_EXCLOSE; other
// bits are ignored, so open(2) may pass its flags.  MFile, NoMem.
Result<int> finstall(filedesc* fdp, file* fp, int flags, int maxfd = MAXFILESPERPROC);
// The file at fd, or null when fd is out of range or free; no reference
// is taken (fget_locked).  Inline with fget: every read and write looks
// its descriptor up.
inline file* fget_locked(const filedesc* fdp, int fd)
{
    KASSERT(fdp && fdp->fd_refcnt > 0, "fget_locked in a freed table");
    if (fd < 0 || fd >= fdp->fd_nfiles) return nullptr;
    return fdp->fd_ofiles[fd];
}
// The file at fd with a reference for the caller to fdrop (fget).  BadF.
inline Result<file*> fget(const filedesc* fdp, int fd)
{
    file* fp = fget_locked(fdp, fd);
    if (!fp) return Errno::BadF;
    return fhold(fp);
}
// Closes fd (close(2), kern_close): frees the slot and drops its
// reference, returning fo_close's error when that was the last.  BadF.
Errno fdclose(filedesc* fdp, int fd);
// Closes every descriptor marked UF_EXCLOSE (fdcloseexec, for exec,
// which unshares the table first).  Errors of the closes are ignored.
void fdcloseexec(filedesc* fdp);
// dup(2) when newfd is -1: the lowest free descriptor; dup2(2) otherwise:
// exactly newfd, closing what it held, a no-op when newfd == old (do_dup).
// The new slot holds a new reference to old's file, without UF_EXCLOSE.
// BadF for a bad old, a newfd below -1 or one >= maxfd; MFile, NoMem.
Result<int> fddup(filedesc* fdp, int old, int newfd, int maxfd = MAXFILESPERPROC);
// fcntl(F_DUPFD): like dup(2) but the lowest free descriptor >= minfd.
// Inval for minfd < 0 or >= maxfd; BadF, MFile, NoMem.
Result<int> fddup_min(filedesc* fdp, int old, int minfd, int maxfd = MAXFILESPERPROC);

// --- Leader records -----------------------------------------------------------

// A new record for `leader`, one reference, linked into old's ring after
// old, or a ring of its own when old is null (filedesc_to_leader_alloc).
// fdp is the table the ring belongs to (may be null with old null).  NoMem.
Result<filedesc_to_leader*> filedesc_to_leader_alloc(FdZones& zones, filedesc_to_leader* old,
                                                     filedesc* fdp, proc* leader);
// One more process uses the record (an RFTHREAD peer); returns fdtol.
filedesc_to_leader* fdtol_hold(filedesc_to_leader* fdtol);
// Drops a process's reference (exit's half of FreeBSD's fdfree); the last
// one unlinks the record from its ring and frees it.
void fdtol_free(filedesc_to_leader* fdtol);
