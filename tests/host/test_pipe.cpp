// Pipes through the system call dispatcher (pipe, pipe2, read, write,
// close) and, across real threads of the host scheduler, blocking reads
// and writes, end of file, EPIPE with SIGPIPE, and signals that end a
// sleep.  Every test ends with no pipe left.
#include "sys_test_util.h"

#include <abi/fcntl.h>
#include <abi/resource.h>
#include <abi/signal.h>
#include <abi/ttycom.h>
#include <abi/unistd.h>
#include <kernel/fs/pipe.h>
#include <kernel/fs/sys_generic.h>
#include <kernel/fs/uio.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/resource.h>
#include <kernel/proc/sigset.h>

using namespace systest;

namespace {

struct PipeWorld : SysWorld {
    ~PipeWorld()
    {
        filedesc* fdp = proc0.p_fd;
        while (fdp->fd_lastfile >= 0) (void)fdclose(fdp, fdp->fd_lastfile);
        CHECK(pipe_count() == 0);
    }

    Ret write(int fd, uint64_t off, uint64_t n) { return call(SYS_write, {u(fd), UBUF + off, n}); }
    Ret read(int fd, uint64_t off, uint64_t n) { return call(SYS_read, {u(fd), UBUF + off, n}); }
    // pipe2 with the int[2] at UBUF + 0xf00.
    Ret pipe2(int flags, int fds[2])
    {
        const Ret r = call(SYS_pipe2, {UBUF + 0xf00, u(flags)});
        if (r.ok()) REQUIRE(copyin(UBUF + 0xf00, fds, 2 * sizeof(int)) == Errno::Ok);
        return r;
    }
};

// A read or write of a kernel buffer through a file of td's table.
int64_t kio(thread* td, int fd, UioRw rw, void* buf, size_t n, Errno* err = nullptr)
{
    file* fp = fget(td->td_proc->p_fd, fd).value();
    uio uio = uio_kernel(rw, buf, n, td);
    const Errno e = rw == UioRw::Read ? dofileread(td, fp, &uio) : dofilewrite(td, fp, &uio);
    (void)fdrop(fp);
    if (err) *err = e;
    return e == Errno::Ok ? int64_t(td->td_retval[0]) : -1;
}

} // namespace

TEST_CASE("pipe: FreeBSD 8's pipe returns both descriptors in a0 and a1; bytes come out in order")
{
    PipeWorld s;
    const Ret p = s.call(SYS_pipe);
    REQUIRE(p.ok());
    CHECK(p.a0 == 0);
    CHECK(p.a1 == 1);
    CHECK(pipe_count() == 1);
    s.put(0, "abc");
    s.put(3, "defg");
    CHECK(s.write(1, 0, 3).a0 == 3);
    CHECK(s.write(1, 3, 4).a0 == 4);
    const Ret r = s.read(0, 0x100, 100);
    CHECK(r.a0 == 7);
    CHECK(s.get(0x100, 7) == "abcdefg");
    // One way only: the read end does not write, the write end does not read.
    CHECK(s.write(0, 0, 1).error == Errno::BadF);
    CHECK(s.read(1, 0, 1).error == Errno::BadF);
    CHECK(s.call(SYS_lseek, {0, 0, u(L_SET)}).error == Errno::SPipe);
    CHECK(s.call(SYS_ioctl, {0, TIOCGPGRP, SysWorld::UBUF}).error == Errno::NoTty);
}

TEST_CASE("pipe2: flags O_CLOEXEC and O_NONBLOCK only; EFAULT leaves no descriptor behind")
{
    PipeWorld s;
    int fds[2] = {-1, -1};
    CHECK(s.pipe2(O_APPEND, fds).error == Errno::Inval);
    CHECK(s.pipe2(O_RDWR, fds).error == Errno::Inval);
    CHECK(s.call(SYS_pipe2, {BAD_ADDR, 0}).error == Errno::Fault);
    CHECK(proc0.p_fd->fd_lastfile == -1);
    CHECK(pipe_count() == 0);
    REQUIRE(s.pipe2(O_CLOEXEC, fds).ok());
    CHECK(fds[0] == 0);
    CHECK(fds[1] == 1);
    CHECK(proc0.p_fd->fd_ofileflags[0] == UF_EXCLOSE);
    CHECK(proc0.p_fd->fd_ofileflags[1] == UF_EXCLOSE);
    REQUIRE(s.pipe2(O_NONBLOCK, fds).ok());
    CHECK(fds[0] == 2);
    CHECK(proc0.p_fd->fd_ofileflags[2] == 0);
    CHECK(s.read(fds[0], 0, 1).error == Errno::Again);
}

