// kqueue(2) and kevent(2) through the dispatcher: EVFILT_PROC (NOTE_EXIT
// with the status, a process that exits before the kevent is read,
// NOTE_FORK, NOTE_EXEC's hook, NOTE_TRACK through three generations,
// NOTE_TRACKERR), EVFILT_SIGNAL, EVFILT_READ/EVFILT_WRITE on pipes, the
// actions and flags (EV_DELETE, EV_ONESHOT, EV_CLEAR, EV_DISABLE,
// EV_RECEIPT, EV_ERROR), close removing knotes, kqueues left behind by
// fork, sleeping (woken by an event, a signal, a timeout), every
// allocation failure, and hostile arguments.  ProcWorld checks at the
// end that no kqueue, knote or file is left.
#include "syscall_test_util.h"
#include "elf_test_util.h"
#include "tty_test_util.h"

#include <abi/event.h>
#include <abi/signal.h>
#include <abi/stat.h>
#include <abi/wait.h>
#include <kernel/fs/filedesc.h>
#include <kernel/fs/kern_event.h>
#include <kernel/fs/pipe.h>
#include <kernel/fs/sys_generic.h>
#include <kernel/fs/uio.h>
#include <kernel/debug/invariant_report.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/init_main.h>
#include <kernel/proc/pid.h>
#include <kernel/proc/proc_zones.h>
#include <kernel/random.h>
#include <kernel/exec/kern_exec.h>
#include <kernel/proc/sigacts.h>
#include <kernel/tty/tty.h>

#include <vector>

using namespace proctest;

namespace {

// User memory: the change list, the event list, the timeout.
constexpr uint64_t CHANGES = UBUF;
constexpr uint64_t EVENTS = UBUF + 2 * PG;
constexpr uint64_t TIMEOUT = UBUF + 4 * PG;

using kev_t = struct kevent;

kev_t ev(uintptr_t ident, int16_t filter, uint16_t flags, uint32_t fflags = 0, int64_t data = 0,
         uint64_t udata = 0)
{
    kev_t k{};
    k.ident = ident;
    k.filter = filter;
    k.flags = flags;
    k.fflags = fflags;
    k.data = data;
    k.udata = reinterpret_cast<void*>(udata);
    return k;
}

int kqueue_as(thread* td)
{
    const UResult r = ucall(td, SYS_kqueue);
    CHECK(r.ok());
    return r.ok() ? int(r.a0) : -1;
}

// kevent(2) as td: changes written at CHANGES, up to nevents read back.
// timeout_ticks: -1 none (NULL), otherwise that many nanoseconds.
struct KeventResult {
    Errno err;
    std::vector<kev_t> events;
};

KeventResult kevent_as(thread* td, int kq, const std::vector<kev_t>& changes, int nevents,
                       int64_t timeout_ns = 0)
{
    for (size_t i = 0; i < changes.size(); i++) uwrite(CHANGES + i * sizeof(kev_t), changes[i]);
    uint64_t uto = 0;
    if (timeout_ns >= 0) {
        uwrite(TIMEOUT, ktimespec{timeout_ns / 1'000'000'000, timeout_ns % 1'000'000'000});
        uto = TIMEOUT;
    }
    const UResult r = ucall(td, SYS_kevent, {uint64_t(kq), CHANGES, changes.size(), EVENTS,
                                             uint64_t(nevents), uto});
    KeventResult out{r.err, {}};
    if (!r.ok()) return out;
    CHECK(r.a0 <= uint64_t(nevents));
    for (uint64_t i = 0; i < r.a0; i++) out.events.push_back(uread<kev_t>(EVENTS + i * sizeof(kev_t)));
    return out;
}

KeventResult kevent0(int kq, const std::vector<kev_t>& changes, int nevents, int64_t ns = 0)
{
    return kevent_as(&thread0, kq, changes, nevents, ns);
}

Errno change(int kq, const kev_t& k) { return kevent0(kq, {k}, 0).err; }

size_t knotes() { return proc_zones().knotes.objects_in_use(); }

void close0(int fd) { CHECK(fdclose(proc0.p_fd, fd) == Errno::Ok); }

// --- Children -------------------------------------------------------------

// Parks until release(), then exits with 7.
void held_then_exit_7(void*)
{
    hold();
    exit1(curthread(), W_EXITCODE(7, 0));
}

// Three generations: the child forks a grandchild that forks a great-
// grandchild; each waits for its own child and exits with its depth.
pid_t g_gen_pid[4];
void generation(void* arg)
{
    const intptr_t depth = reinterpret_cast<intptr_t>(arg);
    thread* td = curthread();
    g_gen_pid[depth] = td->td_proc->p_pid;
    if (depth == 1) hold(); // until the watcher has registered
    if (depth < 3) {
        proc* c = spawn_from(td, generation, reinterpret_cast<void*>(depth + 1));
        if (c) (void)wait_for_in(td, c->p_pid);
    }
    exit1(td, W_EXITCODE(int(depth), 0));
}

// The end of a NOTE_TRACK case: c (held_then_exit_7) and the child it
// forked run to their exits, c is reaped, its orphan too, kq is closed.
void release_and_reap(proc* c, int kq)
{
    release();
    run_others();
    wait_for(c->p_pid);
    (void)ProcWorld::reap_orphans();
    close0(kq);
}

const kev_t* find(const std::vector<kev_t>& v, uintptr_t ident, uint32_t fflag)
{
    for (const kev_t& k : v)
        if (k.ident == ident && (k.fflags & fflag)) return &k;
    return nullptr;
}

} // namespace

