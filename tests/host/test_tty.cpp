// The terminal: the canonical line discipline fed characters directly
// (echo, erase, kill, ^D, CR), reads of a line at a time, ^C's SIGINT to
// the foreground group of a real session, the job-control ioctls through
// the dispatcher with FreeBSD's errors, and the console terminal as a
// process's descriptors 0, 1 and 2 with the console's input routed to it.
#include "console_capture.h"
#include "swi_test_util.h"
#include "sys_test_util.h"
#include "tty_test_util.h"

#include <abi/fcntl.h>
#include <abi/signal.h>
#include <abi/ttycom.h>
#include <abi/unistd.h>
#include <kernel/console.h>
#include <kernel/fs/uio.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/pgrp.h>
#include <kernel/proc/sigset.h>
#include <kernel/sched/preempt.h>
#include <kernel/tty/tty.h>
#include <kernel/tty/tty_cons.h>

using namespace systest;

namespace {

using ttytest::TestTty;

} // namespace

TEST_CASE("tty: typed characters echo; a line is readable only once Enter ends it")
{
    ProcWorld w;
    TestTty t;
    t.type("ls -l");
    CHECK(t.out == "ls -l");
    CHECK(t.read(100) == "<EAGAIN>");
    t.type("\r"); // Enter sends CR: read as '\n' (ICRNL)
    CHECK(t.out == "ls -l\n");
    CHECK(t.read(100) == "ls -l\n");
    CHECK(t.read(100) == "<EAGAIN>");
}

TEST_CASE("tty: backspace erases on screen and in the line; ^U erases the line; neither crosses a finished line")
{
    ProcWorld w;
    TestTty t;
    t.type("ab\x7f"
           "c\b\bd\n");
    CHECK(t.out == "ab\b \bc\b \b\b \bd\n");
    CHECK(t.read(100) == "d\n");
    t.out.clear();
    t.type("one\ntwo\x15");
    CHECK(t.out == "one\ntwo\b \b\b \b\b \b");
    t.type("\x7f\x7f"); // nothing left to erase: the finished line stays
    CHECK(t.out == "one\ntwo\b \b\b \b\b \b");
    t.type("2\n");
    CHECK(t.read(100) == "one\n");
    CHECK(t.read(100) == "2\n");
}

TEST_CASE("tty: reads return one line at most, in pieces when the buffer is small")
{
    ProcWorld w;
    TestTty t;
    t.type("hello\nworld\n");
    CHECK(t.read(2) == "he");
    CHECK(t.read(100) == "llo\n");
    CHECK(t.read(100) == "world\n");
    CHECK(t.read(0) == "");
}

TEST_CASE("tty: ^D at a line's start reads as end of file; after text it ends the line without a newline")
{
    ProcWorld w;
    TestTty t;
    t.type("\x04");
    CHECK(t.read(100) == ""); // end of file
    CHECK(t.read(100) == "<EAGAIN>");
    t.type("abc\x04");
    CHECK(t.out == "abc"); // ^D is not echoed
    CHECK(t.read(100) == "abc");
    CHECK(t.read(100) == "<EAGAIN>"); // the mark was consumed with the line
}

TEST_CASE("tty: a full queue drops characters with a bell, and still takes the line's end")
{
    ProcWorld w;
    TestTty t;
    t.type(std::string(TTYINQ_SIZE + 5, 'k'));
    CHECK(t.out.size() == TTYINQ_SIZE + 5);
    CHECK(t.out.substr(TTYINQ_SIZE - 1) == std::string(6, '\a'));
    t.type("\n");
    const std::string line = t.read(2 * TTYINQ_SIZE);
    CHECK(line == std::string(TTYINQ_SIZE - 1, 'k') + "\n");
}

