// The process limits in the guest, booted with a small kern.maxproc (the
// QEMU case passes kern.maxproc=40): a non-root user's forks stop with
// EAGAIN ten short of maxproc while root keeps those ten, RLIMIT_NPROC
// bounds a non-root user and not root, and a non-root fork bomb stays
// within its limit, after which the system is usable and every process
// and page is back.
//
// Each refused fork costs half a second in the kernel (the seed's pause
// after a maxproc failure), so the cases refuse as few forks as they can.
#include "check.h"
#include "helpers.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace suite;

extern char** environ;

namespace {

constexpr const char* SELF = "/bin/limitstest";
constexpr int BOOT_MAXPROC = 40; // what boot_suite.py passes
constexpr int ROOT_RESERVE = 10; // FreeBSD's: the last ten slots are root's
constexpr int HELPER_EXIT = 42;

void become(uid_t uid)
{
    CHECK_OK(setuid(uid));
    CHECK_EQ(getuid(), uid);
}

void set_nproc(rlim_t n)
{
    rlimit rl = {n, n};
    CHECK_OK(setrlimit(RLIMIT_NPROC, &rl));
}

// A child that waits for end of file on hold's read end.
[[noreturn]] void hold_until_released(Pipe& hold)
{
    hold.close_w(); // or it would hold itself
    char c;
    while (read(hold.r, &c, 1) > 0) {}
    _exit(0);
}

// Forks children that wait for hold's release until a fork fails;
// returns how many it made.  The failure must be EAGAIN.
int fork_until_refused(Pipe& hold)
{
    for (int n = 0;; n++) {
        const pid_t pid = fork();
        if (pid == 0) hold_until_released(hold);
        if (pid < 0) {
            if (errno != EAGAIN) fail("fork %d refused with %s, wanted EAGAIN", n, errno_name(errno));
            return n;
        }
    }
}

// Reaps every child of the caller (they exit once hold is closed).
void reap_all()
{
    int status;
    while (waitpid(-1, &status, 0) > 0 || errno == EINTR) {}
    CHECK_EQ(errno, ECHILD);
}

void maxproc_from_boot_argument()
{
    CHECK_EQ(sysctl_num("kern.maxproc"), BOOT_MAXPROC);
    CHECK_EQ(sysctl_num("kern.maxprocperuid"), BOOT_MAXPROC * 9 / 10);
    rlimit rl;
    CHECK_OK(getrlimit(RLIMIT_NPROC, &rl));
    CHECK_EQ(rl.rlim_cur, BOOT_MAXPROC * 9 / 10); // proc0's, inherited
}

void reserve_scenario()
{
    Pipe hold, report;
    const pid_t user = spawn([&] {
        hold.close_w();
        become(1000);
        write_num(report.w, fork_until_refused(hold));
        char c;
        while (read(hold.r, &c, 1) > 0) {} // until the case releases everyone
        reap_all();
        return 0;
    });
    hold.close_r();
    const int by_user = static_cast<int>(read_num(report.r));
    CHECK(by_user > 0);
    CHECK_EQ(proc_count(), BOOT_MAXPROC - ROOT_RESERVE); // where the user was stopped
    Pipe root_hold;
    const int by_root = fork_until_refused(root_hold);
    CHECK_EQ(by_root, ROOT_RESERVE); // root's ten, and then not even root
    CHECK_EQ(proc_count(), BOOT_MAXPROC);
    hold.close_w();
    root_hold.close_w();
    check_child_ok(user);
    reap_all();
}

void nonroot_stops_short_root_keeps_reserve() { check_no_leak(reserve_scenario, BOOT_MAXPROC); }

void rlimit_scenario()
{
    Pipe hold;
    const pid_t user = spawn([&] {
        hold.close_w();
        set_nproc(5);
        become(1001);
        CHECK_EQ(fork_until_refused(hold), 4); // five processes of uid 1001, itself included
        hold.close_r();
        reap_all();
        return 0;
    });
    hold.close_w(); // its children end once it has counted them
    check_child_ok(user);
}

void rlimit_nproc_bounds_nonroot() { check_no_leak(rlimit_scenario, BOOT_MAXPROC); }

void rlimit_nproc_does_not_bind_root()
{
    set_nproc(1);
    Pipe hold;
    pid_t pids[3];
    for (pid_t& pid : pids) {
        pid = fork();
        if (pid == 0) hold_until_released(hold);
        if (pid < 0) fail("root's fork with RLIMIT_NPROC 1: %s", errno_name(errno));
    }
    hold.close_w();
    for (pid_t pid : pids) check_child_ok(pid);
}

constexpr int BOMB_LIMIT = 12;

// Every process of the bomb forks for ever; each success is counted in a
// page they all share.
[[noreturn]] void bomb(int* forked, int* refused)
{
    for (;;) {
        const pid_t pid = fork();
        if (pid > 0) __atomic_add_fetch(forked, 1, __ATOMIC_SEQ_CST);
        if (pid < 0) __atomic_add_fetch(refused, 1, __ATOMIC_SEQ_CST);
    }
}

int read_shared(int* p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }

// Kills the bomb's process group until none of it is left, reaping its
// leader (init reaps the rest).
void defuse(pid_t leader)
{
    for (int i = 0; i < 1000; i++) {
        if (kill(-leader, SIGKILL) != 0) {
            CHECK_EQ(errno, ESRCH);
            return;
        }
        (void)waitpid(leader, nullptr, WNOHANG);
        sleep_ms(10);
    }
    fail("the bomb's process group is still there after 10 s of SIGKILL");
}

void exec_still_works()
{
    char* const args[] = {const_cast<char*>("limitstest"), const_cast<char*>("--helper"), nullptr};
    const pid_t pid = spawn([&] {
        execve(SELF, args, environ);
        return 127;
    });
    CHECK_EQ(exit_code_of(pid), HELPER_EXIT);
}

void fork_bomb_bounded_and_cleaned_up()
{
    // The counters' page is mapped and touched before the baseline, so
    // that the page tables it needed are not counted against the bomb.
    int* shared = static_cast<int*>(
        mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_ANON | MAP_SHARED, -1, 0));
    CHECK(shared != MAP_FAILED);
    int* forked = &shared[0];
    int* refused = &shared[1];
    *forked = *refused = 0;
    const Baseline before = Baseline::now(BOOT_MAXPROC);
    const pid_t leader = spawn([&] {
        (void)setpgid(0, 0);
        set_nproc(BOMB_LIMIT);
        become(1002);
        bomb(forked, refused);
        return 0;
    });
    (void)setpgid(leader, leader);
    for (int i = 0; i < 2000 && !(read_shared(forked) == BOMB_LIMIT - 1 && read_shared(refused) >= 3); i++)
        sleep_ms(10);
    CHECK_EQ(read_shared(forked), BOMB_LIMIT - 1);
    CHECK(read_shared(refused) >= 3);
    // While it runs, the rest of the system is usable.
    check_child_ok(spawn([] { return 0; }));
    exec_still_works();
    sleep_ms(200);
    CHECK_EQ(read_shared(forked), BOMB_LIMIT - 1); // and it never got further
    defuse(leader);
    before.check_back();
    CHECK_OK(munmap(shared, 4096));
    // uid 1002's count is back to nothing: a new process of it gets its
    // whole limit again.
    Pipe hold;
    const pid_t again = spawn([&] {
        hold.close_w();
        set_nproc(BOMB_LIMIT);
        become(1002);
        CHECK_EQ(fork_until_refused(hold), BOMB_LIMIT - 1);
        hold.close_r();
        reap_all();
        return 0;
    });
    hold.close_w();
    check_child_ok(again);
}