TEST_CASE("kqueue(2): a descriptor of a kqueue; close frees it; EMFILE, ENOMEM and ENFILE leave nothing")
{
    SysWorld s;
    const Counts before = settled_counts(s.w);
    const int kq = kqueue_as(&thread0);
    CHECK(kqueue_count() == 1);
    CHECK(fget_locked(proc0.p_fd, kq)->f_type == FileType::Kqueue);
    // Not a file to read or write; fstat calls it a FIFO, as FreeBSD's
    // kqueue_stat does.
    CHECK(ucall(SYS_read, {uint64_t(kq), UBUF, 8}).err == Errno::BadF);
    REQUIRE(ucall(SYS_fstat, {uint64_t(kq), UBUF}).err == Errno::Ok);
    kstat sb{};
    REQUIRE(copyin(UBUF, &sb, sizeof sb) == Errno::Ok);
    CHECK((sb.st_mode & S_IFMT) == S_IFIFO);
    close0(kq);
    CHECK(kqueue_count() == 0);
    proc_zones().kqueues.fail_after(0);
    CHECK(ucall(SYS_kqueue).err == Errno::NoMem);
    proc_zones().fds.files.fail_after(0);
    CHECK(ucall(SYS_kqueue).err == Errno::NFile);
    CHECK_COUNTS(settled_counts(s.w), before);
    REQUIRE(lim_set(&proc0.p_limit, RLIMIT_NOFILE, rlimit{0, 0}).ok());
    CHECK(ucall(SYS_kqueue).err == Errno::MFile);
    REQUIRE(lim_set(&proc0.p_limit, RLIMIT_NOFILE, rlimit{RLIM_INFINITY, RLIM_INFINITY}).ok());
    CHECK(kqueue_count() == 0);
    CHECK(proc_zones().kqueues.objects_in_use() == 0);
    CHECK(proc_zones().fds.files.objects_in_use() == 0);
    CHECK(proc0.p_fd->fd_lastfile == -1);
}

TEST_CASE("EVFILT_PROC: NOTE_EXIT reports the wait status once, with EV_EOF|EV_ONESHOT, even read after the exit")
{
    SysWorld s;
    g_released = false;
    const int kq = kqueue_as(&thread0);
    proc* c = spawn(held_then_exit_7);
    const pid_t pid = c->p_pid;
    run_others();
    REQUIRE(change(kq, ev(uintptr_t(pid), EVFILT_PROC, EV_ADD, NOTE_EXIT, 0, 0x1234)) == Errno::Ok);
    CHECK(kevent0(kq, {}, 4).events.empty()); // nothing yet
    release();
    run_others(); // the child exits now: long before the kevent below
    CHECK(c->p_state == ProcState::Zombie);
    CHECK(c->p_klist.empty()); // the knote left the process at its exit
    const KeventResult r = kevent0(kq, {}, 4);
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].ident == uintptr_t(pid));
    CHECK(r.events[0].filter == EVFILT_PROC);
    CHECK(r.events[0].fflags == NOTE_EXIT);
    CHECK(r.events[0].data == W_EXITCODE(7, 0));
    CHECK(r.events[0].flags == (EV_EOF | EV_ONESHOT));
    CHECK(r.events[0].udata == reinterpret_cast<void*>(0x1234));
    CHECK(kevent0(kq, {}, 4).events.empty()); // once
    CHECK(knotes() == 0);
    // A zombie is seen by a watcher of its exit only, at once.
    REQUIRE(change(kq, ev(uintptr_t(pid), EVFILT_PROC, EV_ADD, NOTE_EXIT)) == Errno::Ok);
    CHECK(change(kq, ev(uintptr_t(pid), EVFILT_PROC, EV_ADD, NOTE_FORK)) == Errno::Ok); // the same knote, changed
    const KeventResult z = kevent0(kq, {}, 4);
    REQUIRE(z.events.size() == 1);
    CHECK(z.events[0].data == W_EXITCODE(7, 0));
    CHECK(wait_for(pid) == W_EXITCODE(7, 0));
    CHECK(change(kq, ev(uintptr_t(pid), EVFILT_PROC, EV_ADD, NOTE_EXIT)) == Errno::Srch);
    CHECK(change(kq, ev(99999, EVFILT_PROC, EV_ADD, NOTE_EXIT)) == Errno::Srch);
    CHECK(change(kq, ev(uintptr_t(1) << 40, EVFILT_PROC, EV_ADD, NOTE_EXIT)) == Errno::Srch);
    close0(kq);
}

TEST_CASE("EVFILT_PROC: a zombie watched without NOTE_EXIT is ESRCH; an exit nobody asked about is dropped unseen")
{
    SysWorld s;
    g_released = false;
    const int kq = kqueue_as(&thread0);
    proc* c = spawn(held_then_exit_7);
    const pid_t pid = c->p_pid;
    run_others();
    REQUIRE(change(kq, ev(uintptr_t(pid), EVFILT_PROC, EV_ADD, NOTE_EXEC)) == Errno::Ok);
    release();
    run_others();
    CHECK(kevent0(kq, {}, 4).events.empty());
    CHECK(knotes() == 0);
    CHECK(change(kq, ev(uintptr_t(pid), EVFILT_PROC, EV_ADD, NOTE_FORK)) == Errno::Srch);
    wait_for(pid);
    close0(kq);
}

