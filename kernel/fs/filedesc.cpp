#include <kernel/fs/filedesc.h>

#include <kernel/fs/kern_event.h>

#include <string.h>
#include <lib/utility.h>
#include <mm/kmalloc.h>

FdZones::FdZones(PageAllocator& pages)
    : files("file", pages), tables("filedesc", pages), leaders("filedesc_to_leader", pages)
{
}

size_t FdZones::objects_in_use() const
{
    return files.objects_in_use() + tables.objects_in_use() + leaders.objects_in_use();
}

namespace {

// --- The slot arrays ---

bool table_embedded(const filedesc* fdp) { return fdp->fd_ofiles == fdp->fd_dfiles; }

// Slots of a table that has index fd: NDFILE doubled until it is enough.
// Every table size is NDFILE * 2^k, so growing by doubling and sizing a
// copy give the same sizes.
int table_size_for(int fd)
{
    KASSERT(fd >= 0 && fd < MAXFILESPERPROC * 2, "descriptor %d beyond any table", fd);
    int n = NDFILE;
    while (n <= fd) n *= 2;
    return n;
}

// A zeroed kmalloc'd block of n slots: n file pointers, then n flag bytes.
Result<file**> table_alloc(int n)
{
    const size_t bytes = size_t(n) * (sizeof(file*) + sizeof(uint8_t));
    void* mem = TRY(kmalloc(bytes, AllocFlags::Zero));
    return static_cast<file**>(mem);
}

void table_set(filedesc* fdp, file** files, int n)
{
    fdp->fd_ofiles = files;
    fdp->fd_ofileflags = reinterpret_cast<uint8_t*>(files + n);
    fdp->fd_nfiles = n;
}

void table_release(filedesc* fdp)
{
    if (!table_embedded(fdp)) kfree(fdp->fd_ofiles);
    table_set(fdp, fdp->fd_dfiles, NDFILE);
}

// Makes slot fd exist (fdgrowtable): the slots move to a bigger block.
// NoMem leaves the table as it was.
Result<void> fdgrowtable(filedesc* fdp, int fd)
{
    if (fd < fdp->fd_nfiles) return {};
    const int n = table_size_for(fd);
    file** files = TRY(table_alloc(n));
    const int old = fdp->fd_nfiles;
    memcpy(files, fdp->fd_ofiles, size_t(old) * sizeof(file*));
    memcpy(reinterpret_cast<uint8_t*>(files + n), fdp->fd_ofileflags, size_t(old));
    table_release(fdp);
    table_set(fdp, files, n);
    return {};
}

// --- Slot bookkeeping: fd_lastfile and fd_freefile ---

// The first free slot at or after low, or max(low, fd_nfiles) when none.
int fd_first_free(const filedesc* fdp, int low)
{
    int fd = low;
    while (fd < fdp->fd_nfiles && fdp->fd_ofiles[fd]) fd++;
    return fd;
}

// The highest slot in use at or below high, or -1.
int fd_last_used(const filedesc* fdp, int high)
{
    int fd = high;
    while (fd >= 0 && !fdp->fd_ofiles[fd]) fd--;
    return fd;
}

// Puts fp (whose reference the slot now owns) into free slot fd.
void fd_install(filedesc* fdp, int fd, file* fp, uint8_t uflags)
{
    KASSERT(fd >= 0 && fd < fdp->fd_nfiles, "descriptor %d outside a table of %d", fd,
            fdp->fd_nfiles);
    KASSERT(fdp->fd_ofiles[fd] == nullptr, "descriptor %d already in use", fd);
    fdp->fd_ofiles[fd] = fp;
    fdp->fd_ofileflags[fd] = uflags;
    if (fd > fdp->fd_lastfile) fdp->fd_lastfile = fd;
    if (fd == fdp->fd_freefile) fdp->fd_freefile = fd_first_free(fdp, fd + 1);
}

// Empties slot fd and returns the file whose reference it owned.
file* fd_remove(filedesc* fdp, int fd)
{
    KASSERT(fd >= 0 && fd <= fdp->fd_lastfile, "descriptor %d beyond the last (%d)", fd,
            fdp->fd_lastfile);
    file* fp = fdp->fd_ofiles[fd];
    KASSERT(fp != nullptr, "descriptor %d is not in use", fd);
    fdp->fd_ofiles[fd] = nullptr;
    fdp->fd_ofileflags[fd] = 0;
    if (fd < fdp->fd_freefile) fdp->fd_freefile = fd;
    if (fd == fdp->fd_lastfile) fdp->fd_lastfile = fd_last_used(fdp, fd - 1);
    return fp;
}

// fd_remove for a close of one descriptor: its knotes go first (fdfree
// drops a whole table's at once, off fork's measured path).
file* fd_close_slot(filedesc* fdp, int fd)
{
    knote_fdclose(fdp, fd);
    return fd_remove(fdp, fd);
}

// What do_dup is asked for: dup(2) and fcntl(F_DUPFD) take the lowest free
// descriptor >= newfd, dup2(2) exactly newfd.
enum class DupMode { Lowest, Fixed };

// do_dup after the argument checks: old is open, newfd is in [0, maxfd).
Result<int> do_dup(filedesc* fdp, DupMode mode, int old, int newfd, int maxfd)
{
    file* fp = fdp->fd_ofiles[old];
    if (mode == DupMode::Fixed) {
        if (newfd == old) return newfd;
        TRY(fdgrowtable(fdp, newfd));
    } else {
        newfd = TRY(fdalloc(fdp, newfd, maxfd));
    }
    // The slot may have moved while the table grew: read old's flags now.
    const uint8_t uflags = fdp->fd_ofileflags[old] & ~UF_EXCLOSE;
    file* delfp = fdp->fd_ofiles[newfd] ? fd_close_slot(fdp, newfd) : nullptr;
    fd_install(fdp, newfd, fhold(fp), uflags);
    // dup2 does not report the close of what newfd held.
    if (delfp) (void)fdrop(delfp);
    return newfd;
}

// Whether old names an open file; the checks dup(2) and dup2(2) share.
bool fd_valid(const filedesc* fdp, int old) { return fget_locked(fdp, old) != nullptr; }

} // namespace

