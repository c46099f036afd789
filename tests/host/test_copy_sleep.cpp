// Copies to and from user memory are sleep points: a fault in one may
// wait in vmwait for a page (docs/memory.md, Out of memory).  Here every
// user copy made by a child of proc0 sleeps for a tick first
// (arch::host_set_copy_hook), so the other children run in the middle of
// each read, write, seek or pipe2 that copies, and what a call computed
// before its copy is stale after it unless a lock held across the copy
// keeps it (the pipe's pipelock, the file's foffset lock, the terminal's
// read lock), or the call reads what it needs before the copy and checks
// it again after (pipe2's slots, postsig's action).  Each test ends with
// every page, object and pipe back (the worlds check).
#include "cpio_test_util.h"
#include "sys_test_util.h"
#include "tty_test_util.h"

#include <abi/fcntl.h>
#include <abi/unistd.h>
#include <kernel/machdep.h>
#include <kernel/fs/file.h>
#include <kernel/fs/pipe.h>
#include <kernel/fs/sys_generic.h>
#include <kernel/fs/uio.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/sig_calls.h>
#include <kernel/proc/sigacts.h>
#include <kernel/proc/sigset.h>
#include <kernel/sched/preempt.h>
#include <kernel/tty/tty.h>

#include <string>
#include <vector>

using namespace systest;

namespace {

// The child asleep in a copy right now, and how many copies slept.
thread* g_in_copy = nullptr;
unsigned g_copy_sleeps = 0;
uint64_t g_copy_ticks = 1; // how long each copy sleeps

void copy_sleeps()
{
    thread* td = curthread();
    if (!td || td->td_proc == &proc0) return; // the test's own copies stay plain
    g_copy_sleeps++;
    g_in_copy = td;
    pause("vmwait", g_copy_ticks);
    g_in_copy = nullptr;
}

// While alive, every child's user copy sleeps first.
struct CopiesSleep {
    CopiesSleep()
    {
        g_copy_sleeps = 0;
        g_copy_ticks = 1;
        g_in_copy = nullptr;
        arch::host_set_copy_hook(copy_sleeps);
    }
    ~CopiesSleep() { arch::host_set_copy_hook(nullptr); }
    CopiesSleep(const CopiesSleep&) = delete;
    CopiesSleep& operator=(const CopiesSleep&) = delete;
};

// Waits (a child) until td is asleep inside a copy; false after a while.
bool wait_until_in_copy(const thread* td)
{
    for (int i = 0; i < 100 && g_in_copy != td; i++) pause("test", 1);
    return g_in_copy == td;
}

int g_fds[2];
std::string g_got[2];
Errno g_err[2];
thread* g_td[2];

void start_child(int i)
{
    thread* td = curthread();
    g_td[i] = td;
    g_got[i].clear();
    g_err[i] = Errno::Ok;
    vmspace_activate(td->td_proc->p_vmspace);
}

uint64_t ubuf_of(int i) { return SysWorld::UBUF + 0x1000 * uint64_t(i); }

// The child's user bytes at UBUF + 0x1000 i, read back (a copy too).
std::string user_bytes(int i, size_t n)
{
    std::string s(n, '\0');
    if (copyin(ubuf_of(i), s.data(), n) != Errno::Ok) return "<EFAULT>";
    return s;
}

// Reads of `each` bytes from fd into child i's buffer until end of file
// or an error; a bounded number, so a broken count cannot loop forever.
void read_until_end(int i, int fd, size_t each)
{
    thread* td = curthread();
    for (int n = 0; n < 64; n++) {
        const Ret r = SysWorld::call_as(td, SYS_read, {u(fd), ubuf_of(i), each});
        if (!r.ok()) {
            g_err[i] = r.error;
            return;
        }
        if (r.a0 == 0) return;
        g_got[i] += user_bytes(i, r.a0);
    }
}

// A write of a kernel buffer through proc0's fd.
int64_t kwrite(int fd, const std::string& data)
{
    file* fp = fget(proc0.p_fd, fd).value();
    uio uio = uio_kernel(UioRw::Write, const_cast<char*>(data.data()), data.size(), &thread0);
    const Errno e = dofilewrite(&thread0, fp, &uio);
    (void)fdrop(fp);
    return e == Errno::Ok ? int64_t(thread0.td_retval[0]) : -1;
}

// Reads proc0's fd (kernel buffer) until end of file.
std::string kread_all(int fd)
{
    std::string all;
    for (int n = 0; n < 1000; n++) {
        char buf[700];
        file* fp = fget(proc0.p_fd, fd).value();
        uio uio = uio_kernel(UioRw::Read, buf, sizeof buf, &thread0);
        const Errno e = dofileread(&thread0, fp, &uio);
        (void)fdrop(fp);
        if (e != Errno::Ok || thread0.td_retval[0] == 0) break;
        all.append(buf, thread0.td_retval[0]);
    }
    return all;
}

// Bytes 1, 2, ... n (n < 256): each value once, so a byte read twice or
// lost shows.
std::string distinct_bytes(size_t n)
{
    std::string s;
    for (size_t i = 0; i < n; i++) s += char(i + 1);
    return s;
}

// Whether a and b together hold each byte of `all` exactly once, each in
// the order `all` has them.
bool exactly_once(const std::string& all, const std::string& a, const std::string& b)
{
    if (a.size() + b.size() != all.size()) return false;
    std::vector<int> seen(256, 0);
    for (const std::string* s : {&a, &b}) {
        int last = 0;
        for (unsigned char c : *s) {
            if (seen[c]++ || c <= last) return false; // twice, or out of order
            last = c;
        }
    }
    for (unsigned char c : all)
        if (seen[c] != 1) return false;
    return true;
}

pipepair* pipe_of(int fd) { return static_cast<pipepair*>(fget_locked(proc0.p_fd, fd)->f_data); }

void pipe_reader(void* arg)
{
    const int i = int(reinterpret_cast<intptr_t>(arg));
    start_child(i);
    (void)fdclose(curthread()->td_proc->p_fd, g_fds[1]); // proc0 is the only writer
    read_until_end(i, g_fds[0], 40);
    exit1(curthread(), 0);
}

void* arg(int i) { return reinterpret_cast<void*>(intptr_t(i)); }

constexpr uintptr_t HANDLER1 = 0x10000, HANDLER2 = 0x20000; // never run

sigaction action(uintptr_t handler, int flags, int masked)
{
    sigaction a{};
    a.sa_handler = handler;
    a.sa_flags = flags;
    sigaddset(a.sa_mask, masked);
    return a;
}

} // namespace