TEST_CASE("EVFILT_PROC: NOTE_TRACK follows three generations: NOTE_CHILD with the parent, NOTE_FORK, NOTE_EXIT for each")
{
    SysWorld s;
    g_released = false;
    const Counts before = settled_counts(s.w);
    const int kq = kqueue_as(&thread0);
    proc* c = spawn(generation, reinterpret_cast<void*>(1));
    run_others();
    const pid_t p1 = c->p_pid;
    REQUIRE(change(kq, ev(uintptr_t(p1), EVFILT_PROC, EV_ADD | EV_CLEAR,
                          NOTE_EXIT | NOTE_FORK | NOTE_TRACK, 0, 0x77)) == Errno::Ok);
    release();
    run_others();
    const KeventResult r = kevent0(kq, {}, 16);
    REQUIRE(r.err == Errno::Ok);
    const pid_t p2 = g_gen_pid[2], p3 = g_gen_pid[3];
    CHECK(p2 != p1);
    CHECK(p3 != p2);
    // The first generation: forked, exited.
    const kev_t* e = find(r.events, uintptr_t(p1), NOTE_FORK);
    REQUIRE(e);
    CHECK(e->fflags == (NOTE_FORK | NOTE_EXIT)); // both came before the read
    CHECK(e->data == W_EXITCODE(1, 0));
    // Each child: NOTE_CHILD with its parent's pid, then its own events.
    const kev_t* e2 = find(r.events, uintptr_t(p2), NOTE_CHILD);
    REQUIRE(e2);
    CHECK(e2->fflags == (NOTE_CHILD | NOTE_FORK | NOTE_EXIT));
    CHECK(e2->data == W_EXITCODE(2, 0)); // NOTE_EXIT's status replaces the parent's pid
    CHECK(e2->udata == reinterpret_cast<void*>(0x77));
    const kev_t* e3 = find(r.events, uintptr_t(p3), NOTE_CHILD);
    REQUIRE(e3);
    CHECK(e3->fflags == (NOTE_CHILD | NOTE_EXIT));
    CHECK(e3->data == W_EXITCODE(3, 0));
    CHECK(r.events.size() == 3);
    CHECK(knotes() == 0); // all three were one-shot once exited
    wait_for(p1);
    close0(kq);
    CHECK_COUNTS(settled_counts(s.w), before);
}

TEST_CASE("EVFILT_PROC: NOTE_CHILD is reported before the child does anything; its data is the parent's pid")
{
    SysWorld s;
    g_released = false;
    const int kq = kqueue_as(&thread0);
    proc* c = spawn(held_then_exit_7);
    run_others();
    REQUIRE(change(kq, ev(uintptr_t(c->p_pid), EVFILT_PROC, EV_ADD | EV_CLEAR, NOTE_TRACK | NOTE_FORK)) ==
            Errno::Ok);
    // A fork on c's behalf, child parked: the knote is there before it runs.
    proc* g = spawn_from(c->p_thread, held_then_exit_7);
    REQUIRE(g);
    const KeventResult r = kevent0(kq, {}, 4);
    REQUIRE(r.events.size() == 2);
    const kev_t* child = find(r.events, uintptr_t(g->p_pid), NOTE_CHILD);
    REQUIRE(child);
    CHECK(child->data == c->p_pid);
    CHECK(find(r.events, uintptr_t(c->p_pid), NOTE_FORK));
    CHECK(g->p_klist.front() != nullptr);
    release_and_reap(c, kq);
}

TEST_CASE("EVFILT_PROC: a child's knote that cannot be allocated is NOTE_TRACKERR on the parent's; the fork still succeeds")
{
    SysWorld s;
    g_released = false;
    const int kq = kqueue_as(&thread0);
    proc* c = spawn(held_then_exit_7);
    run_others();
    REQUIRE(change(kq, ev(uintptr_t(c->p_pid), EVFILT_PROC, EV_ADD | EV_CLEAR, NOTE_TRACK)) == Errno::Ok);
    const size_t before = knotes();
    proc_zones().knotes.fail_after(0);
    proc* g = spawn_from(c->p_thread, held_then_exit_7);
    proc_zones().knotes.fail_after(-1);
    REQUIRE(g);
    CHECK(knotes() == before);
    const KeventResult r = kevent0(kq, {}, 4);
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].ident == uintptr_t(c->p_pid));
    CHECK(r.events[0].fflags == NOTE_TRACKERR);
    release_and_reap(c, kq);
}

TEST_CASE("EVFILT_PROC: NOTE_TRACK of a child given the pid of an exited process whose NOTE_EXIT is unread: "
          "NOTE_TRACKERR, the old exit kept")
{
    SysWorld s;
    g_released = false;
    const int kq = kqueue_as(&thread0);
    // An earlier process, watched for its exit, exits and is reaped: its
    // pid is free, its knote still holds the unread NOTE_EXIT.
    proc* a = spawn(held_then_exit_7);
    run_others();
    const pid_t reused = a->p_pid;
    REQUIRE(change(kq, ev(uintptr_t(reused), EVFILT_PROC, EV_ADD, NOTE_EXIT)) == Errno::Ok);
    release();
    run_others();
    wait_for(reused);
    g_released = false;
    proc* c = spawn(held_then_exit_7);
    run_others();
    REQUIRE(change(kq, ev(uintptr_t(c->p_pid), EVFILT_PROC, EV_ADD | EV_CLEAR, NOTE_TRACK)) == Errno::Ok);
    // The next pid chosen is the reused one (the allocator rewound, as a
    // wrap of the pid space would).
    PidAllocator& pids = pid_allocator();
    pids.~PidAllocator();
    new (&pids) PidAllocator(kernel_random(), reused - 1);
    const size_t before = knotes();
    proc* g = spawn_from(c->p_thread, held_then_exit_7);
    REQUIRE(g);
    CHECK(g->p_pid == reused);
    CHECK(knotes() == before); // no knote for g
    const KeventResult r = kevent0(kq, {}, 4);
    REQUIRE(r.events.size() == 2);
    const kev_t* old = find(r.events, uintptr_t(reused), NOTE_EXIT);
    REQUIRE(old);
    CHECK(old->fflags == NOTE_EXIT);
    CHECK(old->data == W_EXITCODE(7, 0));
    const kev_t* err = find(r.events, uintptr_t(c->p_pid), NOTE_TRACKERR);
    REQUIRE(err);
    CHECK(err->fflags == NOTE_TRACKERR);
    release_and_reap(c, kq);
}