// --- Whole tables ---

Result<filedesc*> fdinit(FdZones& zones, const filedesc* fdp)
{
    KASSERT(!fdp || fdp->fd_refcnt > 0, "fdinit from a freed table");
    filedesc* n = TRY(zones.tables.create());
    n->fd_zone = &zones.tables;
    if (fdp) n->fd_cmask = fdp->fd_cmask;
    return n;
}

// Every slot is copied but a kqueue's (FreeBSD leaves kqueues behind: they
// are not DFLAG_PASSABLE).
Result<filedesc*> fdcopy(FdZones& zones, const filedesc* fdp)
{
    KASSERT(fdp && fdp->fd_refcnt > 0, "fdcopy of a freed table");
    filedesc* n = TRY(fdinit(zones, fdp));
    if (fdp->fd_lastfile >= n->fd_nfiles) {
        const Result<void> grown = fdgrowtable(n, fdp->fd_lastfile);
        if (!grown.ok()) {
            fdfree(n); // empty: closes nothing
            return grown.error();
        }
    }
    // Nothing below can fail: only now are references taken.
    bool dropped = false;
    for (int fd = 0; fd <= fdp->fd_lastfile; fd++) {
        file* fp = fdp->fd_ofiles[fd];
        if (!fp) continue;
        if (fp->f_type == FileType::Kqueue) {
            dropped = true;
            continue;
        }
        n->fd_ofiles[fd] = fhold(fp);
        n->fd_ofileflags[fd] = fdp->fd_ofileflags[fd];
    }
    n->fd_lastfile = fdp->fd_lastfile;
    n->fd_freefile = fdp->fd_freefile;
    if (dropped) { // a kqueue left behind: its slot is free in the copy
        n->fd_lastfile = fd_last_used(n, fdp->fd_lastfile);
        n->fd_freefile = fd_first_free(n, 0);
    }
    return n;
}

filedesc* fdshare(filedesc* fdp)
{
    KASSERT(fdp && fdp->fd_refcnt > 0, "fdshare of a freed table");
    fdp->fd_refcnt++;
    return fdp;
}

void fdfree(filedesc* fdp)
{
    KASSERT(fdp && fdp->fd_refcnt > 0, "fdfree of a freed table");
    if (--fdp->fd_refcnt > 0) return;
    // Slot by slot, so that a close sees a consistent table.
    knote_fdfree(fdp);
    while (fdp->fd_lastfile >= 0) (void)fdrop(fd_remove(fdp, fdp->fd_lastfile));
    table_release(fdp);
    fdp->fd_zone->destroy(fdp);
}

Result<void> fdunshare(FdZones& zones, filedesc** fdpp)
{
    KASSERT(fdpp && *fdpp && (*fdpp)->fd_refcnt > 0, "fdunshare of a freed table");
    if (!fdshared(*fdpp)) return {};
    filedesc* copy = TRY(fdcopy(zones, *fdpp));
    fdfree(*fdpp); // not the last reference: closes nothing
    *fdpp = copy;
    return {};
}

Result<void> fdreplace_empty(FdZones& zones, filedesc** fdpp)
{
    KASSERT(fdpp && *fdpp && (*fdpp)->fd_refcnt > 0, "fdreplace_empty of a freed table");
    filedesc* empty = TRY(fdinit(zones, *fdpp));
    fdfree(*fdpp);
    *fdpp = empty;
    return {};
}