TEST_CASE("copy sleeps: two readers of one pipe never copy the same bytes; the count never underflows")
{
    SysWorld s;
    REQUIRE(kern_pipe(&thread0, g_fds, 0) == Errno::Ok);
    const std::string data = distinct_bytes(250);
    REQUIRE(kwrite(g_fds[1], data) == int64_t(data.size()));
    {
        CopiesSleep sleeps;
        const pid_t a = spawn(pipe_reader, arg(0))->p_pid;
        const pid_t b = spawn(pipe_reader, arg(1))->p_pid;
        CHECK(fdclose(proc0.p_fd, g_fds[1]) == Errno::Ok); // end of file after the bytes
        wait_for(a);
        wait_for(b);
        CHECK(g_copy_sleeps >= 2);
    }
    CHECK(g_err[0] == Errno::Ok);
    CHECK(g_err[1] == Errno::Ok);
    CHECK(exactly_once(data, g_got[0], g_got[1]));
    CHECK(pipe_of(g_fds[0])->pp_cnt == 0);
    CHECK(!pipe_of(g_fds[0])->pp_lock.locked());
    CHECK(fdclose(proc0.p_fd, g_fds[0]) == Errno::Ok);
    CHECK(pipe_count() == 0);
}

namespace {

// Reads once while pipe_reader holds the pipe's lock.
void lock_waiter(void*)
{
    start_child(1);
    thread* td = curthread();
    (void)fdclose(td->td_proc->p_fd, g_fds[1]);
    g_err[1] = SysWorld::call_as(td, SYS_read, {u(g_fds[0]), ubuf_of(1), 40}).error;
    exit1(td, 0);
}

// Signals lock_waiter once it sleeps for the lock.
bool g_signalled = false;

void interrupter(void*)
{
    thread* td = curthread();
    vmspace_activate(td->td_proc->p_vmspace);
    (void)fdclose(td->td_proc->p_fd, g_fds[1]);
    g_signalled = false;
    for (int i = 0; i < 100 && !g_signalled; i++) {
        if (g_td[1] && g_td[1]->td_wmesg && std::string(g_td[1]->td_wmesg) == "pipelk") {
            psignal(g_td[1]->td_proc, SIGUSR2);
            g_signalled = true;
        } else {
            pause("test", 1);
        }
    }
    exit1(td, 0);
}

} // namespace

