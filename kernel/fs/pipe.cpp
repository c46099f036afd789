#include <kernel/fs/pipe.h>

#include <new>
#include <abi/fcntl.h>
#include <kernel/fs/filedesc.h>
#include <kernel/fs/kern_descrip.h>
#include <kernel/fs/uio.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/proc_zones.h>
#include <kernel/sched/priority.h>
#include <kernel/sched/sleep.h>
#include <kernel/sched/sleep_lock.h>
#include <lib/utility.h>
#include <mm/copyio.h>
#include <mm/intr_off.h>
#include <mm/kmalloc.h>

namespace {

size_t g_pipes = 0;

pipepair* fp_pipe(file* fp)
{
    KASSERT(fp->f_type == FileType::Pipe && fp->f_data, "not a pipe");
    return static_cast<pipepair*>(fp->f_data);
}

Result<pipepair*> pipe_create()
{
    void* mem = TRY(kmalloc(sizeof(pipepair)));
    Result<void*> buf = kmalloc(PIPE_SIZE);
    if (!buf.ok()) {
        kfree(mem);
        return buf.error();
    }
    pipepair* pp = new (mem) pipepair;
    pp->pp_buffer = static_cast<uint8_t*>(buf.value());
    g_pipes++;
    return pp;
}

void pipe_destroy(pipepair* pp)
{
    KASSERT(pp->pp_rclosed && pp->pp_wclosed, "freeing a pipe with an end open");
    KASSERT(!pp->pp_lock.locked(), "freeing a pipe somebody holds locked");
    KASSERT(pp->pp_rsel.empty() && pp->pp_wsel.empty(), "freeing a pipe knotes watch");
    kfree(pp->pp_buffer);
    pp->~pipepair();
    kfree(pp);
    g_pipes--;
}

// Sleeps on chan until woken, unless the file must not wait; *want says
// a sleeper is there.  cond is tested with interrupts off, so no wakeup
// slips between it and the sleep: a copy changes the pipe's counts before
// it tests the other side's want (pipe_wake).
template <typename Ready>
Errno pipe_wait(file* fp, const char* chan, bool* want, const char* wmesg, Ready ready)
{
    IntrOff off;
    if (ready()) return Errno::Ok;
    if (fp->f_flag & O_NONBLOCK) return Errno::Again;
    *want = true;
    return tsleep(chan, PSOCK | PCATCH, wmesg, 0);
}

// Wakes chan's sleepers if pipe_wait said there are any.
void pipe_wake(const char* chan, bool* want)
{
    IntrOff off;
    if (!*want) return;
    *want = false;
    wakeup(chan);
}

// The pipe's lock for one read or write (pipelock/pipeunlock).
struct PipeLock : SleepLockHeld {
    explicit PipeLock(pipepair* pp) : SleepLockHeld(pp->pp_lock, PSOCK | PCATCH, "pipelk") {}
};

// Moves the oldest bytes, up to the end of the buffer, into uio.
Errno pipe_read_chunk(pipepair* pp, uio* uio)
{
    KASSERT(pp->pp_lock.owned(), "pipe read without the pipe's lock");
    const size_t n = sprig::min(pp->pp_cnt, PIPE_SIZE - pp->pp_out);
    const size_t before = uio->uio_resid;
    const Errno e = uiomove(pp->pp_buffer + pp->pp_out, n, uio); // may sleep
    const size_t moved = before - uio->uio_resid;
    KASSERT(moved <= pp->pp_cnt, "pipe read of %zu bytes with %zu there", moved, pp->pp_cnt);
    pp->pp_out = (pp->pp_out + moved) % PIPE_SIZE;
    pp->pp_cnt -= moved;
    if (moved) pipe_wake(&pp->pp_wchan, &pp->pp_wwant);
    if (moved) KNOTE(&pp->pp_wsel, 0);
    return e;
}

// pipe_read: what is there, or wait for some; 0 bytes at end of file.
Errno pipe_read(file* fp, uio* uio, thread*)
{
    pipepair* pp = fp_pipe(fp);
    const size_t want = uio->uio_resid;
    // An empty pipe: wait for bytes before taking the lock, which the
    // writer needs anyway (saves dropping and retaking it around the
    // sleep); the loop below checks again under the lock.
    if (want > 0) {
        const Errno e = pipe_wait(fp, &pp->pp_rchan, &pp->pp_rwant, "piperd",
                                  [pp] { return pp->pp_cnt > 0 || pp->pp_wclosed; });
        if (e != Errno::Ok) return e;
    }
    PipeLock held(pp);
    if (held.error() != Errno::Ok) return held.error();
    while (uio->uio_resid > 0) {
        if (pp->pp_cnt > 0) {
            if (const Errno e = pipe_read_chunk(pp, uio); e != Errno::Ok) return e;
            continue;
        }
        if (uio->uio_resid != want || pp->pp_wclosed) break;
        held.drop(); // a writer needs it to fill the pipe
        const Errno e = pipe_wait(fp, &pp->pp_rchan, &pp->pp_rwant, "piperd",
                                  [pp] { return pp->pp_cnt > 0 || pp->pp_wclosed; });
        if (e != Errno::Ok) return e;
        if (const Errno le = held.retake(); le != Errno::Ok) return le;
    }
    return Errno::Ok;
}

// Moves bytes of uio into the free room, up to the end of the buffer.
Errno pipe_write_chunk(pipepair* pp, uio* uio)
{
    KASSERT(pp->pp_lock.owned(), "pipe write without the pipe's lock");
    const size_t in = (pp->pp_out + pp->pp_cnt) % PIPE_SIZE;
    const size_t room = PIPE_SIZE - pp->pp_cnt;
    const size_t n = sprig::min(room, PIPE_SIZE - in);
    const size_t before = uio->uio_resid;
    const Errno e = uiomove(pp->pp_buffer + in, n, uio); // may sleep
    const size_t moved = before - uio->uio_resid;
    KASSERT(moved <= PIPE_SIZE - pp->pp_cnt, "pipe write of %zu bytes with room for %zu", moved,
            PIPE_SIZE - pp->pp_cnt);
    pp->pp_cnt += moved;
    if (moved) pipe_wake(&pp->pp_rchan, &pp->pp_rwant);
    if (moved) KNOTE(&pp->pp_rsel, 0);
    return e;
}

// pipe_write: all of a small write at once, a big one as room appears.
// The lock is held from the room check to the last byte of a small write,
// so another writer's bytes never land inside it.
Errno pipe_write(file* fp, uio* uio, thread*)
{
    pipepair* pp = fp_pipe(fp);
    // The room a write waits for before it starts or goes on: all of it
    // when it is atomic, one byte otherwise.
    const size_t need = uio->uio_resid <= PIPE_BUF ? uio->uio_resid : 1;
    if (pp->pp_rclosed) return Errno::Pipe; // even for 0 bytes, as FreeBSD
    PipeLock held(pp);
    if (held.error() != Errno::Ok) return held.error();
    while (uio->uio_resid > 0) {
        if (pp->pp_rclosed) return Errno::Pipe;
        if (PIPE_SIZE - pp->pp_cnt >= sprig::min(need, uio->uio_resid)) {
            if (const Errno e = pipe_write_chunk(pp, uio); e != Errno::Ok) return e;
            continue;
        }
        held.drop(); // a reader needs it to make room
        const Errno e = pipe_wait(fp, &pp->pp_wchan, &pp->pp_wwant, "pipewr", [pp, need] {
            return pp->pp_rclosed || PIPE_SIZE - pp->pp_cnt >= need;
        });
        if (e != Errno::Ok) return e;
        if (const Errno le = held.retake(); le != Errno::Ok) return le;
    }
    return Errno::Ok;
}

// The last close of one end: the other side's sleepers learn of it; the
// pipe goes with its second end.
Errno pipe_close(file* fp)
{
    pipepair* pp = fp_pipe(fp);
    if (fp->f_flag & FREAD)
        pp->pp_rclosed = true;
    else
        pp->pp_wclosed = true;
    wakeup(&pp->pp_rchan);
    wakeup(&pp->pp_wchan);
    KNOTE(fp->f_flag & FREAD ? &pp->pp_wsel : &pp->pp_rsel, 0); // EV_EOF for the other end
    if (pp->pp_rclosed && pp->pp_wclosed) pipe_destroy(pp);
    return Errno::Ok;
}

} // namespace

