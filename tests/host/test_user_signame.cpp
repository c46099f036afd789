// The user runtime's signal names (user/lib/signame.cpp), used by kill
// and sh: names with or without "SIG" in any case, numbers, and nothing
// else; expected numbers come from abi/signal.h.
#include <doctest/doctest.h>

#include <abi/signal.h>
#include <user/lib/signame.h>

#include <cstring>

TEST_CASE("user signame: names, SIG-prefixed names, lower case and numbers")
{
    CHECK(sig_from_name("INT") == SIGINT);
    CHECK(sig_from_name("SIGINT") == SIGINT);
    CHECK(sig_from_name("sigint") == SIGINT);
    CHECK(sig_from_name("kill") == SIGKILL);
    CHECK(sig_from_name("IO") == SIGIO);
    CHECK(sig_from_name("USR1") == SIGUSR1);
    CHECK(sig_from_name("CHLD") == SIGCHLD);
    CHECK(sig_from_name("9") == SIGKILL);
    CHECK(sig_from_name("0") == 0); // kill -0: a permission probe
    CHECK(sig_from_name("128") == _SIG_MAXSIG);
}

TEST_CASE("user signame: anything else is -1")
{
    CHECK(sig_from_name("") == -1);
    CHECK(sig_from_name("SIG") == -1);
    CHECK(sig_from_name("FOO") == -1);
    CHECK(sig_from_name("SIGFOO") == -1);
    CHECK(sig_from_name("129") == -1);
    CHECK(sig_from_name("99999999999") == -1);
    CHECK(sig_from_name("9x") == -1);
    CHECK(sig_from_name("INTX") == -1);
}

TEST_CASE("user signame: FreeBSD's table, every name back to its number")
{
    CHECK(std::strcmp(sys_signame[SIGHUP], "HUP") == 0);
    CHECK(std::strcmp(sys_signame[SIGCHLD], "CHLD") == 0);
    CHECK(std::strcmp(sys_signame[SIGINFO], "INFO") == 0);
    CHECK(std::strcmp(sys_signame[SIGUSR2], "USR2") == 0);
    for (int sig = 1; sig < NSIG; sig++) {
        CAPTURE(sig);
        CHECK(sig_from_name(sys_signame[sig]) == sig);
    }
}
