// fork(2) in the guest: return values, pid uniqueness, copy-on-write
// isolation both ways, descriptor offsets shared across fork, wait4's
// statuses and forms, zombies, orphans reparented to init, and the fork
// counters.
#include "check.h"
#include "helpers.h"
#include "raw_syscall.h"

#include <abi/ktrace.h>
#include <abi/syscall.h>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace suite;

namespace {

constexpr const char* SELF = "/bin/forktest";
constexpr size_t PAGE = 4096;
constexpr size_t COW_PAGES = 64;

void fork_return_values()
{
    Pipe p;
    const pid_t parent = getpid();
    const pid_t pid = spawn([&] {
        CHECK_EQ(getppid(), parent);
        CHECK(getpid() != parent);
        write_num(p.w, getpid());
        return 0;
    });
    CHECK(pid > 0);
    CHECK(pid != parent);
    CHECK_EQ(read_num(p.r), pid); // the child's getpid() is what fork gave the parent
    check_child_ok(pid);
}

int compare_pids(const void* a, const void* b)
{
    const pid_t x = *static_cast<const pid_t*>(a), y = *static_cast<const pid_t*>(b);
    return x < y ? -1 : x > y;
}

void fork_pids_unique()
{
    constexpr int FORKS = 2000;
    static pid_t pids[FORKS];
    for (int i = 0; i < FORKS; i++) {
        pids[i] = spawn([] { return 0; });
        check_child_ok(pids[i]);
        CHECK(pids[i] != getpid());
    }
    qsort(pids, FORKS, sizeof pids[0], compare_pids);
    for (int i = 1; i < FORKS; i++)
        if (pids[i] == pids[i - 1]) fail("pid %d given twice in %d forks", pids[i], FORKS);
}

void fill(volatile char* buf, size_t pages, char base)
{
    for (size_t i = 0; i < pages; i++)
        for (size_t off = 0; off < PAGE; off += 512) buf[i * PAGE + off] = static_cast<char>(base + i);
}

// The page whose bytes are not base + its index, or -1.
long first_wrong(const volatile char* buf, size_t pages, char base)
{
    for (size_t i = 0; i < pages; i++)
        for (size_t off = 0; off < PAGE; off += 512)
            if (buf[i * PAGE + off] != static_cast<char>(base + i)) return static_cast<long>(i);
    return -1;
}

alignas(4096) char g_cow[COW_PAGES * PAGE];       // written before the fork
alignas(4096) char g_untouched[COW_PAGES * PAGE]; // never touched before the fork

void fork_cow_child_writes()
{
    char* heap = static_cast<char*>(malloc(COW_PAGES * PAGE));
    CHECK(heap != nullptr);
    fill(g_cow, COW_PAGES, 'a');
    fill(heap, COW_PAGES, 'A');
    const Baseline before = Baseline::now();
    check_child_ok(spawn([&] {
        CHECK_EQ(first_wrong(g_cow, COW_PAGES, 'a'), -1); // the parent's data, inherited
        fill(g_cow, COW_PAGES, 'z');
        fill(heap, COW_PAGES, 'Z');
        fill(g_untouched, COW_PAGES, 'q');
        CHECK_EQ(first_wrong(g_cow, COW_PAGES, 'z'), -1);
        CHECK_EQ(first_wrong(heap, COW_PAGES, 'Z'), -1);
        CHECK_EQ(first_wrong(g_untouched, COW_PAGES, 'q'), -1);
        return 0;
    }));
    CHECK_EQ(first_wrong(g_cow, COW_PAGES, 'a'), -1);
    CHECK_EQ(first_wrong(heap, COW_PAGES, 'A'), -1);
    before.check_back(); // the child's copies went with it
    // Last: reading these pages gives the parent pages of its own.
    for (size_t i = 0; i < sizeof g_untouched; i += 512) CHECK_EQ(g_untouched[i], 0);
}

void fork_cow_parent_writes()
{
    fill(g_cow, COW_PAGES, 'a');
    Pipe go, done;
    const Baseline before = Baseline::now();
    const pid_t pid = spawn([&] {
        (void)read_num(go.r); // the parent has written everything by now
        CHECK_EQ(first_wrong(g_cow, COW_PAGES, 'a'), -1);
        write_num(done.w, 1);
        return 0;
    });
    fill(g_cow, COW_PAGES, 'p');
    write_num(go.w, 1);
    CHECK_EQ(read_num(done.r), 1);
    CHECK_EQ(first_wrong(g_cow, COW_PAGES, 'p'), -1);
    check_child_ok(pid);
    before.check_back();
}

void fork_shares_offsets()
{
    const int fd = open(SELF, O_RDONLY);
    CHECK(fd >= 0);
    char magic[4];
    CHECK_EQ(read(fd, magic, 4), 4);
    CHECK(memcmp(magic, "\177ELF", 4) == 0);
    check_child_ok(spawn([&] {
        char ident[4];
        CHECK_EQ(read(fd, ident, 4), 4); // e_ident[4..7], after the parent's read
        CHECK_EQ(ident[0], 2);           // ELFCLASS64
        CHECK_EQ(ident[1], 1);           // ELFDATA2LSB
        CHECK_EQ(close(fd), 0);          // the child's copy only
        return 0;
    }));
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 8); // the child's read moved the shared offset
    char mine[8], fresh[16];
    CHECK_EQ(read(fd, mine, 8), 8);
    const int fd2 = open(SELF, O_RDONLY);
    CHECK(fd2 >= 0);
    CHECK_EQ(read(fd2, fresh, 16), 16);
    CHECK(memcmp(mine, fresh + 8, 8) == 0);
    CHECK_OK(close(fd2));
    CHECK_OK(close(fd));
}