TEST_CASE("copy sleeps: a signal ends a wait for the pipe's lock with EINTR")
{
    SysWorld s;
    REQUIRE(kern_pipe(&thread0, g_fds, 0) == Errno::Ok);
    const std::string data = distinct_bytes(100);
    REQUIRE(kwrite(g_fds[1], data) == int64_t(data.size()));
    const sigaction caught = action(HANDLER1, 0, SIGHUP); // never run: the read sees EINTR
    REQUIRE(kern_sigaction(&thread0, SIGUSR2, &caught, nullptr).ok());
    g_td[1] = nullptr;
    {
        CopiesSleep sleeps;
        g_copy_ticks = 5; // the reader keeps the lock a while
        const pid_t a = spawn(pipe_reader, arg(0))->p_pid;
        const pid_t b = spawn(lock_waiter, nullptr)->p_pid;
        const pid_t c = spawn(interrupter, nullptr)->p_pid;
        CHECK(fdclose(proc0.p_fd, g_fds[1]) == Errno::Ok);
        wait_for(a);
        wait_for(b);
        wait_for(c);
    }
    CHECK(g_signalled);
    CHECK(g_err[1] == Errno::Intr);
    CHECK(g_err[0] == Errno::Ok);
    CHECK(g_got[0] == data); // all of it to the reader that kept the lock
    const sigaction dfl = action(SIG_DFL, 0, SIGHUP);
    CHECK(kern_sigaction(&thread0, SIGUSR2, &dfl, nullptr).ok());
    CHECK(fdclose(proc0.p_fd, g_fds[0]) == Errno::Ok);
    CHECK(pipe_count() == 0);
}

namespace {

constexpr int RECORDS = 4;

// Writer i's record k: PIPE_BUF bytes of one letter.
char record_letter(int i, int k) { return char((i ? 'A' : 'a') + k); }

void pipe_writer(void* a)
{
    const int i = int(reinterpret_cast<intptr_t>(a));
    start_child(i);
    thread* td = curthread();
    (void)fdclose(td->td_proc->p_fd, g_fds[0]); // proc0 is the only reader
    for (int k = 0; k < RECORDS; k++) {
        const Ret r = SysWorld::call_as(td, SYS_write, {u(g_fds[1]), ubuf_of(i) + PIPE_BUF * k, PIPE_BUF});
        if (!r.ok() || r.a0 != PIPE_BUF) g_err[i] = r.ok() ? Errno::Io : r.error;
    }
    exit1(td, 0);
}

} // namespace