namespace {

TestTty* g_tty;
std::string g_read;
bool g_sigint;

// Starts a session, takes the terminal as its controlling terminal, and
// reads from it (blocking, as a shell waits for a command).  Its locals
// are gone before exit1, which never returns to free them.
void read_in_session(thread* td)
{
    proc* p = td->td_proc;
    session* s = proc_zones().pgrps.session_alloc().value();
    REQUIRE(proc_zones().pgrps.enterpgrp(p, p->p_pid, nullptr, s).ok());
    REQUIRE(tty_set_ctty(&g_tty->tp, p) == Errno::Ok);
    std::string buf(64, '\0');
    uio u = uio_kernel(UioRw::Read, buf.data(), buf.size(), td);
    const Errno e = ttydisc_read(&g_tty->tp, &u, false);
    g_read = e == Errno::Ok ? buf.substr(0, buf.size() - u.uio_resid) : errno_name(e);
    g_sigint = sigismember(p->p_siglist, SIGINT);
}

void session_reader(void*)
{
    read_in_session(curthread());
    exit1(curthread(), 0);
}

} // namespace

TEST_CASE("tty: ^C throws the line away and sends SIGINT to the foreground group, ending its read")
{
    ProcWorld w;
    SwiThread swi;
    TestTty t;
    g_tty = &t;
    proc* child = spawn(session_reader);
    const pid_t pid = child->p_pid;
    run_others();
    CHECK(child->p_thread->td_wmesg == std::string("ttyin"));
    CHECK(t.tp.t_pgrp == child->p_pgrp);
    CHECK(t.tp.t_session == proc_session(child));
    t.type("rm -rf\x03");
    CHECK(t.out == "rm -rf^C\n");
    // Not from the interrupt handler: the group's members are the swi
    // thread's to signal, once this thread gives up the CPU.
    CHECK_FALSE(sigismember(child->p_siglist, SIGINT));
    CHECK(t.tp.t_sigpending == 1u << (SIGINT - 1));
    wait_for(pid);
    CHECK(t.tp.t_sigpending == 0);
    CHECK(g_read == "EINTR");
    CHECK(g_sigint);
    // Its group and session are gone: the terminal forgot both.
    CHECK(t.tp.t_pgrp == nullptr);
    CHECK(t.tp.t_session == nullptr);
    t.type("\n");
    CHECK(t.read(100) == "\n"); // "rm -rf" was thrown away
}

TEST_CASE("console tty: cons_open_stdio gives descriptors 0, 1 and 2; input goes to it while open, to the monitor after")
{
    SysWorld s;
    credtest::ConsoleCapture cap;
    REQUIRE(cons_open_stdio(&proc0) == Errno::Ok);
    filedesc* fdp = proc0.p_fd;
    CHECK(fdp->fd_lastfile == 2);
    CHECK(fdp->fd_ofiles[0] == fdp->fd_ofiles[1]);
    CHECK(fdp->fd_ofiles[1] == fdp->fd_ofiles[2]);
    CHECK(fdp->fd_ofiles[0]->f_count == 3);
    CHECK(cons_open_stdio(&proc0) == Errno::Busy);
    s.put(0, "hi\n");
    const Ret w = s.call(SYS_write, {1, SysWorld::UBUF, 3});
    CHECK((w.ok() && w.a0 == 3));
    CHECK(cap.out == "hi\n");
    {
        IntrOff off;
        console_rx('x');
        console_rx('\r');
    }
    CHECK(cons_getc() == -1); // not the monitor's
    const Ret r = s.call(SYS_read, {0, SysWorld::UBUF + 0x100, 10});
    CHECK((r.ok() && r.a0 == 2));
    CHECK(s.get(0x100, 2) == "x\n");
    CHECK(cap.out == "hi\nx\n"); // the echo
    CHECK(s.call(SYS_lseek, {0, 0, u(L_SET)}).error == Errno::SPipe);
    for (uint64_t fd : {0, 1, 2}) CHECK(s.call(SYS_close, {fd}).ok());
    {
        IntrOff off;
        console_rx('y');
    }
    CHECK(cons_getc() == 'y'); // back to the monitor
    CHECK(cons_tty()->t_opencount == 0);
}