void wait4_exit_statuses()
{
    const int codes[] = {0, 1, 42, 255};
    for (int code : codes) {
        const pid_t pid = spawn([&] { return code; });
        int status = -1;
        rusage ru;
        CHECK_EQ(wait4(pid, &status, 0, &ru), pid);
        CHECK(WIFEXITED(status));
        CHECK(!WIFSIGNALED(status));
        CHECK_EQ(WEXITSTATUS(status), code);
    }
}

void wait4_signal_statuses()
{
    const int sigs[] = {SIGKILL, SIGTERM, SIGUSR1};
    for (int sig : sigs) {
        const pid_t pid = spawn([&] {
            kill(getpid(), sig);
            return 99; // not reached
        });
        const int status = wait_for(pid);
        CHECK(WIFSIGNALED(status));
        CHECK(!WIFEXITED(status));
        CHECK_EQ(WTERMSIG(status), sig);
    }
    const pid_t pid = spawn([] {
        volatile uintptr_t unmapped = 8;
        *reinterpret_cast<volatile int*>(unmapped) = 1; // SIGSEGV by default
        return 99;
    });
    const int status = wait_for(pid);
    CHECK(WIFSIGNALED(status));
    CHECK_EQ(WTERMSIG(status), SIGSEGV);
}

void wait4_forms()
{
    Pipe release;
    auto waiter = [&] {
        release.close_w();
        char c;
        (void)read(release.r, &c, 1); // returns at end of file
        return 7;
    };
    const pid_t a = spawn(waiter), b = spawn(waiter);
    int status = 0;
    CHECK_EQ(waitpid(a, &status, WNOHANG), 0); // still running
    CHECK_EQ(waitpid(-1, &status, WNOHANG), 0);
    release.close_w();
    CHECK_EQ(waitpid(b, &status, 0), b); // the one asked for, whichever ended first
    CHECK_EQ(WEXITSTATUS(status), 7);
    CHECK_EQ(waitpid(0, &status, 0), a); // the caller's process group
    const pid_t c = spawn([] { return 3; });
    CHECK_EQ(waitpid(-getpgrp(), &status, 0), c); // a group named explicitly
    const pid_t d = spawn([] { return 4; });
    CHECK_EQ(waitpid(WAIT_ANY, &status, 0), d);
    CHECK_EQ(WEXITSTATUS(status), 4);
    CHECK_ERR(waitpid(-1, &status, 0), ECHILD);
    CHECK_ERR(waitpid(1, &status, WNOHANG), ECHILD); // not our child
}

