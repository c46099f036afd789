// rfork(2) in the guest, FreeBSD 8's rules (DESIGN.md's rfork table): each
// flag's effect on the child, the kernel-only flags and RFFDG|RFCFDG
// refused with EINVAL and nothing changed, Plan 9's flags ignored, and
// rfork without RFPROC changing the caller.
#include "check.h"
#include "helpers.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace suite;

namespace {

constexpr const char* SELF = "/bin/rforktest";
constexpr int MAX_FD_PROBED = 64;

// The number of open descriptors below MAX_FD_PROBED (used by children
// whose own stdout may be gone, so they report it as an exit status).
int open_fds()
{
    int n = 0;
    for (int fd = 0; fd < MAX_FD_PROBED; fd++) n += fd_is_open(fd);
    return n;
}

// rfork(flags) whose child _exits with child(): the child's pid.
template <class F>
pid_t rfork_child(int flags, F child)
{
    const pid_t pid = rfork(flags);
    if (pid < 0) fail("rfork(%#x): %s", flags, errno_name(errno));
    if (pid == 0) _exit(child());
    return pid;
}

void rfork_kernel_only_flags_einval()
{
    const int refused[] = {RFPROC | RFSTOPPED, RFPROC | RFHIGHPID, RFPROC | RFFDG | RFPPWAIT,
                           RFSTOPPED,          RFPPWAIT,           RFPROC | RFFDG | RFCFDG,
                           RFFDG | RFCFDG};
    const long long lastpid = sysctl_num("kern.lastpid");
    const long long rforks = sysctl_num("vm.stats.vm.v_rforks");
    const int fds = open_fds();
    for (int flags : refused) {
        errno = 0;
        const pid_t r = rfork(flags);
        if (r == 0) _exit(FAILED_AND_SAID_SO); // a child that should not exist
        if (r != -1 || errno != EINVAL)
            fail("rfork(%#x) returned %d, %s; wanted -1, EINVAL", flags, r, errno_name(errno));
    }
    CHECK_EQ(sysctl_num("kern.lastpid"), lastpid); // no process was made
    CHECK_EQ(sysctl_num("vm.stats.vm.v_rforks"), rforks);
    CHECK_EQ(open_fds(), fds);                      // RFCFDG did not close anything
    CHECK_ERR(waitpid(-1, nullptr, WNOHANG), ECHILD);
}

void rfork_plan9_flags_ignored()
{
    const int plan9 = RFNAMEG | RFENVG | RFNOTEG | RFCNAMEG | RFCENVG;
    const pid_t pid = rfork_child(RFPROC | RFFDG | plan9, [] { return 3; });
    CHECK_EQ(exit_code_of(pid), 3);
    CHECK_EQ(rfork(plan9), 0); // without RFPROC: nothing to do, and no error
}

void rfork_fdg_copies_table()
{
    const int fd = dup(1);
    CHECK(fd >= 0);
    Pipe report;
    const pid_t pid = rfork_child(RFPROC | RFFDG, [&] {
        close(fd);
        write_num(report.w, open(SELF, O_RDONLY));
        return 0;
    });
    check_child_ok(pid);
    const int childs = static_cast<int>(read_num(report.r));
    CHECK(childs >= 0);
    CHECK(fd_is_open(fd));      // the child closed its copy only
    CHECK(childs == fd || !fd_is_open(childs)); // and opened in its own table
    CHECK_OK(close(fd));
}

void rfork_shares_table_without_fdg()
{
    const int fd = dup(1);
    CHECK(fd >= 0);
    const pid_t pid = rfork_child(RFPROC, [&] {
        close(fd);
        const int mine = open(SELF, O_RDONLY);
        return mine < 0 ? 255 : mine;
    });
    const int opened = exit_code_of(pid);
    CHECK(opened != 255);
    CHECK(fd_is_open(opened)); // opened in the shared table
    char magic[4];
    CHECK_EQ(read(opened, magic, 4), 4);
    CHECK(memcmp(magic, "\177ELF", 4) == 0);
    CHECK(opened == fd || !fd_is_open(fd)); // closed in the shared table
    CHECK_OK(close(opened));
}

void rfork_cfdg_child_has_no_descriptors()
{
    const int before = open_fds();
    CHECK(before >= 3);
    const pid_t pid = rfork_child(RFPROC | RFCFDG, [] { return open_fds(); });
    CHECK_EQ(exit_code_of(pid), 0);
    CHECK_EQ(open_fds(), before); // the parent's table is untouched
}

volatile int g_flag, g_reply;
int* volatile g_mapped;
alignas(16) char g_thread_stack[16 * 4096];

int rfmem_thread(void* arg)
{
    g_reply = *static_cast<int*>(arg); // the parent's memory, read directly
    for (int i = 0; i < 1000000 && g_flag == 0; i++) sched_yield();
    if (g_flag != 1) return 2;
    void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE, -1, 0);
    if (p == MAP_FAILED) return 3;
    *static_cast<int*>(p) = 1234;
    g_mapped = static_cast<int*>(p); // a mapping made by the child, seen by the parent
    return 17;
}