TEST_CASE("EV_ADD fails with ENOMEM when no knote can be allocated, leaving nothing registered")
{
    SysWorld s;
    const int kq = kqueue_as(&thread0);
    proc_zones().knotes.fail_after(0);
    CHECK(change(kq, ev(SIGUSR1, EVFILT_SIGNAL, EV_ADD)) == Errno::NoMem);
    CHECK(knotes() == 0);
    CHECK(proc0.p_klist.empty());
    CHECK(change(kq, ev(SIGUSR1, EVFILT_SIGNAL, EV_ADD)) == Errno::Ok);
    close0(kq);
    CHECK(knotes() == 0);
    CHECK(proc0.p_klist.empty());
}

TEST_CASE("EVFILT_SIGNAL: counts deliveries, ignored ones too; EV_CLEAR is implied; EV_DELETE and ENOENT")
{
    SysWorld s;
    const int kq = kqueue_as(&thread0);
    CHECK(change(kq, ev(0, EVFILT_SIGNAL, EV_ADD)) == Errno::Inval);
    CHECK(change(kq, ev(_SIG_MAXSIG + 1, EVFILT_SIGNAL, EV_ADD)) == Errno::Inval);
    REQUIRE(change(kq, ev(SIGURG, EVFILT_SIGNAL, EV_ADD)) == Errno::Ok); // ignored by default
    psignal(&proc0, SIGURG);
    psignal(&proc0, SIGURG);
    psignal(&proc0, SIGWINCH); // another signal: not counted
    KeventResult r = kevent0(kq, {}, 4);
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].ident == uintptr_t(SIGURG));
    CHECK(r.events[0].data == 2);
    CHECK((r.events[0].flags & EV_CLEAR) != 0);
    CHECK(kevent0(kq, {}, 4).events.empty()); // cleared by the report
    psignal(&proc0, SIGURG);
    CHECK(kevent0(kq, {}, 4).events.at(0).data == 1);
    CHECK(change(kq, ev(SIGURG, EVFILT_SIGNAL, EV_DELETE)) == Errno::Ok);
    CHECK(change(kq, ev(SIGURG, EVFILT_SIGNAL, EV_DELETE)) == Errno::NoEnt);
    psignal(&proc0, SIGURG);
    CHECK(kevent0(kq, {}, 4).events.empty());
    CHECK(knotes() == 0);
    sigdelset(proc0.p_siglist, SIGURG);
    sigdelset(proc0.p_siglist, SIGWINCH);
    close0(kq);
}

TEST_CASE("EVFILT_READ/EVFILT_WRITE on a pipe: bytes readable, room writable, EV_EOF when the other end goes")
{
    SysWorld s;
    int fds[2];
    REQUIRE(kern_pipe(&thread0, fds, 0) == Errno::Ok);
    const int kq = kqueue_as(&thread0);
    CHECK(change(kq, ev(uintptr_t(fds[1]), EVFILT_READ, EV_ADD)) == Errno::Inval); // the write end
    CHECK(change(kq, ev(uintptr_t(fds[0]), EVFILT_WRITE, EV_ADD)) == Errno::Inval);
    CHECK(change(kq, ev(uintptr_t(kq), EVFILT_READ, EV_ADD)) == Errno::Inval); // no filter on a kqueue
    REQUIRE(change(kq, ev(uintptr_t(fds[0]), EVFILT_READ, EV_ADD)) == Errno::Ok);
    REQUIRE(change(kq, ev(uintptr_t(fds[1]), EVFILT_WRITE, EV_ADD)) == Errno::Ok);
    KeventResult r = kevent0(kq, {}, 4);
    REQUIRE(r.events.size() == 1); // writable, nothing to read
    CHECK(r.events[0].filter == EVFILT_WRITE);
    CHECK(r.events[0].data == int64_t(PIPE_SIZE));
    char buf[PIPE_SIZE];
    memset(buf, 'x', sizeof buf);
    uio w = uio_kernel(UioRw::Write, buf, 5, &thread0);
    file* wfp = fget_locked(proc0.p_fd, fds[1]);
    REQUIRE(dofilewrite(&thread0, wfp, &w) == Errno::Ok);
    r = kevent0(kq, {}, 4);
    REQUIRE(r.events.size() == 2);
    const kev_t* rd = r.events[0].filter == EVFILT_READ ? &r.events[0] : &r.events[1];
    const kev_t* wr = r.events[0].filter == EVFILT_READ ? &r.events[1] : &r.events[0];
    CHECK(rd->data == 5);
    CHECK(wr->data == int64_t(PIPE_SIZE - 5));
    // Filled to less than PIPE_BUF of room: not writable (a write of
    // PIPE_BUF would wait).
    uio fill = uio_kernel(UioRw::Write, buf, PIPE_SIZE - 5 - (PIPE_BUF - 1), &thread0);
    REQUIRE(dofilewrite(&thread0, wfp, &fill) == Errno::Ok);
    r = kevent0(kq, {}, 4);
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].filter == EVFILT_READ);
    CHECK(r.events[0].data == int64_t(PIPE_SIZE - (PIPE_BUF - 1)));
    // The read end goes: the writer's knote says EV_EOF.
    close0(fds[0]); // its knote goes with it
    r = kevent0(kq, {}, 4);
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].filter == EVFILT_WRITE);
    CHECK((r.events[0].flags & EV_EOF) != 0);
    CHECK(r.events[0].data == 0);
    CHECK(knotes() == 1);
    close0(fds[1]);
    CHECK(knotes() == 0);
    CHECK(pipe_count() == 0);
    close0(kq);
}