void zombie_scenario()
{
    const int procs = proc_count();
    const pid_t pid = spawn([] { return 9; });
    int status = 0;
    pid_t got = 0;
    for (int i = 0; i < 500 && got == 0; i++) {
        got = waitpid(pid, &status, WNOHANG | WNOWAIT);
        if (got == 0) sleep_ms(2);
    }
    CHECK_EQ(got, pid);
    CHECK_EQ(WEXITSTATUS(status), 9);
    CHECK_EQ(proc_count(), procs + 1); // the zombie is still a process
    CHECK_EQ(waitpid(pid, &status, WNOHANG | WNOWAIT), pid); // WNOWAIT left it there
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK_EQ(WEXITSTATUS(status), 9);
    CHECK_ERR(waitpid(pid, &status, WNOHANG), ECHILD);
    CHECK_EQ(proc_count(), procs);
}

void zombie_until_reaped() { check_no_leak(zombie_scenario); }

void orphan_reparented_to_init()
{
    Pipe parent_alive, result;
    const pid_t middle = spawn([&] {
        spawn([&] {
            parent_alive.close_w();
            char c;
            CHECK_EQ(read(parent_alive.r, &c, 1), 0); // end of file: its parent is gone
            pid_t ppid = getppid();
            for (int i = 0; i < 200 && ppid != 1; i++) {
                sleep_ms(10);
                ppid = getppid();
            }
            write_num(result.w, ppid);
            return 0;
        });
        return 5; // exits without waiting: its child is an orphan
    });
    parent_alive.close_w();
    CHECK_EQ(exit_code_of(middle), 5);
    CHECK_EQ(read_num(result.r), 1);
}

// FP registers across fork: all 32 are loaded, fork is made, and each
// side reads them back, in one asm block so that no compiled code can
// touch them in between: the child must start with its parent's values
// (cpu_fork copies the FP state), the parent must keep them.
struct FpFork {
    long a0, a1, t0;  // fork's return registers
    uint64_t f[32];   // f0..f31 right after the ecall
};

FpFork fork_with_fp(const uint64_t (&in)[32])
{
    FpFork r{};
    asm volatile(".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
                 "ld t1, \\n*8(%[in])\n"
                 "fmv.d.x f\\n, t1\n"
                 ".endr\n"
                 "li t0, 2\n" // SYS_fork
                 "ecall\n"
                 "sd a0, 0(%[out])\n"
                 "sd a1, 8(%[out])\n"
                 "sd t0, 16(%[out])\n"
                 ".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
                 "fmv.x.d t1, f\\n\n"
                 "sd t1, 24+\\n*8(%[out])\n"
                 ".endr\n"
                 :
                 : [in] "r"(in), [out] "r"(&r)
                 : "t0", "t1", "a0", "a1", "memory", "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12", "f13", "f14", "f15", "f16", "f17", "f18", "f19", "f20", "f21", "f22", "f23", "f24", "f25", "f26", "f27", "f28", "f29", "f30", "f31");
    return r;
}

// Where the first register that differs from in is, or -1.
int first_fp_difference(const FpFork& r, const uint64_t (&in)[32])
{
    for (int i = 0; i < 32; i++)
        if (r.f[i] != in[i]) return i;
    return -1;
}

void fork_copies_fp_registers()
{
    uint64_t in[32];
    for (int i = 0; i < 32; i++) in[i] = 0x4000000000000000ull + (uint64_t(i) << 40) + 0x1234567u * uint64_t(i + 1);
    const FpFork r = fork_with_fp(in);
    CHECK_EQ(r.t0, 0); // fork did not fail
    if (r.a1 == 1) _exit(first_fp_difference(r, in) == -1 ? 0 : 10 + first_fp_difference(r, in));
    CHECK_EQ(first_fp_difference(r, in), -1);
    check_child_ok(static_cast<pid_t>(r.a0));
}

void fork_counters()
{
    const long long forks = sysctl_num("vm.stats.vm.v_forks");
    const long long pages = sysctl_num("vm.stats.vm.v_forkpages");
    const long long vforks = sysctl_num("vm.stats.vm.v_vforks");
    check_child_ok(spawn([] { return 0; }));
    CHECK_EQ(sysctl_num("vm.stats.vm.v_forks"), forks + 1);
    CHECK(sysctl_num("vm.stats.vm.v_forkpages") > pages);
    CHECK_EQ(sysctl_num("vm.stats.vm.v_vforks"), vforks);
    CHECK_EQ(sysctl_num("kern.lastpid") > 0, true);
}

// The records of pid in a trace file's bytes: the first record's sysret
// (for the inherited child, fork's return) and how many there were.
struct TraceOf {
    int records = 0;
    ktr_sysret first_ret = {};
    int16_t first_type = 0;
    long long fork_ret = -1; // the last SYSRET of SYS_fork, when there is one
};

