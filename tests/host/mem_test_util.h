// Helpers shared by the page allocator, zone and kmalloc tests: a fresh
// arena with a page allocator over it, a deterministic PRNG, and a check
// that an operation panics (run in a forked child).
#pragma once

#include <doctest/doctest.h>

#include <arch/host_arena.h>
#include <kernel/machdep.h>
#include <arch/pte.h>
#include <mm/page_alloc.h>

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace memtest {

constexpr uint64_t PG = arch::PAGE_SIZE;
constexpr uint64_t KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;

inline PhysRange R(uint64_t base, uint64_t size) { return {PhysAddr(base), size}; }

// A HostArena and a page allocator over the RAM ranges given (the whole
// arena by default).  At the end of the test no page may be left in use.
struct MemEnv {
    HostArena arena;
    PageAllocator pages;

    MemEnv(uint64_t base, uint64_t size) : arena(PhysAddr(base), size)
    {
        const PhysRange all = arena.range();
        REQUIRE(pages.init(&all, 1, nullptr, 0).ok());
    }
    MemEnv(uint64_t base, uint64_t size, const std::vector<PhysRange>& ram,
           const std::vector<PhysRange>& exclude)
        : arena(PhysAddr(base), size)
    {
        REQUIRE(pages.init(ram.data(), ram.size(), exclude.data(), exclude.size()).ok());
    }
    ~MemEnv() { CHECK(pages.pages_in_use() == 0); }

    unsigned char* bytes(PhysAddr pa) { return static_cast<unsigned char*>(arena.host_ptr(pa)); }
};

// splitmix64: the same sequence on every run.
class Prng {
public:
    explicit Prng(uint64_t seed) : s_(seed) {}
    uint64_t next()
    {
        uint64_t z = (s_ += 0x9e3779b97f4a7c15);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
        z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
        return z ^ (z >> 31);
    }
    uint64_t below(uint64_t n) { return next() % n; }

private:
    uint64_t s_;
};

// Runs fn in a forked child; true when the child died in panic() with a
// message containing `expect`.  The child's console output is captured, so
// an ASan report or a clean exit does not count.
template <typename F>
bool panics(F fn, const char* expect)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    fflush(stdout);
    fflush(stderr);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        // doctest's crash handler must not report the expected abort.
        signal(SIGABRT, SIG_DFL);
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        dup2(fds[1], STDOUT_FILENO);
        fn();
        _exit(0);
    }
    close(fds[1]);
    std::string out;
    char buf[512];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, size_t(n));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    const bool died = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
    const bool said = out.find("SPRIG PANIC") != std::string::npos &&
                      out.find(expect) != std::string::npos;
    if (!died || !said) MESSAGE("child status ", status, ", output: ", out);
    return died && said;
}

} // namespace memtest