TEST_CASE("pipe: EMFILE and allocation failures leave no descriptor and no pipe")
{
    PipeWorld s;
    REQUIRE(lim_set(&proc0.p_limit, RLIMIT_NOFILE, rlimit{1, 1}).ok());
    CHECK(s.call(SYS_pipe).error == Errno::MFile);
    CHECK(proc0.p_fd->fd_lastfile == -1);
    CHECK(pipe_count() == 0);
    REQUIRE(lim_set(&proc0.p_limit, RLIMIT_NOFILE, rlimit{RLIM_INFINITY, RLIM_INFINITY}).ok());
    for (long n = 0; n < 2; n++) { // the pipe's object, then its buffer
        s.w.km->fail_after(n);
        CHECK(s.call(SYS_pipe).error == Errno::NFile);
        s.w.km->fail_after(-1);
        CHECK(pipe_count() == 0);
    }
    proc_zones().fds.files.zone().fail_after(1); // the write end's file
    CHECK(s.call(SYS_pipe).error == Errno::NFile);
    proc_zones().fds.files.zone().fail_after(-1);
    CHECK(pipe_count() == 0);
    CHECK(proc0.p_fd->fd_lastfile == -1);
}

TEST_CASE("pipe: non-blocking: full at PIPE_SIZE, small writes whole or EAGAIN, big ones partial")
{
    PipeWorld s;
    int fds[2];
    REQUIRE(s.pipe2(O_NONBLOCK, fds).ok());
    s.put(0, std::string(4096, 'z'));
    size_t total = 0;
    for (int i = 0; i < 4; i++) total += s.write(fds[1], 0, 4096).a0;
    CHECK(total == PIPE_SIZE);
    CHECK(s.write(fds[1], 0, 1).error == Errno::Again);
    CHECK(s.read(fds[0], 0x2000, 100).a0 == 100); // 100 bytes of room
    CHECK(s.write(fds[1], 0, PIPE_BUF).error == Errno::Again); // atomic: all or nothing
    const Ret big = s.write(fds[1], 0, PIPE_BUF + 1);          // not atomic: what fits
    CHECK((big.ok() && big.a0 == 100));
    // Drain everything: 16384 bytes come out.
    size_t got = 0;
    for (Ret r = s.read(fds[0], 0x2000, 4096); r.ok() && r.a0 > 0; r = s.read(fds[0], 0x2000, 4096))
        got += r.a0;
    CHECK(got == PIPE_SIZE);
    CHECK(s.read(fds[0], 0x2000, 1).error == Errno::Again); // empty, writer still there
}

TEST_CASE("pipe: end of file once every writer is gone, after the bytes left")
{
    PipeWorld s;
    const Ret p = s.call(SYS_pipe);
    const Ret extra = s.call(SYS_dup, {p.a1});
    s.put(0, "xy");
    CHECK(s.write(1, 0, 2).a0 == 2);
    CHECK(s.call(SYS_close, {1}).ok());
    CHECK(s.read(0, 0x100, 1).a0 == 1);
    CHECK(s.call(SYS_close, {extra.a0}).ok());
    CHECK(s.read(0, 0x100, 10).a0 == 1);
    const Ret eof = s.read(0, 0x100, 10);
    CHECK((eof.ok() && eof.a0 == 0));
}

namespace {

int g_fds[2];
int64_t g_result;
Errno g_error;
bool g_sigpipe;

void write_to_closed_pipe(void*)
{
    thread* td = curthread();
    (void)fdclose(td->td_proc->p_fd, g_fds[0]);
    char c = 'q';
    Errno empty_error = Errno::Ok;
    (void)kio(td, g_fds[1], UioRw::Write, &c, 0, &empty_error); // nothing to write: still EPIPE
    g_sigpipe = sigismember(td->td_proc->p_siglist, SIGPIPE) && empty_error == Errno::Pipe;
    sigdelset(td->td_proc->p_siglist, SIGPIPE);
    g_result = kio(td, g_fds[1], UioRw::Write, &c, 1, &g_error);
    g_sigpipe = g_sigpipe && sigismember(td->td_proc->p_siglist, SIGPIPE);
    exit1(td, 0);
}

} // namespace

TEST_CASE("pipe: a write with no reader left is EPIPE, and the writer gets SIGPIPE")
{
    PipeWorld s;
    REQUIRE(kern_pipe(&thread0, g_fds, 0) == Errno::Ok);
    CHECK(fdclose(proc0.p_fd, g_fds[0]) == Errno::Ok); // the parent's read end
    g_sigpipe = false;
    wait_for(spawn(write_to_closed_pipe)->p_pid);
    CHECK(g_result == -1);
    CHECK(g_error == Errno::Pipe);
    CHECK(g_sigpipe);
}