TEST_CASE("EVFILT_READ on a pipe: EV_EOF when the writer closes; EV_CLEAR, EV_ONESHOT, EV_DISABLE/EV_ENABLE")
{
    SysWorld s;
    int fds[2];
    REQUIRE(kern_pipe(&thread0, fds, 0) == Errno::Ok);
    const int kq = kqueue_as(&thread0);
    file* wfp = fget_locked(proc0.p_fd, fds[1]);
    char buf[8] = "abcdefg";
    auto put = [&](size_t n) {
        uio w = uio_kernel(UioRw::Write, buf, n, &thread0);
        REQUIRE(dofilewrite(&thread0, wfp, &w) == Errno::Ok);
    };
    REQUIRE(change(kq, ev(uintptr_t(fds[0]), EVFILT_READ, EV_ADD | EV_CLEAR)) == Errno::Ok);
    put(3);
    CHECK(kevent0(kq, {}, 4).events.at(0).data == 3);
    CHECK(kevent0(kq, {}, 4).events.empty()); // EV_CLEAR: until the next write
    put(1);
    CHECK(kevent0(kq, {}, 4).events.at(0).data == 4);
    // Disabled: nothing reported though bytes are there; enabled: reported.
    REQUIRE(change(kq, ev(uintptr_t(fds[0]), EVFILT_READ, EV_DISABLE)) == Errno::Ok);
    put(1);
    CHECK(kevent0(kq, {}, 4).events.empty());
    REQUIRE(change(kq, ev(uintptr_t(fds[0]), EVFILT_READ, EV_ENABLE)) == Errno::Ok);
    CHECK(kevent0(kq, {}, 4).events.at(0).data == 5);
    // Level-triggered without EV_CLEAR: reported on every call.
    REQUIRE(change(kq, ev(uintptr_t(fds[0]), EVFILT_READ, EV_ADD)) == Errno::Ok);
    REQUIRE(change(kq, ev(uintptr_t(fds[0]), EVFILT_READ, EV_DELETE)) == Errno::Ok);
    CHECK(knotes() == 0);
    REQUIRE(change(kq, ev(uintptr_t(fds[0]), EVFILT_READ, EV_ADD)) == Errno::Ok);
    CHECK(kevent0(kq, {}, 4).events.size() == 1);
    CHECK(kevent0(kq, {}, 4).events.size() == 1);
    REQUIRE(change(kq, ev(uintptr_t(fds[0]), EVFILT_READ, EV_DELETE)) == Errno::Ok);
    // One-shot: reported once, then gone.
    REQUIRE(change(kq, ev(uintptr_t(fds[0]), EVFILT_READ, EV_ADD | EV_ONESHOT)) == Errno::Ok);
    CHECK(kevent0(kq, {}, 4).events.size() == 1);
    CHECK(knotes() == 0);
    CHECK(kevent0(kq, {}, 4).events.empty());
    // The writer goes: EV_EOF with what is left to read.
    REQUIRE(change(kq, ev(uintptr_t(fds[0]), EVFILT_READ, EV_ADD)) == Errno::Ok);
    close0(fds[1]);
    const KeventResult r = kevent0(kq, {}, 4);
    REQUIRE(r.events.size() == 1);
    CHECK((r.events[0].flags & EV_EOF) != 0);
    CHECK(r.events[0].data == 5);
    close0(fds[0]);
    CHECK(knotes() == 0);
    close0(kq);
}

TEST_CASE("close removes the knotes of that descriptor only; dup keeps the file but not the knote")
{
    SysWorld s;
    int fds[2];
    REQUIRE(kern_pipe(&thread0, fds, 0) == Errno::Ok);
    const int kq = kqueue_as(&thread0);
    const int dupfd = fddup(proc0.p_fd, fds[0], -1).value();
    REQUIRE(change(kq, ev(uintptr_t(fds[0]), EVFILT_READ, EV_ADD)) == Errno::Ok);
    REQUIRE(change(kq, ev(uintptr_t(dupfd), EVFILT_READ, EV_ADD)) == Errno::Ok);
    REQUIRE(change(kq, ev(SIGURG, EVFILT_SIGNAL, EV_ADD)) == Errno::Ok);
    CHECK(knotes() == 3);
    close0(fds[0]);
    CHECK(knotes() == 2);
    CHECK(change(kq, ev(uintptr_t(fds[0]), EVFILT_READ, EV_DELETE)) == Errno::NoEnt);
    CHECK(change(kq, ev(uintptr_t(fds[0]), EVFILT_READ, EV_ADD)) == Errno::BadF);
    // dup2 over a watched descriptor closes it: its knote goes too.
    REQUIRE(fddup(proc0.p_fd, fds[1], dupfd).ok());
    CHECK(knotes() == 1);
    // Closing the kqueue takes the rest (the signal knote on proc0).
    close0(kq);
    CHECK(knotes() == 0);
    CHECK(proc0.p_klist.empty());
    close0(fds[1]);
    close0(dupfd);
    CHECK(pipe_count() == 0);
}