namespace {

struct IoctlResults {
    Errno sctty_not_leader, gpgrp_not_ctty, sctty, sctty_again, spgrp_other, spgrp_own;
    Errno gpgrp_fault, spgrp_fault, badf, unknown;
    int pgid_got;
    pid_t pid;
};
IoctlResults g_io;

Errno ioctl_as(thread* td, uint64_t fd, uint32_t com, uint64_t arg)
{
    return SysWorld::call_as(td, SYS_ioctl, {fd, com, arg}).error;
}

// The ioctls from a child of proc0, on its copy of proc0's descriptor 0
// (the console) and its copy of proc0's user pages.
void ioctl_checks(thread* td)
{
    proc* p = td->td_proc;
    vmspace_activate(p->p_vmspace);
    const uint64_t arg = SysWorld::UBUF;
    g_io.pid = p->p_pid;
    g_io.sctty_not_leader = ioctl_as(td, 0, TIOCSCTTY, 0);
    g_io.gpgrp_not_ctty = ioctl_as(td, 0, TIOCGPGRP, arg);
    session* s = proc_zones().pgrps.session_alloc().value();
    REQUIRE(proc_zones().pgrps.enterpgrp(p, p->p_pid, nullptr, s).ok()); // setsid
    g_io.sctty = ioctl_as(td, 0, TIOCSCTTY, 0);
    g_io.sctty_again = ioctl_as(td, 0, TIOCSCTTY, 0);
    (void)ioctl_as(td, 0, TIOCGPGRP, arg);
    int got = -1;
    (void)copyin(arg, &got, sizeof got);
    g_io.pgid_got = got;
    const int other = 99999;
    (void)copyout(&other, arg, sizeof other);
    g_io.spgrp_other = ioctl_as(td, 0, TIOCSPGRP, arg);
    (void)copyout(&g_io.pid, arg, sizeof g_io.pid);
    g_io.spgrp_own = ioctl_as(td, 0, TIOCSPGRP, arg);
    g_io.gpgrp_fault = ioctl_as(td, 0, TIOCGPGRP, BAD_ADDR);
    g_io.spgrp_fault = ioctl_as(td, 0, TIOCSPGRP, BAD_ADDR);
    g_io.badf = ioctl_as(td, 9, TIOCGPGRP, arg);
    g_io.unknown = ioctl_as(td, 0, _IOC(IOC_VOID, 't', 1, 0), 0);
}

void ioctl_child(void*)
{
    ioctl_checks(curthread());
    exit1(curthread(), 0);
}

} // namespace

namespace {

void ioctl_case()
{
    SysWorld s;
    REQUIRE(cons_open_stdio(&proc0) == Errno::Ok);
    wait_for(spawn(ioctl_child)->p_pid);
    vmspace_activate(proc0.p_vmspace);
    CHECK(g_io.sctty_not_leader == Errno::Perm);
    CHECK(g_io.gpgrp_not_ctty == Errno::NoTty);
    CHECK(g_io.sctty == Errno::Ok);
    CHECK(g_io.sctty_again == Errno::Ok);
    CHECK(g_io.pgid_got == g_io.pid);
    CHECK(g_io.spgrp_other == Errno::Perm);
    CHECK(g_io.spgrp_own == Errno::Ok);
    CHECK(g_io.gpgrp_fault == Errno::Fault);
    CHECK(g_io.spgrp_fault == Errno::Fault);
    CHECK(g_io.badf == Errno::BadF);
    CHECK(g_io.unknown == Errno::NoTty);
    CHECK(cons_tty()->t_session == nullptr); // the child's session went with it
    // proc0 leads its session: the console becomes its terminal.
    CHECK(cons_set_ctty(&proc0) == Errno::Ok);
    CHECK(cons_tty()->t_session == proc_session(&proc0));
    CHECK((proc0.p_flag & pflag::P_CONTROLT) != 0);
    s.put(0, std::string(4, '\xff'));
    CHECK(s.call(SYS_ioctl, {0, TIOCGPGRP, SysWorld::UBUF}).ok());
    int pg = -1;
    REQUIRE(copyin(SysWorld::UBUF, &pg, sizeof pg) == Errno::Ok);
    CHECK(pg == proc0.p_pgrp->pg_id);
}

} // namespace