const fileops pipeops = {
    .fo_close = pipe_close,
    .fo_read = pipe_read,
    .fo_write = pipe_write,
    .fo_ioctl = nullptr, // ENOTTY
    .fo_flags = 0,       // lseek: ESPIPE
};

size_t pipe_count() { return g_pipes; }

namespace {

// Two files for pp, not yet installed; on NoMem, nothing is left (pp
// freed too).
Errno pipe_files(pipepair* pp, int flags, file* fps[2])
{
    FileZone& zone = proc_zones().fds.files;
    Result<file*> rf = falloc_noinstall(zone);
    Result<file*> wf = rf.ok() ? falloc_noinstall(zone) : Result<file*>(Errno::NoMem);
    if (!wf.ok()) {
        if (rf.ok()) (void)fdrop(rf.value()); // of no kind yet: frees only the file
        pp->pp_rclosed = pp->pp_wclosed = true;
        pipe_destroy(pp);
        return Errno::NFile;
    }
    const uint32_t nb = uint32_t(flags & O_NONBLOCK);
    finit(rf.value(), FREAD | nb, FileType::Pipe, pp, &pipeops);
    finit(wf.value(), FWRITE | nb, FileType::Pipe, pp, &pipeops);
    fps[0] = rf.value();
    fps[1] = wf.value();
    return Errno::Ok;
}

} // namespace