const Case cases[] = {
    {"kern.maxproc and kern.maxprocperuid come from the boot argument", maxproc_from_boot_argument},
    {"maxproc: a non-root user gets EAGAIN ten short, root keeps those ten",
     nonroot_stops_short_root_keeps_reserve, 60},
    {"RLIMIT_NPROC: a non-root user gets EAGAIN at its limit", rlimit_nproc_bounds_nonroot, 30},
    {"RLIMIT_NPROC does not bind root", rlimit_nproc_does_not_bind_root},
    {"a non-root fork bomb stays within its limit; afterwards all is back",
     fork_bomb_bounded_and_cleaned_up, 90},
};

} // namespace

int main(int argc, char** argv)
{
    if (argc >= 2 && strcmp(argv[1], "--helper") == 0) return HELPER_EXIT;
    // Every case counts forks against a process table of 40: with another
    // size they would fail for the wrong reason, so say what is needed.
    if (const long long maxproc = sysctl_num("kern.maxproc"); maxproc != BOOT_MAXPROC) {
        printf("limitstest: needs kern.maxproc=%d on the kernel command line "
               "(make run APPEND=\"kern.maxproc=%d\"); this boot has kern.maxproc=%lld\n",
               BOOT_MAXPROC, BOOT_MAXPROC, maxproc);
        printf("FAIL - kern.maxproc is not %d: no case run\n0 passed, 1 failed\n", BOOT_MAXPROC);
        return 1;
    }
    return run("limitstest", cases, argc, argv);
}