// --- Descriptors ---

Result<int> fdalloc(filedesc* fdp, int minfd, int maxfd)
{
    KASSERT(fdp && fdp->fd_refcnt > 0, "fdalloc in a freed table");
    KASSERT(minfd >= 0, "fdalloc from descriptor %d", minfd);
    KASSERT(maxfd >= 0 && maxfd <= MAXFILESPERPROC, "maxfd %d out of range", maxfd);
    const int fd = fd_first_free(fdp, sprig::max(minfd, fdp->fd_freefile));
    if (fd >= maxfd) return Errno::MFile;
    TRY(fdgrowtable(fdp, fd));
    return fd;
}

Result<int> finstall(filedesc* fdp, file* fp, int flags, int maxfd)
{
    KASSERT(fp && fp->f_count > 0, "finstall of a freed file");
    const int fd = TRY(fdalloc(fdp, 0, maxfd));
    fd_install(fdp, fd, fhold(fp), (flags & O_CLOEXEC) ? UF_EXCLOSE : 0);
    return fd;
}

Errno fdclose(filedesc* fdp, int fd)
{
    if (!fget_locked(fdp, fd)) return Errno::BadF;
    return fdrop(fd_close_slot(fdp, fd));
}

void fdcloseexec(filedesc* fdp)
{
    KASSERT(fdp && fdp->fd_refcnt > 0, "fdcloseexec of a freed table");
    // fd_lastfile shrinks as slots close; the bound is read each time.
    for (int fd = 0; fd <= fdp->fd_lastfile; fd++) {
        if (fdp->fd_ofiles[fd] && (fdp->fd_ofileflags[fd] & UF_EXCLOSE))
            (void)fdrop(fd_close_slot(fdp, fd));
    }
}

Result<int> fddup(filedesc* fdp, int old, int newfd, int maxfd)
{
    KASSERT(maxfd >= 0 && maxfd <= MAXFILESPERPROC, "maxfd %d out of range", maxfd);
    if (old < 0 || newfd < -1 || newfd >= maxfd) return Errno::BadF;
    if (!fd_valid(fdp, old)) return Errno::BadF;
    if (newfd == -1) return do_dup(fdp, DupMode::Lowest, old, 0, maxfd);
    return do_dup(fdp, DupMode::Fixed, old, newfd, maxfd);
}

Result<int> fddup_min(filedesc* fdp, int old, int minfd, int maxfd)
{
    KASSERT(maxfd >= 0 && maxfd <= MAXFILESPERPROC, "maxfd %d out of range", maxfd);
    if (minfd < 0 || minfd >= maxfd) return Errno::Inval;
    if (!fd_valid(fdp, old)) return Errno::BadF;
    return do_dup(fdp, DupMode::Lowest, old, minfd, maxfd);
}

// --- Leader records ---

Result<filedesc_to_leader*> filedesc_to_leader_alloc(FdZones& zones, filedesc_to_leader* old,
                                                     filedesc* fdp, proc* leader)
{
    KASSERT(!old || (fdp && fdp->fd_refcnt > 0), "a leader ring without its table");
    KASSERT(!old || old->fdl_refcount > 0, "filedesc_to_leader_alloc after a freed record");
    filedesc_to_leader* fdtol = TRY(zones.leaders.create());
    fdtol->fdl_zone = &zones.leaders;
    fdtol->fdl_leader = leader;
    if (old) {
        fdtol->fdl_prev = old;
        fdtol->fdl_next = old->fdl_next;
        old->fdl_next->fdl_prev = fdtol;
        old->fdl_next = fdtol;
    } else {
        fdtol->fdl_prev = fdtol->fdl_next = fdtol;
    }
    return fdtol;
}

filedesc_to_leader* fdtol_hold(filedesc_to_leader* fdtol)
{
    KASSERT(fdtol && fdtol->fdl_refcount > 0, "fdtol_hold of a freed record");
    fdtol->fdl_refcount++;
    return fdtol;
}

void fdtol_free(filedesc_to_leader* fdtol)
{
    KASSERT(fdtol && fdtol->fdl_refcount > 0, "fdtol_free of a freed record");
    // Holds come with advisory locks; with them, the last process must
    // wait here for fdl_holdcount to drain (fdl_wakeup).
    KASSERT(fdtol->fdl_holdcount == 0, "leader record held by %d closes", fdtol->fdl_holdcount);
    if (--fdtol->fdl_refcount > 0) return;
    fdtol->fdl_next->fdl_prev = fdtol->fdl_prev;
    fdtol->fdl_prev->fdl_next = fdtol->fdl_next;
    fdtol->fdl_zone->destroy(fdtol);
}