TraceOf trace_of(const char* buf, long n, pid_t pid)
{
    TraceOf t;
    for (long off = 0; off + long(sizeof(ktr_header)) <= n;) {
        ktr_header h;
        memcpy(&h, buf + off, sizeof h);
        off += sizeof h;
        if (h.ktr_len < 0 || off + h.ktr_len > n) fail("a record cut short at %ld", off);
        const int16_t type = int16_t(h.ktr_type & ~KTR_TYPE);
        ktr_sysret r = {};
        if (type == KTR_SYSRET) memcpy(&r, buf + off, sizeof r);
        if (h.ktr_pid == pid) {
            if (t.records++ == 0) t.first_type = type, t.first_ret = r;
            if (type == KTR_SYSRET && r.ktr_code == SYS_fork) t.fork_ret = r.ktr_retval;
        }
        off += h.ktr_len;
    }
    return t;
}

// ktrace(2) through the machine's real call path (the host tests cannot
// reach trapvec.S): a child traces itself with KTRFAC_INHERIT and forks;
// its child's first record is fork's return with 0, the parent's return
// names the child.  A smoke check; ktracetest has the rest.
void ktrace_inherited_at_fork()
{
    static const char path[] = "/tmp/forktest.ktr";
    const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    close(fd);
    Pipe p;
    const pid_t child = spawn([&] {
        const int facs = KTRFAC_SYSCALL | KTRFAC_SYSRET | KTRFAC_INHERIT;
        if (raw_syscall(SYS_ktrace, long(path), KTROP_SET, facs, getpid()).error) return 1;
        const pid_t g = spawn([] { return getpid() > 0 ? 0 : 1; });
        write_num(p.w, g);
        return exit_code_of(g);
    });
    const pid_t g = pid_t(read_num(p.r));
    check_child_ok(child);
    static char buf[16384];
    const int rfd = open(path, O_RDONLY);
    CHECK(rfd >= 0);
    const long n = read(rfd, buf, sizeof buf);
    close(rfd);
    unlink(path);
    CHECK(n > 0);
    const TraceOf gt = trace_of(buf, n, g), ct = trace_of(buf, n, child);
    CHECK_EQ(gt.first_type, KTR_SYSRET);
    CHECK_EQ(gt.first_ret.ktr_code, SYS_fork);
    CHECK_EQ(gt.first_ret.ktr_retval, 0);
    CHECK_EQ(gt.records, 4); // RET fork, CALL getpid, RET getpid, CALL exit
    CHECK_EQ(ct.fork_ret, g);
}

void lastpid_follows_fork()
{
    const pid_t pid = spawn([] { return 0; });
    CHECK_EQ(sysctl_num("kern.lastpid"), pid);
    check_child_ok(pid);
}

const Case cases[] = {
    {"fork returns the child's pid to the parent and 0 to the child", fork_return_values},
    {"2000 forks give 2000 different pids", fork_pids_unique, 60},
    {"copy-on-write: the child's writes to 192 pages (data, heap, fresh bss) stay in the child", fork_cow_child_writes},
    {"copy-on-write: the parent's writes to 64 pages stay in the parent", fork_cow_parent_writes},
    {"parent and child share a descriptor's offset", fork_shares_offsets},
    {"wait4 reports exit statuses 0, 1, 42, 255", wait4_exit_statuses},
    {"wait4 reports deaths by SIGKILL, SIGTERM, SIGUSR1, SIGSEGV", wait4_signal_statuses},
    {"waitpid by pid, any, own group, named group, WNOHANG, ECHILD", wait4_forms},
    {"a zombie stays a process until it is reaped", zombie_until_reaped},
    {"an orphan is reparented to init", orphan_reparented_to_init},
    {"fork counts in vm.stats.vm.v_forks and v_forkpages", fork_counters},
    {"kern.lastpid is the last fork's pid", lastpid_follows_fork},
    {"ktrace: a traced child's fork child inherits the trace; its first record is fork's return, 0", ktrace_inherited_at_fork},
    {"FP registers: the child starts with its parent's f0-f31, the parent keeps them", fork_copies_fp_registers},
};

} // namespace

int main(int argc, char** argv) { return run("forktest", cases, argc, argv); }
