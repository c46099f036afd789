// The terminal's attributes: TIOCGETA/TIOCSETA through the dispatcher,
// and the line discipline with ICANON, ECHO, ISIG and ICRNL off, VMIN
// and VTIME's rules for a non-canonical read, and the defaults back at
// the last close.
#include "console_capture.h"
#include "sys_test_util.h"
#include "tty_test_util.h"

#include <abi/termios.h>
#include <kernel/clock.h>
#include <kernel/console.h>
#include <kernel/fs/uio.h>
#include <kernel/tty/tty.h>
#include <kernel/tty/tty_cons.h>

using namespace systest;

namespace {

struct RawTty : ttytest::TestTty {
    void set(tcflag_t lflag_off, cc_t vmin = 1, cc_t vtime = 0, bool flush = false)
    {
        termios t = termios_defaults();
        t.c_lflag &= ~lflag_off;
        t.c_cc[VMIN] = vmin;
        t.c_cc[VTIME] = vtime;
        ttydisc_setattr(&tp, t, flush);
    }
};

} // namespace

TEST_CASE("termios: with ICANON and ECHO off every byte is readable at once, unedited and unechoed")
{
    ProcWorld w;
    RawTty t;
    t.set(ICANON | ECHO);
    t.type("a\x7f\x15\x1b[A");
    CHECK(t.out.empty());
    CHECK(t.read(2) == "a\x7f");
    CHECK(t.read(100) == "\x15\x1b[A");
    CHECK(t.read(100) == "<EAGAIN>");
    t.type("\r"); // ICRNL still on
    CHECK(t.read(100) == "\n");
}

TEST_CASE("termios: ECHO on in non-canonical mode echoes; ICRNL off keeps the CR")
{
    ProcWorld w;
    RawTty t;
    termios a = termios_defaults();
    a.c_lflag &= ~ICANON;
    a.c_iflag &= ~ICRNL;
    ttydisc_setattr(&t.tp, a, false);
    t.type("x\r");
    CHECK(t.out == "x\r");
    CHECK(t.read(100) == "x\r");
}

TEST_CASE("termios: with ISIG off ^C, ^Z and ^\\ are bytes; with it on they still flush and echo")
{
    ProcWorld w;
    RawTty t;
    t.set(ICANON | ECHO | ISIG);
    t.type("q\x03\x1a\x1c");
    CHECK(t.read(100) == "q\x03\x1a\x1c");
    CHECK(t.tp.t_sigpending == 0);
    t.set(ICANON | ECHO); // ISIG back on: ^C throws away what is queued
    t.type("zz\x03");
    CHECK(t.read(100) == "<EAGAIN>");
    CHECK(t.out.empty()); // ^C's echo obeys ECHO
}

TEST_CASE("termios: leaving canonical mode releases the line being edited; TIOCSETAF's flush drops it")
{
    ProcWorld w;
    RawTty t;
    t.type("done\npart");
    t.set(ICANON | ECHO);
    CHECK(t.read(100) == "done\npart");
    t.type("junk");
    t.set(ICANON | ECHO, 1, 0, true);
    CHECK(t.read(100) == "<EAGAIN>");
    t.set(0); // canonical again: lines as before
    t.type("ab\x7f\n");
    CHECK(t.read(100) == "a\n");
}

TEST_CASE("termios: VMIN 0 VTIME 0 returns at once, empty or not; VMIN n returns once n bytes are queued")
{
    ProcWorld w;
    RawTty t;
    t.set(ICANON | ECHO, 0, 0);
    CHECK(t.read(10, false) == ""); // a blocking read that does not block
    t.type("k");
    CHECK(t.read(10, false) == "k");
    t.set(ICANON | ECHO, 3, 0);
    t.type("123");
    CHECK(t.read(10, false) == "123"); // VMIN bytes there: no wait
    t.type("45");
    CHECK(t.read(2, false) == "45"); // VMIN above the read's size: the size is enough
}

TEST_CASE("termios: TIOCGETA gives the defaults, TIOCSETA sets, EFAULT for a bad pointer; the last close restores the defaults")
{
    SysWorld s;
    credtest::ConsoleCapture cap;
    REQUIRE(cons_open_stdio(&proc0) == Errno::Ok);
    s.put(0, std::string(sizeof(termios), '\xff'));
    REQUIRE(s.call(SYS_ioctl, {0, TIOCGETA, SysWorld::UBUF}).ok());
    termios got{};
    REQUIRE(copyin(SysWorld::UBUF, &got, sizeof got) == Errno::Ok);
    CHECK(got.c_lflag == (ECHOKE | ECHOE | ECHOK | ECHO | ECHOCTL | ISIG | ICANON | IEXTEN));
    CHECK(got.c_cc[VMIN] == 1);
    CHECK(got.c_cc[VINTR] == 0x03);
    got.c_lflag &= ~(ICANON | ECHO);
    REQUIRE(copyout(&got, SysWorld::UBUF, sizeof got) == Errno::Ok);
    CHECK(s.call(SYS_ioctl, {0, TIOCSETA, SysWorld::UBUF}).ok());
    CHECK((cons_tty()->t_termios.c_lflag & (ICANON | ECHO)) == 0);
    CHECK(s.call(SYS_ioctl, {0, TIOCSETA, BAD_ADDR}).error == Errno::Fault);
    CHECK(s.call(SYS_ioctl, {0, TIOCGETA, BAD_ADDR}).error == Errno::Fault);
    CHECK((cons_tty()->t_termios.c_lflag & ICANON) == 0); // the bad call changed nothing
    {
        IntrOff off;
        console_rx('z');
    }
    CHECK(cap.out.empty()); // ECHO off
    const Ret r = s.call(SYS_read, {0, SysWorld::UBUF + 0x100, 10});
    CHECK((r.ok() && r.a0 == 1));
    for (uint64_t fd : {0, 1, 2}) CHECK(s.call(SYS_close, {fd}).ok());
    CHECK(cons_tty()->t_termios.c_lflag == termios_defaults().c_lflag);
}

TEST_CASE("termios: VTIME bounds a non-canonical read's wait: VMIN 0 gets nothing after it, VMIN 2 what came")
{
    ProcWorld w; // its idle thread makes the clock tick while the reader sleeps
    RawTty t;
    t.set(ICANON | ECHO, 0, 1); // at most a tenth of a second
    uint64_t start = ticks();
    CHECK(t.read(10, false) == "");
    CHECK(ticks() - start >= HZ / 10);
    t.set(ICANON | ECHO, 2, 1);
    t.type("x"); // one byte of the two wanted
    start = ticks();
    CHECK(t.read(10, false) == "x");
    CHECK(ticks() - start >= HZ / 10);
}