namespace {

int g_kq = -1;
Errno g_child_err = Errno::Ok;
bool g_child_fd_free = false;

void child_uses_parents_kq(void*)
{
    thread* td = curthread();
    g_child_err = kevent_as(td, g_kq, {}, 1).err;
    g_child_fd_free = fget_locked(td->td_proc->p_fd, g_kq) == nullptr;
    exit1(td, 0);
}

} // namespace

TEST_CASE("fork: the child gets no kqueue (its slot is empty: EBADF), other descriptors are copied")
{
    SysWorld s;
    int fds[2];
    REQUIRE(kern_pipe(&thread0, fds, 0) == Errno::Ok);
    g_kq = kqueue_as(&thread0);
    REQUIRE(g_kq == 2); // above the pipe: the child's table has a hole there
    g_child_err = Errno::Ok;
    g_child_fd_free = false;
    proc* c = spawn(child_uses_parents_kq);
    wait_for(c->p_pid);
    CHECK(g_child_err == Errno::BadF);
    CHECK(g_child_fd_free);
    CHECK(kqueue_count() == 1); // the parent's is still there
    close0(g_kq);
    close0(fds[0]);
    close0(fds[1]);
}

namespace {

KeventResult g_sleep_result;
int64_t g_sleep_timeout = -1;

// Makes a kqueue of its own watching SIGURG (a count nobody acts on) and
// its pipe, then sleeps in kevent with g_sleep_timeout.
int g_pipe[2];
void sleeper(void*)
{
    thread* td = curthread();
    const int kq = kqueue_as(td);
    g_sleep_result = kevent_as(td, kq, {ev(uintptr_t(g_pipe[0]), EVFILT_READ, EV_ADD)}, 0);
    g_sleep_result = kevent_as(td, kq, {}, 4, g_sleep_timeout);
    exit1(td, 0);
}

pid_t start_sleeper(int64_t timeout_ns)
{
    g_sleep_timeout = timeout_ns;
    g_sleep_result = {Errno::Ok, {}};
    proc* c = spawn(sleeper);
    const pid_t pid = c->p_pid;
    run_others();
    CHECK(c->p_thread->td_wmesg == std::string("kqread"));
    return pid;
}

} // namespace

TEST_CASE("kevent(2) sleeps until an event (a pipe written), a signal (EINTR) or the timeout (0 events)")
{
    SysWorld s;
    REQUIRE(kern_pipe(&thread0, g_pipe, 0) == Errno::Ok);
    // Woken by an activation.
    pid_t pid = start_sleeper(-1);
    char c = 'z';
    uio w = uio_kernel(UioRw::Write, &c, 1, &thread0);
    REQUIRE(dofilewrite(&thread0, fget_locked(proc0.p_fd, g_pipe[1]), &w) == Errno::Ok);
    wait_for(pid);
    CHECK(g_sleep_result.err == Errno::Ok);
    REQUIRE(g_sleep_result.events.size() == 1);
    CHECK(g_sleep_result.events[0].data == 1);
    // Drain the byte so the next sleeper waits.
    char back;
    uio r = uio_kernel(UioRw::Read, &back, 1, &thread0);
    REQUIRE(dofileread(&thread0, fget_locked(proc0.p_fd, g_pipe[0]), &r) == Errno::Ok);
    // Ended by a signal.
    pid = start_sleeper(-1);
    psignal(proc_table().pfind(pid), SIGTERM);
    wait_for(pid);
    CHECK(g_sleep_result.err == Errno::Intr);
    // Ended by its timeout (30 ms: three ticks), with nothing to report.
    pid = start_sleeper(30'000'000);
    wait_for(pid);
    CHECK(g_sleep_result.err == Errno::Ok);
    CHECK(g_sleep_result.events.empty());
    CHECK(knotes() == 0);
    close0(g_pipe[0]);
    close0(g_pipe[1]);
}

TEST_CASE("kevent(2): change errors come back as EV_ERROR events while there is room, else as the call's error; EV_RECEIPT")
{
    SysWorld s;
    const int kq = kqueue_as(&thread0);
    // No room: the first failure is the error.
    CHECK(kevent0(kq, {ev(SIGURG, EVFILT_SIGNAL, EV_DELETE)}, 0).err == Errno::NoEnt);
    // Room: each failure an event, the good change made anyway, no scan.
    psignal(&proc0, SIGURG);
    KeventResult r = kevent0(kq, {ev(77, EVFILT_READ, EV_ADD), ev(SIGURG, EVFILT_SIGNAL, EV_ADD),
                                  ev(1, -100, EV_ADD, 0, 0, 0x99)},
                             4);
    REQUIRE(r.err == Errno::Ok);
    REQUIRE(r.events.size() == 2);
    CHECK(r.events[0].flags == EV_ERROR);
    CHECK(r.events[0].ident == 77);
    CHECK(r.events[0].data == int64_t(Errno::BadF));
    CHECK(r.events[1].flags == EV_ERROR);
    CHECK(r.events[1].data == int64_t(Errno::Inval));
    CHECK(r.events[1].udata == reinterpret_cast<void*>(0x99));
    CHECK(knotes() == 1);
    // EV_RECEIPT: a successful change reported with data 0.
    r = kevent0(kq, {ev(SIGWINCH, EVFILT_SIGNAL, EV_ADD | EV_RECEIPT)}, 4);
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].flags == EV_ERROR);
    CHECK(r.events[0].data == 0);
    CHECK(knotes() == 2);
    close0(kq);
    sigdelset(proc0.p_siglist, SIGURG);
}