Errno kern_pipe(thread* td, int fildes[2], int flags)
{
    if (flags & ~(O_CLOEXEC | O_NONBLOCK)) return Errno::Inval;
    Result<pipepair*> pp = pipe_create();
    if (!pp.ok()) return Errno::NFile;
    file* fps[2];
    if (const Errno e = pipe_files(pp.value(), flags, fps); e != Errno::Ok) return e;
    filedesc* fdp = td->td_proc->p_fd;
    const int maxfd = getmaxfd(td);
    Result<int> rfd = finstall(fdp, fps[0], flags, maxfd);
    Result<int> wfd = rfd.ok() ? finstall(fdp, fps[1], flags, maxfd) : rfd;
    if (rfd.ok() && !wfd.ok()) (void)fdclose(fdp, rfd.value());
    // The slots hold their own references; these are the callers'.
    (void)fdrop(fps[0]);
    (void)fdrop(fps[1]);
    if (!wfd.ok()) return wfd.error();
    fildes[0] = rfd.value();
    fildes[1] = wfd.value();
    return Errno::Ok;
}

namespace {

// Closes fd unless the slot holds something other than fp by now (FreeBSD's
// fdclose(td, fp, fd)): the copyout that failed may have slept, and a
// process sharing the table may have closed fd and reused the number.
void close_if_still(filedesc* fdp, int fd, file* fp)
{
    if (fget_locked(fdp, fd) == fp) (void)fdclose(fdp, fd);
}

} // namespace

Errno kern_pipe2(thread* td, uint64_t ufildes, int flags)
{
    int fildes[2];
    if (const Errno e = kern_pipe(td, fildes, flags); e != Errno::Ok) return e;
    // The files as installed, held across the copyout (a sleep point).
    filedesc* fdp = td->td_proc->p_fd;
    file* fps[2] = {fget(fdp, fildes[0]).value(), fget(fdp, fildes[1]).value()};
    const Errno e = copyout(fildes, ufildes, sizeof fildes);
    if (e != Errno::Ok) {
        // td's table, looked up again: only this thread replaces p_fd.
        close_if_still(td->td_proc->p_fd, fildes[0], fps[0]);
        close_if_still(td->td_proc->p_fd, fildes[1], fps[1]);
    }
    (void)fdrop(fps[0]);
    (void)fdrop(fps[1]);
    return e;
}