TEST_CASE("ioctl: TIOCSCTTY, TIOCGPGRP and TIOCSPGRP with FreeBSD's EPERM, ENOTTY, EFAULT and EBADF")
{
    ioctl_case();
    // proc0's session went with the world: the console is nobody's.
    CHECK(cons_tty()->t_session == nullptr);
    CHECK(cons_tty()->t_pgrp == nullptr);
    CHECK(cons_tty()->t_opencount == 0);
}

TEST_CASE("tty: ^Z and ^\\ throw the line away and mark SIGTSTP and SIGQUIT for the foreground group")
{
    ProcWorld w;
    SwiThread swi;
    TestTty t;
    g_tty = &t;
    proc* child = spawn(session_reader);
    const pid_t pid = child->p_pid;
    run_others();
    REQUIRE(t.tp.t_pgrp == child->p_pgrp);
    t.type("sleep 5\x1a");
    CHECK(t.out == "sleep 5^Z\n");
    CHECK(t.tp.t_sigpending == 1u << (SIGTSTP - 1));
    t.type("x\x1c");
    CHECK(t.out == "sleep 5^Z\nx^\\\n");
    CHECK(t.tp.t_sigpending == ((1u << (SIGTSTP - 1)) | (1u << (SIGQUIT - 1))));
    // SIGQUIT's default ends the reader (its stop by SIGTSTP would wait
    // in userret, which this kernel-side reader never reaches).
    wait_for(pid);
    CHECK(t.tp.t_sigpending == 0);
    t.type("\n");
    CHECK(t.read(100) == "\n"); // both lines were thrown away
}

namespace {

Errno g_bg_read, g_bg_read_blocked;
bool g_bg_sigttin;

// In the session of its parent, but in a group of its own: the
// background.  Reads once as it is, once with SIGTTIN blocked.  Its
// locals are gone before exit1, which never returns to free them.
void read_in_background(thread* td)
{
    proc* p = td->td_proc;
    pgrp* pg = proc_zones().pgrps.pgrp_alloc().value();
    REQUIRE(proc_zones().pgrps.enterpgrp(p, p->p_pid, pg, nullptr).ok());
    std::string buf(16, '\0');
    uio u = uio_kernel(UioRw::Read, buf.data(), buf.size(), td);
    g_bg_read = ttydisc_read(&g_tty->tp, &u, true); // non-blocking: a failed check cannot hang the test
    g_bg_sigttin = sigismember(p->p_siglist, SIGTTIN);
    {
        IntrOff off;
        sigdelset(p->p_siglist, SIGTTIN);
        sigaddset(td->td_sigmask, SIGTTIN);
    }
    uio u2 = uio_kernel(UioRw::Read, buf.data(), buf.size(), td);
    g_bg_read_blocked = ttydisc_read(&g_tty->tp, &u2, true);
}

void background_reader(void*)
{
    read_in_background(curthread());
    exit1(curthread(), 0);
}

// A session leader in the terminal's foreground, with a background child.
void session_with_background(void*)
{
    thread* td = curthread();
    proc* p = td->td_proc;
    session* s = proc_zones().pgrps.session_alloc().value();
    REQUIRE(proc_zones().pgrps.enterpgrp(p, p->p_pid, nullptr, s).ok());
    REQUIRE(tty_set_ctty(&g_tty->tp, p) == Errno::Ok);
    proc* child = spawn_from(td, background_reader);
    REQUIRE(child);
    int st = 0;
    REQUIRE(kern_wait(td, child->p_pid, &st, 0).ok());
    exit1(td, 0);
}

} // namespace

TEST_CASE("tty: a background read of the controlling terminal sends SIGTTIN to the reader's group and restarts; EIO with SIGTTIN blocked")
{
    ProcWorld w;
    TestTty t;
    g_tty = &t;
    t.type("typed\n");
    g_bg_read = g_bg_read_blocked = Errno::Ok;
    g_bg_sigttin = false;
    wait_for(spawn(session_with_background)->p_pid);
    CHECK(g_bg_read == Errno::Restart);
    CHECK(g_bg_sigttin);
    CHECK(g_bg_read_blocked == Errno::Io);
    CHECK(t.read(100) == "typed\n"); // the background reads took nothing
}