TEST_CASE("kevent(2) hostile: bad pointers EFAULT, negative counts and bad timeouts EINVAL, not a kqueue EBADF")
{
    SysWorld s;
    const int kq = kqueue_as(&thread0);
    int fds[2];
    REQUIRE(kern_pipe(&thread0, fds, 0) == Errno::Ok);
    auto call = [&](uint64_t kqfd, uint64_t ch, uint64_t nch, uint64_t evl, uint64_t nev, uint64_t to) {
        return ucall(SYS_kevent, {kqfd, ch, nch, evl, nev, to}).err;
    };
    CHECK(call(uint64_t(kq), BAD, 1, EVENTS, 1, 0) == Errno::Fault);
    CHECK(call(uint64_t(kq), BAD, 0x7fffffff, EVENTS, 1, 0) == Errno::Fault); // huge: stops at the fault
    CHECK(call(uint64_t(kq), CHANGES, uint64_t(-1), EVENTS, 1, 0) == Errno::Inval);
    CHECK(call(uint64_t(kq), CHANGES, 0, EVENTS, uint64_t(-5), 0) == Errno::Inval);
    CHECK(call(uint64_t(fds[0]), CHANGES, 0, EVENTS, 1, 0) == Errno::BadF); // a pipe
    CHECK(call(999, CHANGES, 0, EVENTS, 1, 0) == Errno::BadF);
    CHECK(call(uint64_t(-1), CHANGES, 0, EVENTS, 1, 0) == Errno::BadF);
    CHECK(call(uint64_t(kq), CHANGES, 0, EVENTS, 1, BAD) == Errno::Fault);
    uwrite(TIMEOUT, ktimespec{0, 1'000'000'000});
    CHECK(call(uint64_t(kq), CHANGES, 0, EVENTS, 1, TIMEOUT) == Errno::Inval);
    uwrite(TIMEOUT, ktimespec{-1, 0});
    CHECK(call(uint64_t(kq), CHANGES, 0, EVENTS, 1, TIMEOUT) == Errno::Inval);
    // An event to report into a bad list: EFAULT.
    REQUIRE(change(kq, ev(uintptr_t(fds[1]), EVFILT_WRITE, EV_ADD)) == Errno::Ok);
    CHECK(call(uint64_t(kq), CHANGES, 0, BAD, 1, 0) == Errno::Fault);
    // Kernel flags from user space are ignored: EV_FLAG1 makes no child knote.
    REQUIRE(change(kq, ev(uintptr_t(proc0.p_pid), EVFILT_PROC, EV_ADD | EV_FLAG1, NOTE_EXIT)) == Errno::Ok);
    const KeventResult r = kevent0(kq, {}, 4);
    CHECK(r.events.size() == 1); // the pipe's write room only
    close0(kq);
    close0(fds[0]);
    close0(fds[1]);
}

TEST_CASE("kqueue: every allocation failure in kqueue, EV_ADD and NOTE_TRACK leaves no object behind")
{
    SysWorld s;
    g_released = false;
    const Counts before = settled_counts(s.w);
    for (long n = 0; n < 3; n++) {
        // kqueue + one signal knote + one proc knote on a forking child.
        proc_zones().knotes.fail_after(n);
        proc_zones().kqueues.fail_after(n);
        const UResult k = ucall(SYS_kqueue);
        proc_zones().kqueues.fail_after(-1);
        if (!k.ok()) {
            CHECK(k.err == Errno::NoMem);
            proc_zones().knotes.fail_after(-1);
            continue;
        }
        const int kq = int(k.a0);
        const Errno e1 = change(kq, ev(SIGURG, EVFILT_SIGNAL, EV_ADD));
        CHECK((e1 == Errno::Ok || e1 == Errno::NoMem));
        const Errno e2 = change(kq, ev(uintptr_t(proc0.p_pid), EVFILT_PROC, EV_ADD, NOTE_TRACK | NOTE_EXIT));
        CHECK((e2 == Errno::Ok || e2 == Errno::NoMem));
        proc* c = spawn(held_then_exit_7); // tracked when e2 is Ok: its knote may fail
        proc_zones().knotes.fail_after(-1);
        release();
        run_others();
        wait_for(c->p_pid);
        g_released = false;
        close0(kq);
        CHECK(knotes() == 0);
        CHECK(proc0.p_klist.empty());
    }
    CHECK(kqueue_count() == 0);
    CHECK_COUNTS(settled_counts(s.w), before);
}

namespace {

unsigned check_kqueues()
{
    InvariantReport r;
    kqueue_check(r);
    return r.violations();
}

} // namespace

TEST_CASE("kqueue_check: the invariant holds across activations, reports and closes; a planted mismatch is found")
{
    SysWorld s;
    int fds[2];
    REQUIRE(kern_pipe(&thread0, fds, 0) == Errno::Ok);
    const int kq = kqueue_as(&thread0);
    REQUIRE(change(kq, ev(uintptr_t(fds[0]), EVFILT_READ, EV_ADD)) == Errno::Ok);
    REQUIRE(change(kq, ev(uintptr_t(fds[1]), EVFILT_WRITE, EV_ADD | EV_DISABLE)) == Errno::Ok);
    CHECK(check_kqueues() == 0);
    kqueue* k = file_kqueue(fget_locked(proc0.p_fd, kq));
    REQUIRE(k);
    CHECK(k->kq_head.size() == 0); // the write knote is disabled: not queued
    REQUIRE(change(kq, ev(uintptr_t(fds[1]), EVFILT_WRITE, EV_ENABLE)) == Errno::Ok);
    CHECK(k->kq_head.size() == 1);
    CHECK(check_kqueues() == 0);
    knote* kn = k->kq_head.front();
    kn->kn_status &= ~KN_QUEUED; // planted: queued, but says not
    InvariantReport r;
    r.set_quiet(true);
    kqueue_check(r);
    CHECK(r.violations() == 2); // the knote's flag and the queue's count
    kn->kn_status |= KN_QUEUED;
    close0(fds[1]);
    CHECK(check_kqueues() == 0);
    close0(kq);
    close0(fds[0]);
}

namespace {

std::string g_image;
Errno g_exec_result[2];

// Parks, then execs the test image twice: once an image that is no ELF
// (ENOEXEC: nothing changes, no NOTE_EXEC), then the real one.
void held_then_exec(void*)
{
    thread* td = curthread();
    hold();
    static const char* const argv[] = {"prog", nullptr};
    static const char junk[] = "not an ELF image";
    g_exec_result[0] = kern_execve(td, {"junk", junk, sizeof junk, argv, nullptr});
    g_exec_result[1] = kern_execve(td, {"prog", g_image.data(), g_image.size(), argv, nullptr});
    exit1(td, W_EXITCODE(4, 0));
}

} // namespace

TEST_CASE("EVFILT_PROC: NOTE_EXEC for an exec that happened, none for one that failed")
{
    SysWorld s;
    g_released = false;
    g_image = elftest::ElfBuilder().bytes();
    const int kq = kqueue_as(&thread0);
    proc* c = spawn(held_then_exec);
    const pid_t pid = c->p_pid;
    run_others();
    REQUIRE(change(kq, ev(uintptr_t(pid), EVFILT_PROC, EV_ADD | EV_CLEAR, NOTE_EXEC)) == Errno::Ok);
    release();
    run_others();
    CHECK(g_exec_result[0] == Errno::NoExec);
    CHECK(g_exec_result[1] == Errno::Ok);
    const KeventResult r = kevent0(kq, {}, 4);
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].fflags == NOTE_EXEC); // one exec; the exit was not asked for
    CHECK(r.events[0].flags == (EV_CLEAR | EV_EOF | EV_ONESHOT)); // exited before the read
    CHECK(r.events[0].data == 0);
    CHECK(wait_for(pid) == W_EXITCODE(4, 0));
    CHECK(knotes() == 0);
    close0(kq);
}