void rfork_mem_shares_address_space()
{
    g_flag = 0;
    g_reply = 0;
    g_mapped = nullptr;
    int arg = 55;
    const pid_t pid = rfork_thread(RFPROC | RFMEM, g_thread_stack + sizeof g_thread_stack,
                                   rfmem_thread, &arg);
    CHECK(pid > 0);
    g_flag = 1; // the child is waiting for this store
    CHECK_EQ(exit_code_of(pid), 17);
    CHECK_EQ(g_reply, 55);
    CHECK(g_mapped != nullptr);
    CHECK_EQ(*g_mapped, 1234);
}

int unshare_thread(void*)
{
    g_reply = 1;                    // shared still
    if (rfork(0) != 0) return 2;    // no RFPROC, no RFMEM: a private copy from here on
    g_reply = 2;                    // the parent must not see this
    return 0;
}

void rfork_without_rfproc_unshares_vmspace()
{
    g_reply = 0;
    const pid_t pid = rfork_thread(RFPROC | RFMEM, g_thread_stack + sizeof g_thread_stack,
                                   unshare_thread, nullptr);
    CHECK(pid > 0);
    CHECK_EQ(exit_code_of(pid), 0);
    CHECK_EQ(g_reply, 1);
}

void rfork_without_rfproc_cfdg_closes_all()
{
    const int code = run_child([] {
        if (rfork(RFCFDG) != 0) return 100;
        return open_fds();
    });
    CHECK_EQ(code, 0);
}

void rfork_without_rfproc_fdg_unshares_table()
{
    const int kept = dup(1);
    CHECK(kept >= 0);
    Pipe report;
    const pid_t pid = rfork_child(RFPROC, [&] { // shares the caller's table
        const int shared = open(SELF, O_RDONLY);
        if (rfork(RFFDG) != 0) return 100;     // from here its own copy
        close(kept);
        close(shared);
        write_num(report.w, shared);
        return 0;
    });
    check_child_ok(pid);
    const int shared = static_cast<int>(read_num(report.r));
    CHECK(shared >= 0);
    CHECK(fd_is_open(kept));   // closed in the child's copy only
    CHECK(fd_is_open(shared)); // opened while the table was shared
    CHECK_OK(close(shared));
    CHECK_OK(close(kept));
}

void rfork_nowait_child_belongs_to_init()
{
    Pipe report;
    const pid_t pid = rfork_child(RFPROC | RFFDG | RFNOWAIT, [&] {
        write_num(report.w, getppid());
        return 0;
    });
    CHECK(pid > 0);
    CHECK_EQ(read_num(report.r), 1);
    CHECK_ERR(waitpid(pid, nullptr, 0), ECHILD);
    CHECK_ERR(waitpid(-1, nullptr, 0), ECHILD);
}

