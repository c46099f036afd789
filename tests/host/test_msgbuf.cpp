// The kernel message buffer (kernel/msgbuf.cpp): what kprintf and
// cons_puts print is kept, the terminal's output is not; the ring keeps
// the latest MSGBUF_SIZE bytes and shows whole lines once it wrapped;
// kern.msgbuf and the uname strings through __sysctl(2), read-only.
#include "console_capture.h"
#include "syscall_test_util.h"

#include <abi/sysctl.h>
#include <kernel/console.h>
#include <kernel/msgbuf.h>

#include <string>
#include <vector>

using namespace proctest;

namespace {

constexpr uint64_t NAME = UBUF;
constexpr uint64_t OLDLEN = UBUF + 0x80;
constexpr uint64_t NEWP = UBUF + 0x100;
constexpr uint64_t OLD = UBUF + 0x200;
constexpr size_t OLD_SIZE = UBUF_PAGES * PG - 0x200;

UResult sysctl(const std::vector<int>& name, uint64_t oldp, size_t oldlen, uint64_t newp = 0, size_t newlen = 0)
{
    for (size_t i = 0; i < name.size(); i++) uwrite<int>(NAME + 4 * i, name[i]);
    uwrite<size_t>(OLDLEN, oldlen);
    return ucall(SYS___sysctl, {NAME, name.size(), oldp, OLDLEN, newp, newlen});
}

// A node's whole value as a string (its NUL included), or "<errno>".
std::string read_node(const std::vector<int>& name)
{
    const UResult r = sysctl(name, OLD, OLD_SIZE);
    if (!r.ok()) return "<" + std::to_string(int(r.err)) + ">";
    const size_t n = uread<size_t>(OLDLEN);
    std::string s(n, '\0');
    for (size_t i = 0; i < n; i++) s[i] = uread<char>(OLD + i);
    return s;
}

std::string held(const MsgBuf& m)
{
    std::string s;
    for (size_t i = m.first_shown(); i < m.size(); i++) s += m.at(i);
    return s;
}

} // namespace

TEST_CASE("msgbuf: the ring keeps the latest bytes; once wrapped it shows from the first whole line")
{
    static MsgBuf m; // 16 KiB: not on the test's stack
    m.clear();
    for (char c : std::string("one\ntwo\n")) m.addchar(c);
    CHECK(m.size() == 8);
    CHECK(held(m) == "one\ntwo\n");
    std::string line(99, 'x');
    line += '\n';
    for (size_t i = 0; i < MSGBUF_SIZE / line.size() + 2; i++)
        for (char c : line) m.addchar(c);
    for (char c : std::string("last\n")) m.addchar(c);
    CHECK(m.size() == MSGBUF_SIZE);
    const std::string h = held(m);
    CHECK(h.substr(0, line.size()) == line); // starts with a whole line
    CHECK(h.size() % line.size() == 5);
    CHECK(h.substr(h.size() - 5) == "last\n");
    CHECK(h.find("one") == std::string::npos);
}

TEST_CASE("msgbuf: kprintf and cons_puts go into it, a terminal's output (cons_putc) does not")
{
    credtest::ConsoleCapture cap;
    MsgBuf& m = msgbufp();
    const uint64_t before = m.seq();
    kprintf("msgbuf test %d\n", 42);
    cons_puts("puts line\n");
    cons_putc('T');
    CHECK(cap.out == "msgbuf test 42\nputs line\nT");
    std::string added;
    for (uint64_t s = before; s < m.seq(); s++) added += m.at_seq(s);
    CHECK(added == "msgbuf test 42\nputs line\n");
}

TEST_CASE("kern.msgbuf through __sysctl: the buffer's text; ENOMEM with the length for a short buffer; EPERM for a write")
{
    SysWorld s;
    credtest::ConsoleCapture cap;
    kprintf("a line for dmesg\n");
    const std::string text = read_node({CTL_KERN, 0x102});
    REQUIRE(text.size() >= 17);
    CHECK(text.substr(text.size() - 17) == "a line for dmesg\n");
    CHECK(text.size() == msgbufp().size() - msgbufp().first_shown());
    CHECK(sysctl({CTL_KERN, 0x102}, OLD, 4).err == Errno::NoMem);
    CHECK(uread<size_t>(OLDLEN) == text.size());
    uwrite<int>(NEWP, 1);
    CHECK(sysctl({CTL_KERN, 0x102}, 0, 0, NEWP, 4).err == Errno::Perm);
    CHECK(sysctl({CTL_KERN, 0x102, 1}, OLD, OLD_SIZE).err == Errno::NotDir);
    CHECK(sysctl({CTL_KERN, 0x102}, BAD, 64).err == Errno::Fault);
}

TEST_CASE("kern.ostype, kern.osrelease, kern.version and hw.machine: NUL-terminated strings, read-only")
{
    SysWorld s;
    CHECK(read_node({CTL_KERN, KERN_OSTYPE}) == std::string("Sprig", 6));
    CHECK(read_node({CTL_HW, HW_MACHINE}) == std::string("riscv", 6));
    const std::string rel = read_node({CTL_KERN, KERN_OSRELEASE});
    REQUIRE(rel.size() > 1);
    CHECK(rel.back() == '\0');
    const std::string ver = read_node({CTL_KERN, KERN_VERSION});
    CHECK(ver == "Sprig " + rel.substr(0, rel.size() - 1) + " (RISC-V, Sv39)" + std::string(1, '\0'));
    uwrite<int>(NEWP, 1);
    CHECK(sysctl({CTL_KERN, KERN_OSTYPE}, 0, 0, NEWP, 4).err == Errno::Perm);
    CHECK(sysctl({CTL_HW, HW_MACHINE, 3}, OLD, OLD_SIZE).err == Errno::NotDir);
}