TEST_CASE("EVFILT_READ on the terminal: ready once a line is finished, data its bytes; EVFILT_WRITE always ready")
{
    SysWorld s;
    ttytest::TestTty t;
    file* fp = tty_open_file(&t.tp, FREAD | FWRITE).value();
    const int fd = finstall(proc0.p_fd, fp, 0).value();
    (void)fdrop(fp);
    const int kq = kqueue_as(&thread0);
    REQUIRE(change(kq, ev(uintptr_t(fd), EVFILT_READ, EV_ADD)) == Errno::Ok);
    CHECK(kevent0(kq, {}, 4).events.empty());
    t.type("ls");
    CHECK(kevent0(kq, {}, 4).events.empty()); // a line being edited: a read would wait
    CHECK(!t.tp.t_rsel.empty());
    t.type("\r");
    KeventResult r = kevent0(kq, {}, 4);
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0].data == 3); // "ls\n"
    REQUIRE(change(kq, ev(uintptr_t(fd), EVFILT_WRITE, EV_ADD)) == Errno::Ok);
    r = kevent0(kq, {}, 4);
    REQUIRE(r.events.size() == 2);
    const kev_t* w = r.events[0].filter == EVFILT_WRITE ? &r.events[0] : &r.events[1];
    CHECK(w->data == int64_t(TTY_WRITE_ATOMIC));
    REQUIRE(change(kq, ev(uintptr_t(fd), EVFILT_WRITE, EV_DELETE)) == Errno::Ok);
    close0(fd);
    CHECK(knotes() == 0);
    CHECK(t.tp.t_rsel.empty());
    CHECK(t.tp.t_wsel.empty());
    close0(kq);
}

namespace {

// Exits with a kqueue watching both ends of a pipe, nothing closed: the
// table's teardown must drop the knotes before the pipe goes.
void exits_with_knotes(void*)
{
    thread* td = curthread();
    // The kqueue below the pipe: the teardown, from the top, closes the
    // pipe's ends while the kqueue still holds their knotes.
    const int kq = kqueue_as(td);
    int fds[2];
    CHECK(kern_pipe(td, fds, 0) == Errno::Ok);
    CHECK(kq < fds[0]);
    CHECK(kevent_as(td, kq, {ev(uintptr_t(fds[0]), EVFILT_READ, EV_ADD),
                             ev(uintptr_t(fds[1]), EVFILT_WRITE, EV_ADD),
                             ev(SIGURG, EVFILT_SIGNAL, EV_ADD)}, 0).err == Errno::Ok);
    CHECK(knotes() == 3);
    exit1(td, 0);
}

} // namespace

TEST_CASE("exit with a kqueue still watching its own pipe: the table's teardown drops every knote first")
{
    SysWorld s;
    s.w.km->drain(); // the pipe's buffer is kmalloc'd: its cache too
    const Counts before = settled_counts(s.w);
    wait_for(spawn(exits_with_knotes)->p_pid);
    CHECK(knotes() == 0);
    CHECK(kqueue_count() == 0);
    CHECK(pipe_count() == 0);
    s.w.km->drain();
    CHECK_COUNTS(settled_counts(s.w), before);
}