// Init waits without WLINUXCLONE, so a child it inherits at birth must
// signal SIGCHLD whatever its flags said: 200 from a uid-1000 user leave
// no zombie behind once init (the runner) has polled.
void rfork_nowait_linuxthpn_reaped_by_init()
{
    const int procs = proc_count();
    check_child_ok(spawn([] {
        CHECK_OK(setuid(1000));
        for (int i = 0; i < 200; i++)
            (void)rfork_child(RFPROC | RFFDG | RFNOWAIT | RFLINUXTHPN, [] { return 0; });
        return 0;
    }));
    for (int i = 0; i < 300 && proc_count() != procs; i++) sleep_ms(10);
    CHECK_EQ(proc_count(), procs);
}

void rfthread_peers_die_with_leader()
{
    Pipe alive, ready, block;
    const pid_t leader = spawn([&] {
        rfork_child(RFPROC | RFTHREAD | RFFDG, [&] {
            write_num(ready.w, getpid());
            char c;
            (void)read(block.r, &c, 1); // never returns by itself: block.w stays open
            return 0;
        });
        (void)read_num(ready.r);
        return 6;
    });
    alive.close_w(); // the leader and its peer hold the only writers now
    CHECK_EQ(exit_code_of(leader), 6);
    char c;
    CHECK_EQ(read(alive.r, &c, 1), 0); // end of file: the peer is gone too
}

bool g_handled;
void handler(int) { g_handled = true; }

uintptr_t disposition(int sig)
{
    struct sigaction old;
    if (sigaction(sig, nullptr, &old) != 0) fail("sigaction(%d): %s", sig, errno_name(errno));
    return reinterpret_cast<uintptr_t>(old.sa_handler);
}

void set_disposition(int sig, void (*fn)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, nullptr) != 0) fail("sigaction(%d): %s", sig, errno_name(errno));
}

void rfsigshare_shares_dispositions()
{
    Pipe go;
    const pid_t pid = rfork_child(RFPROC | RFFDG | RFSIGSHARE, [&] {
        set_disposition(SIGUSR2, handler);
        (void)read_num(go.r);
        return disposition(SIGHUP) == reinterpret_cast<uintptr_t>(SIG_IGN) ? 0 : 1;
    });
    set_disposition(SIGHUP, SIG_IGN);
    write_num(go.w, 1);
    CHECK_EQ(exit_code_of(pid), 0); // the child saw the parent's change
    CHECK_EQ(disposition(SIGUSR2), reinterpret_cast<uintptr_t>(handler)); // and the reverse
}

void fork_copies_dispositions()
{
    set_disposition(SIGUSR2, handler);
    const pid_t pid = rfork_child(RFPROC | RFFDG, [] {
        set_disposition(SIGUSR2, SIG_IGN);
        return disposition(SIGUSR2) == reinterpret_cast<uintptr_t>(SIG_IGN) ? 0 : 1;
    });
    CHECK_EQ(exit_code_of(pid), 0);
    CHECK_EQ(disposition(SIGUSR2), reinterpret_cast<uintptr_t>(handler));
}

volatile int g_usr1, g_chld;
void count_usr1(int) { g_usr1 = g_usr1 + 1; }
void count_chld(int) { g_chld = g_chld + 1; }

void catch_exit_signals()
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sa.sa_handler = count_usr1;
    CHECK_OK(sigaction(SIGUSR1, &sa, nullptr));
    sa.sa_handler = count_chld;
    CHECK_OK(sigaction(SIGCHLD, &sa, nullptr));
}

void rflinuxthpn_parent_gets_sigusr1()
{
    catch_exit_signals();
    const pid_t pid = rfork_child(RFPROC | RFFDG | RFLINUXTHPN, [] { return 8; });
    int status = 0;
    CHECK_EQ(wait4(pid, &status, WLINUXCLONE, nullptr), pid);
    CHECK_EQ(WEXITSTATUS(status), 8);
    for (int i = 0; i < 100 && g_usr1 == 0; i++) sched_yield();
    CHECK_EQ(g_usr1, 1);
    CHECK_EQ(g_chld, 0);
    // A plain fork's child still says SIGCHLD.
    check_child_ok(spawn([] { return 0; }));
    for (int i = 0; i < 100 && g_chld == 0; i++) sched_yield();
    CHECK_EQ(g_chld, 1);
    CHECK_EQ(g_usr1, 1);
}