namespace {

constexpr size_t BIG = 3 * PIPE_SIZE + 123;
std::string g_got;

// Reads until end of file, having closed its own copy of the write end.
void read_all(void*)
{
    thread* td = curthread();
    (void)fdclose(td->td_proc->p_fd, g_fds[1]);
    char buf[1000];
    for (;;) {
        const int64_t n = kio(td, g_fds[0], UioRw::Read, buf, sizeof buf);
        if (n <= 0) break;
        g_got.append(buf, size_t(n));
    }
    exit1(td, 0);
}

} // namespace

TEST_CASE("pipe: a blocked reader wakes for each write; a write bigger than the pipe completes as it drains")
{
    PipeWorld s;
    REQUIRE(kern_pipe(&thread0, g_fds, 0) == Errno::Ok);
    g_got.clear();
    proc* child = spawn(read_all);
    const pid_t pid = child->p_pid;
    run_others();
    CHECK(child->p_thread->td_wmesg == std::string("piperd")); // asleep on the empty pipe
    char hi[] = "hi";
    CHECK(kio(&thread0, g_fds[1], UioRw::Write, hi, 2) == 2);
    run_others();
    CHECK(g_got == "hi");
    std::string big(BIG, '\0');
    for (size_t i = 0; i < BIG; i++) big[i] = char('a' + i % 23);
    CHECK(kio(&thread0, g_fds[1], UioRw::Write, big.data(), big.size()) == int64_t(BIG));
    CHECK(fdclose(proc0.p_fd, g_fds[1]) == Errno::Ok); // end of file for the reader
    wait_for(pid);
    CHECK(g_got == "hi" + big);
}

namespace {

void blocked_read(void*)
{
    thread* td = curthread();
    char buf[8];
    g_result = kio(td, g_fds[0], UioRw::Read, buf, sizeof buf, &g_error);
    exit1(td, 0);
}

void blocked_write(void*)
{
    thread* td = curthread();
    std::string* big = new std::string(PIPE_SIZE + 1000, 'w');
    g_result = kio(td, g_fds[1], UioRw::Write, big->data(), big->size(), &g_error);
    delete big;
    exit1(td, 0);
}

void run_until_asleep_then_signal(void (*fn)(void*), const char* wmesg)
{
    proc* child = spawn(fn);
    const pid_t pid = child->p_pid;
    run_others();
    CHECK(child->p_thread->td_wmesg == std::string(wmesg));
    psignal(child, SIGTERM);
    wait_for(pid);
}

} // namespace

TEST_CASE("pipe: a signal ends a blocked read with EINTR, and a blocked write with the count so far")
{
    PipeWorld s;
    REQUIRE(kern_pipe(&thread0, g_fds, 0) == Errno::Ok);
    run_until_asleep_then_signal(blocked_read, "piperd");
    CHECK(g_result == -1);
    CHECK(g_error == Errno::Intr);
    run_until_asleep_then_signal(blocked_write, "pipewr");
    CHECK(g_error == Errno::Ok);
    CHECK(g_result == int64_t(PIPE_SIZE)); // what fitted before the sleep
}

TEST_CASE("pipe: a copy wakes the other side only while it sleeps; a reader waits for bytes without the pipe's lock")
{
    PipeWorld s;
    REQUIRE(kern_pipe(&thread0, g_fds, 0) == Errno::Ok);
    file* rf = fget(proc0.p_fd, g_fds[0]).value();
    pipepair* pp = static_cast<pipepair*>(rf->f_data);
    (void)fdrop(rf);
    // Nobody waits: a write and a read leave the want flags clear, and
    // the sleep queues as they were.
    const unsigned sleepers = sleepq_sleepers();
    char x[] = "x";
    CHECK(kio(&thread0, g_fds[1], UioRw::Write, x, 1) == 1);
    char b[4];
    CHECK(kio(&thread0, g_fds[0], UioRw::Read, b, 1) == 1);
    CHECK(!pp->pp_rwant);
    CHECK(!pp->pp_wwant);
    CHECK(sleepq_sleepers() == sleepers);
    // A reader asleep on the empty pipe says so, and holds no lock while
    // it sleeps (the writer takes it).
    g_got.clear();
    proc* child = spawn(read_all);
    const pid_t pid = child->p_pid;
    run_others();
    CHECK(child->p_thread->td_wmesg == std::string("piperd"));
    CHECK(pp->pp_rwant);
    CHECK(!pp->pp_lock.locked());
    char hi[] = "hi";
    CHECK(kio(&thread0, g_fds[1], UioRw::Write, hi, 2) == 2);
    CHECK(!pp->pp_rwant); // the write woke it and cleared the flag
    run_others();
    CHECK(g_got == "hi");
    CHECK(fdclose(proc0.p_fd, g_fds[1]) == Errno::Ok);
    wait_for(pid);
}
