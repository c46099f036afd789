// Choosing the first program, and the status its exit reports.
#include <doctest/doctest.h>

#include "cpio_test_util.h"

#include <abi/signal.h>
#include <abi/wait.h>
#include <kernel/cmdline.h>
#include <kernel/fs/initrd.h>
#include <kernel/proc/init_exec.h>

#include <string>

namespace {

// Parses line into a fresh command line.
struct Args {
    explicit Args(const char* line) { REQUIRE(c.parse(line).ok()); }
    CmdLine c;
};

// An initrd for the duration of a test.
struct Initrd {
    explicit Initrd(const std::string& bytes) : data(bytes) { initrd_set(data.data(), data.size()); }
    ~Initrd() { initrd_set(nullptr, 0); }
    std::string data;
};

} // namespace

TEST_CASE("init_choose: /bin/init when the initrd has it, the monitor otherwise")
{
    Args none("");
    CHECK(init_choose(none.c).path == nullptr);
    CHECK(std::string(init_choose(none.c).reason) == "no initrd");
    {
        Initrd rd(cpiotest::archive({cpiotest::member("bin/sh", "x")}));
        CHECK(init_choose(none.c).path == nullptr);
        CHECK(std::string(init_choose(none.c).reason) == "no /bin/init in the initrd");
    }
    Initrd rd(cpiotest::archive({cpiotest::member("bin/init", "x")}));
    CHECK(std::string(init_choose(none.c).path) == "/bin/init");
    CHECK(init_choose(none.c).reason == nullptr);
}

TEST_CASE("init_choose: init=PATH is run even when missing; monitor wins over both")
{
    Initrd rd(cpiotest::archive({cpiotest::member("bin/init", "x")}));
    Args named("init=/bin/suite");
    CHECK(std::string(init_choose(named.c).path) == "/bin/suite");
    Args mon("init=/bin/suite monitor");
    CHECK(init_choose(mon.c).path == nullptr);
    CHECK(std::string(init_choose(mon.c).reason) == "the boot argument monitor");
}

TEST_CASE("init_exit_code: the exit code, or 128 plus the killing signal")
{
    CHECK(init_exit_code(W_EXITCODE(0, 0)) == 0);
    CHECK(init_exit_code(W_EXITCODE(41, 0)) == 41);
    CHECK(init_exit_code(W_EXITCODE(255, 0)) == 255);
    CHECK(init_exit_code(W_EXITCODE(0, SIGKILL)) == 137);
    CHECK(init_exit_code(W_EXITCODE(0, SIGSEGV)) == 139);
}