TEST_CASE("copy sleeps: two writers' PIPE_BUF writes are never interleaved or overwritten")
{
    SysWorld s;
    REQUIRE(kern_pipe(&thread0, g_fds, 0) == Errno::Ok);
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < RECORDS; k++)
            s.put(0x1000 * uint64_t(i) + PIPE_BUF * uint64_t(k), std::string(PIPE_BUF, record_letter(i, k)));
    {
        CopiesSleep sleeps;
        const pid_t a = spawn(pipe_writer, arg(0))->p_pid;
        const pid_t b = spawn(pipe_writer, arg(1))->p_pid;
        CHECK(fdclose(proc0.p_fd, g_fds[1]) == Errno::Ok);
        wait_for(a);
        wait_for(b);
        CHECK(g_copy_sleeps >= 2 * RECORDS);
    }
    CHECK(g_err[0] == Errno::Ok);
    CHECK(g_err[1] == Errno::Ok);
    const std::string all = kread_all(g_fds[0]);
    REQUIRE(all.size() == 2 * RECORDS * PIPE_BUF);
    // Whole records, each writer's in its order.
    int next[2] = {0, 0};
    for (size_t at = 0; at < all.size(); at += PIPE_BUF) {
        const char c = all[at];
        CHECK(all.compare(at, PIPE_BUF, std::string(PIPE_BUF, c)) == 0);
        const int i = c >= 'a' ? 0 : 1;
        CHECK(c == record_letter(i, next[i]));
        next[i]++;
    }
    CHECK(next[0] == RECORDS);
    CHECK(next[1] == RECORDS);
    CHECK(fdclose(proc0.p_fd, g_fds[0]) == Errno::Ok);
    CHECK(pipe_count() == 0);
}

namespace {

// Shares proc0's table: one read, then another after the closer closed
// the descriptor during the first one's copy.
void shared_reader(void*)
{
    start_child(0);
    thread* td = curthread();
    for (int n = 0; n < 2; n++) {
        const Ret r = SysWorld::call_as(td, SYS_read, {u(g_fds[0]), ubuf_of(0), 40});
        if (!r.ok()) {
            g_err[0] = r.error;
            break;
        }
        g_got[0] += user_bytes(0, r.a0);
    }
    exit1(td, 0);
}

void closer(void*)
{
    start_child(1);
    thread* td = curthread();
    if (wait_until_in_copy(g_td[0]))
        g_err[1] = SysWorld::call_as(td, SYS_close, {u(g_fds[0])}).error;
    else
        g_err[1] = Errno::Io;
    exit1(td, 0);
}

} // namespace

TEST_CASE("copy sleeps: a descriptor closed during a pipe read's copy: the read finishes, the next is EBADF")
{
    SysWorld s;
    REQUIRE(kern_pipe(&thread0, g_fds, 0) == Errno::Ok);
    const std::string data = distinct_bytes(100);
    REQUIRE(kwrite(g_fds[1], data) == int64_t(data.size()));
    CHECK(fdclose(proc0.p_fd, g_fds[1]) == Errno::Ok);
    {
        CopiesSleep sleeps;
        const pid_t a = spawn(shared_reader, nullptr, RFPROC)->p_pid;
        const pid_t b = spawn(closer, nullptr, RFPROC)->p_pid;
        wait_for(a);
        wait_for(b);
    }
    CHECK(g_err[1] == Errno::Ok);          // the closer closed it while the read copied
    CHECK(g_got[0] == data.substr(0, 40)); // that read's bytes, once
    CHECK(g_err[0] == Errno::BadF);
    CHECK(fget_locked(proc0.p_fd, g_fds[0]) == nullptr);
    CHECK(pipe_count() == 0); // the read's reference was the last
}

namespace {

file* g_other_read_end = nullptr;
int g_other_fds[2];

// pipe2 with a bad address for the numbers: the copyout sleeps, then fails.
void pipe2_efault(void*)
{
    start_child(0);
    g_err[0] = SysWorld::call_as(curthread(), SYS_pipe2, {BAD_ADDR, 0}).error;
    exit1(curthread(), 0);
}

// Meanwhile, in the shared table: closes the new read end and makes a
// pipe of its own, which gets that number.
void reuse_slot(void*)
{
    start_child(1);
    thread* td = curthread();
    g_other_read_end = nullptr;
    if (wait_until_in_copy(g_td[0])) {
        (void)SysWorld::call_as(td, SYS_close, {0});
        const Ret r = SysWorld::call_as(td, SYS_pipe, {});
        g_err[1] = r.error;
        g_other_fds[0] = int(r.a0);
        g_other_fds[1] = int(r.a1);
        g_other_read_end = fget_locked(td->td_proc->p_fd, 0);
    } else {
        g_err[1] = Errno::Io;
    }
    exit1(td, 0);
}

} // namespace