void rflinuxthpn_child_needs_wlinuxclone()
{
    catch_exit_signals(); // SIGUSR1's default action would end the case
    const pid_t pid = rfork_child(RFPROC | RFFDG | RFLINUXTHPN, [] { return 0; });
    sleep_ms(50);
    CHECK_ERR(waitpid(pid, nullptr, WNOHANG), ECHILD); // FreeBSD 8: only WLINUXCLONE sees it
    int status = 0;
    CHECK_EQ(wait4(pid, &status, WLINUXCLONE, nullptr), pid);
}

// FreeBSD counts a fork by its flags, not by the call that made it:
// RFFDG|RFPROC is a fork even from rfork(), anything else an rfork.
void rfork_counted_by_flags()
{
    const long long rforks = sysctl_num("vm.stats.vm.v_rforks");
    const long long forks = sysctl_num("vm.stats.vm.v_forks");
    CHECK_EQ(exit_code_of(rfork_child(RFPROC, [] { return 0; })), 0);
    CHECK_EQ(sysctl_num("vm.stats.vm.v_rforks"), rforks + 1);
    CHECK_EQ(sysctl_num("vm.stats.vm.v_forks"), forks);
    CHECK_EQ(exit_code_of(rfork_child(RFPROC | RFFDG, [] { return 0; })), 0);
    CHECK_EQ(sysctl_num("vm.stats.vm.v_rforks"), rforks + 1);
    CHECK_EQ(sysctl_num("vm.stats.vm.v_forks"), forks + 1);
}

const Case cases[] = {
    {"rfork: RFSTOPPED, RFHIGHPID, RFPPWAIT, RFFDG|RFCFDG give EINVAL, change nothing",
     rfork_kernel_only_flags_einval},
    {"rfork: Plan 9's RFNAMEG, RFENVG, RFNOTEG, RFCNAMEG, RFCENVG ignored", rfork_plan9_flags_ignored},
    {"rfork RFPROC|RFFDG: the child's descriptor table is a copy", rfork_fdg_copies_table},
    {"rfork RFPROC: the descriptor table is shared", rfork_shares_table_without_fdg},
    {"rfork RFPROC|RFCFDG: the child starts with no descriptors", rfork_cfdg_child_has_no_descriptors},
    {"rfork_thread RFPROC|RFMEM: one address space, mappings included", rfork_mem_shares_address_space, 20},
    {"rfork(0) in an RFMEM child gives it its own address space", rfork_without_rfproc_unshares_vmspace},
    {"rfork(RFCFDG) without RFPROC closes the caller's descriptors", rfork_without_rfproc_cfdg_closes_all},
    {"rfork(RFFDG) without RFPROC unshares a shared table", rfork_without_rfproc_fdg_unshares_table},
    {"rfork RFNOWAIT: the child's parent is init", rfork_nowait_child_belongs_to_init},
    {"rfork RFNOWAIT|RFLINUXTHPN as uid 1000: init reaps every child", rfork_nowait_linuxthpn_reaped_by_init},
    {"rfork RFTHREAD: peers are killed with their leader", rfthread_peers_die_with_leader, 10},
    {"rfork RFSIGSHARE: signal dispositions shared both ways", rfsigshare_shares_dispositions},
    {"fork: the child's dispositions are a copy", fork_copies_dispositions},
    {"rfork RFLINUXTHPN: the parent gets SIGUSR1, not SIGCHLD", rflinuxthpn_parent_gets_sigusr1},
    {"rfork RFLINUXTHPN: only wait4 with WLINUXCLONE sees the child", rflinuxthpn_child_needs_wlinuxclone},
    {"v_rforks counts rfork(RFPROC); rfork(RFPROC|RFFDG) is a fork", rfork_counted_by_flags},
};

} // namespace

int main(int argc, char** argv) { return run("rforktest", cases, argc, argv); }
