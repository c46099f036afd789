// Page-fault and context-switch costs; see faults.h.
#include "faults.h"

#include "procs.h"

#include <sys/mman.h>
#include <unistd.h>

namespace bench {

namespace {

constexpr size_t PAGE = 4096;

Cost& operator+=(Cost& a, Cost b)
{
    a.instret += b.instret;
    a.ns += b.ns;
    return a;
}

// Exactly n bytes, or false.
bool read_all(int fd, void* buf, size_t n)
{
    return read(fd, buf, n) == static_cast<ssize_t>(n);
}

} // namespace

Cost zero_fill(size_t pages, unsigned rounds)
{
    Cost total;
    for (unsigned r = 0; r < rounds; r++) {
        void* m = mmap(nullptr, pages * PAGE, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE,
                       -1, 0);
        if (m == MAP_FAILED) {
            failed("zero-fill: mmap");
            return {};
        }
        volatile char* p = static_cast<char*>(m);
        const Sample start = sample();
        for (size_t i = 0; i < pages; i++) p[i * PAGE] = 1;
        total += sample() - start;
        if (munmap(m, pages * PAGE) < 0) failed("zero-fill: munmap");
    }
    return total;
}

Cost cow_copy(char* region, size_t pages, unsigned rounds)
{
    Cost total;
    for (unsigned r = 0; r < rounds; r++) {
        int fds[2];
        if (pipe(fds) < 0) {
            failed("cow: pipe");
            return {};
        }
        const pid_t pid = fork();
        if (pid == 0) {
            volatile char* p = region;
            const Sample start = sample();
            for (size_t i = 0; i < pages; i++) p[i * PAGE] = 3;
            const Cost c = sample() - start;
            _exit(write(fds[1], &c, sizeof(c)) == sizeof(c) ? 0 : 1);
        }
        close(fds[1]);
        Cost c;
        const bool got = pid > 0 && read_all(fds[0], &c, sizeof(c));
        close(fds[0]);
        if (!reap(pid) || !got) {
            failed("cow: the child");
            return {};
        }
        total += c;
    }
    return total;
}

namespace {

// The child's side: echo each byte until the parent closes its end.
[[noreturn]] void echo(int in, int out)
{
    char b;
    while (read(in, &b, 1) == 1)
        if (write(out, &b, 1) != 1) _exit(1);
    _exit(0);
}

} // namespace

Cost pipe_pingpong(unsigned trips)
{
    int to_child[2], to_parent[2];
    if (pipe(to_child) < 0 || pipe(to_parent) < 0) {
        failed("ping-pong: pipe");
        return {};
    }
    const pid_t pid = fork();
    if (pid == 0) {
        close(to_child[1]);
        close(to_parent[0]);
        echo(to_child[0], to_parent[1]);
    }
    close(to_child[0]);
    close(to_parent[1]);
    bool ok = pid > 0;
    const Sample start = sample();
    for (unsigned i = 0; ok && i < trips; i++) {
        char b = static_cast<char>(i);
        ok = write(to_child[1], &b, 1) == 1 && read_all(to_parent[0], &b, 1) &&
             b == static_cast<char>(i);
    }
    const Cost c = sample() - start;
    close(to_child[1]); // the child sees end-of-file and exits
    close(to_parent[0]);
    if (!reap(pid) || !ok) {
        failed("ping-pong");
        return {};
    }
    return c;
}

} // namespace bench