TEST_CASE("copy sleeps: pipe2's EFAULT closes only its own descriptors, not a number reused meanwhile")
{
    SysWorld s;
    {
        CopiesSleep sleeps;
        const pid_t a = spawn(pipe2_efault, nullptr, RFPROC)->p_pid;
        const pid_t b = spawn(reuse_slot, nullptr, RFPROC)->p_pid;
        wait_for(a);
        wait_for(b);
    }
    CHECK(g_err[0] == Errno::Fault);
    REQUIRE(g_err[1] == Errno::Ok);
    CHECK(g_other_fds[0] == 0); // pipe2's read end's number, given up by the close
    CHECK(g_other_fds[1] == 2);
    CHECK(fget_locked(proc0.p_fd, 0) == g_other_read_end); // still the other pipe's
    CHECK(fget_locked(proc0.p_fd, 1) == nullptr);          // pipe2's write end, closed
    CHECK(fget_locked(proc0.p_fd, 2) != nullptr);
    CHECK(pipe_count() == 1); // pipe2's went with its ends
}

namespace {

const std::string FILE_DATA = distinct_bytes(200);

void open_data_file(SysWorld& s)
{
    s.set_initrd(cpiotest::archive({cpiotest::member("data", FILE_DATA)}));
    s.put_str(0x800, "/data");
    const Ret r = s.call(SYS_open, {SysWorld::UBUF + 0x800, u(O_RDONLY), 0});
    REQUIRE(r.ok());
    g_fds[0] = r.fd();
}

void file_reader(void* a)
{
    const int i = int(reinterpret_cast<intptr_t>(a));
    start_child(i);
    read_until_end(i, g_fds[0], 30);
    exit1(curthread(), 0);
}

} // namespace

TEST_CASE("copy sleeps: two readers sharing a file's offset read each byte once (foffset lock)")
{
    SysWorld s;
    open_data_file(s);
    {
        CopiesSleep sleeps;
        const pid_t a = spawn(file_reader, arg(0))->p_pid;
        const pid_t b = spawn(file_reader, arg(1))->p_pid;
        wait_for(a);
        wait_for(b);
    }
    CHECK(g_err[0] == Errno::Ok);
    CHECK(g_err[1] == Errno::Ok);
    CHECK(exactly_once(FILE_DATA, g_got[0], g_got[1]));
    CHECK(fget_locked(proc0.p_fd, g_fds[0])->f_offset == int64_t(FILE_DATA.size()));
}

namespace {

void read_ten(void*)
{
    start_child(0);
    const Ret r = SysWorld::call_as(curthread(), SYS_read, {u(g_fds[0]), ubuf_of(0), 10});
    g_err[0] = r.error;
    if (r.ok()) g_got[0] = user_bytes(0, r.a0);
    exit1(curthread(), 0);
}

void seek_during_read(void*)
{
    start_child(1);
    thread* td = curthread();
    if (wait_until_in_copy(g_td[0]))
        g_err[1] = SysWorld::call_as(td, SYS_lseek, {u(g_fds[0]), 100, u(L_SET)}).error;
    else
        g_err[1] = Errno::Io;
    exit1(td, 0);
}

} // namespace

TEST_CASE("copy sleeps: an lseek during a read's copy comes after the read, not under it")
{
    SysWorld s;
    open_data_file(s);
    {
        CopiesSleep sleeps;
        const pid_t a = spawn(read_ten, nullptr)->p_pid;
        const pid_t b = spawn(seek_during_read, nullptr)->p_pid;
        wait_for(a);
        wait_for(b);
    }
    CHECK(g_err[0] == Errno::Ok);
    CHECK(g_err[1] == Errno::Ok);
    CHECK(g_got[0] == FILE_DATA.substr(0, 10));
    // The read's end (offset 10) would overwrite the seek's 100 if the
    // seek had run inside the read.
    CHECK(fget_locked(proc0.p_fd, g_fds[0])->f_offset == 100);
}

namespace {

tty g_tty;
std::string g_echo;

void type(const std::string& s) { ttytest::tty_type(&g_tty, s); }

void tty_reader(void* a)
{
    const int i = int(reinterpret_cast<intptr_t>(a));
    start_child(i);
    uio uio = uio_user(UioRw::Read, ubuf_of(i), 200, curthread());
    g_err[i] = ttydisc_read(&g_tty, &uio, false);
    g_got[i] = user_bytes(i, 200 - uio.uio_resid);
    exit1(curthread(), 0);
}

} // namespace

TEST_CASE("copy sleeps: two readers of a terminal each get one whole line")
{
    SysWorld s;
    tty_init(&g_tty, ttytest::collect_output, &g_echo);
    const std::string first = std::string(80, 'x') + "\n"; // more than one 64-byte chunk
    const std::string second = "second\n";
    type(first + second);
    {
        CopiesSleep sleeps;
        const pid_t a = spawn(tty_reader, arg(0))->p_pid;
        const pid_t b = spawn(tty_reader, arg(1))->p_pid;
        wait_for(a);
        wait_for(b);
    }
    CHECK(g_err[0] == Errno::Ok);
    CHECK(g_err[1] == Errno::Ok);
    CHECK(g_got[0] == first); // the first reader's line, not 64 bytes of it and the next line
    CHECK(g_got[1] == second);
    CHECK(!g_tty.t_rlock.locked());
    tty_fini(&g_tty);
}

namespace {

constexpr int TTY_RECORDS = 3;

// Writer i's TTY_RECORDS writes of TTY_WRITE_ATOMIC bytes, each of one
// letter ('a'.. for writer 0, 'A'.. for writer 1), to g_tty.
void tty_writer(void* a)
{
    const int i = int(reinterpret_cast<intptr_t>(a));
    start_child(i);
    for (int k = 0; k < TTY_RECORDS && g_err[i] == Errno::Ok; k++) {
        uio uio = uio_user(UioRw::Write, ubuf_of(i) + TTY_WRITE_ATOMIC * k, TTY_WRITE_ATOMIC, curthread());
        g_err[i] = ttydisc_write(&g_tty, &uio);
        if (g_err[i] == Errno::Ok && uio.uio_resid != 0) g_err[i] = Errno::Io;
    }
    exit1(curthread(), 0);
}

} // namespace

TEST_CASE("copy sleeps: two writers' terminal writes of TTY_WRITE_ATOMIC bytes reach the screen whole")
{
    SysWorld s;
    g_echo.clear();
    tty_init(&g_tty, ttytest::collect_output, &g_echo);
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < TTY_RECORDS; k++)
            s.put(0x1000 * uint64_t(i) + TTY_WRITE_ATOMIC * uint64_t(k),
                  std::string(TTY_WRITE_ATOMIC, char((i ? 'A' : 'a') + k)));
    {
        CopiesSleep sleeps;
        const pid_t a = spawn(tty_writer, arg(0))->p_pid;
        const pid_t b = spawn(tty_writer, arg(1))->p_pid;
        wait_for(a);
        wait_for(b);
        CHECK(g_copy_sleeps >= 2 * TTY_RECORDS); // each writer slept inside its writes
    }
    CHECK(g_err[0] == Errno::Ok);
    CHECK(g_err[1] == Errno::Ok);
    REQUIRE(g_echo.size() == 2 * TTY_RECORDS * TTY_WRITE_ATOMIC);
    int next[2] = {0, 0};
    for (size_t at = 0; at < g_echo.size(); at += TTY_WRITE_ATOMIC) {
        const char c = g_echo[at];
        CHECK(g_echo.compare(at, TTY_WRITE_ATOMIC, std::string(TTY_WRITE_ATOMIC, c)) == 0);
        const int i = c >= 'a' ? 0 : 1;
        CHECK(c == char((i ? 'A' : 'a') + next[i]));
        next[i]++;
    }
    CHECK(next[0] == TTY_RECORDS);
    CHECK(next[1] == TTY_RECORDS);
    tty_fini(&g_tty);
}

namespace {

ksigset_t g_mask_after;

// Takes SIGUSR1 to HANDLER1: the frame's copyout sleeps.
void take_signal(void*)
{
    start_child(0);
    thread* td = curthread();
    td->td_frame->sp() = SysWorld::UBUF + SysWorld::UBUF_PAGES * PG - 64;
    psignal(td->td_proc, SIGUSR1);
    userret(td);
    g_mask_after = td->td_sigmask;
    g_got[0] = td->td_frame->sepc == HANDLER1 ? "handler1" : "elsewhere";
    exit1(td, 0);
}

// Meanwhile, in the shared sigacts: a new SA_RESETHAND action.
void change_action(void*)
{
    start_child(1);
    thread* td = curthread();
    const sigaction a = action(HANDLER2, SA_RESETHAND, SIGHUP);
    g_err[1] = wait_until_in_copy(g_td[0]) ? kern_sigaction(td, SIGUSR1, &a, nullptr).error() : Errno::Io;
    exit1(td, 0);
}

} // namespace

TEST_CASE("copy sleeps: an action installed (RFSIGSHARE) while a signal frame is copied out stays as installed")
{
    SysWorld s;
    const sigaction first = action(HANDLER1, 0, SIGUSR2);
    REQUIRE(kern_sigaction(&thread0, SIGUSR1, &first, nullptr).ok());
    {
        CopiesSleep sleeps;
        const int flags = RFPROC | RFFDG | RFSIGSHARE;
        const pid_t a = spawn(take_signal, nullptr, flags)->p_pid;
        const pid_t b = spawn(change_action, nullptr, flags)->p_pid;
        CHECK(WIFEXITED(wait_for(a)));
        wait_for(b);
    }
    CHECK(g_err[1] == Errno::Ok);
    CHECK(g_got[0] == "handler1");
    // The delivery blocked its own action's mask, not the new one's...
    CHECK(sigismember(g_mask_after, SIGUSR2));
    CHECK(sigismember(g_mask_after, SIGUSR1));
    CHECK(!sigismember(g_mask_after, SIGHUP));
    // ...and did not reset the new action, which was never delivered.
    CHECK(sig_handler(proc0.p_sigacts, SIGUSR1) == HANDLER2);
    const sigaction dfl = action(SIG_DFL, 0, SIGUSR2);
    CHECK(kern_sigaction(&thread0, SIGUSR1, &dfl, nullptr).ok());
}

namespace {

void tty_reader_nonblocking(void*)
{
    start_child(1);
    uio uio = uio_user(UioRw::Read, ubuf_of(1), 200, curthread());
    g_err[1] = ttydisc_read(&g_tty, &uio, true);
    exit1(curthread(), 0);
}

} // namespace

TEST_CASE("terminal: a non-blocking read does not wait for another reader's turn")
{
    SysWorld s;
    tty_init(&g_tty, ttytest::collect_output, &g_echo);
    proc* a = spawn(tty_reader, arg(0));
    const pid_t apid = a->p_pid;
    run_others();
    CHECK(a->p_thread->td_wmesg == std::string("ttyin")); // holds the turn, waiting for a line
    g_err[1] = Errno::Io;
    proc* b = spawn(tty_reader_nonblocking, nullptr);
    const pid_t bpid = b->p_pid;
    run_others();
    CHECK(g_err[1] == Errno::Again); // at once, not after the other reader's line
    type("line\n");
    wait_for(apid);
    wait_for(bpid);
    CHECK(g_err[0] == Errno::Ok);
    CHECK(g_got[0] == "line\n");
    tty_fini(&g_tty);
}
