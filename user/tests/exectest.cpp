// execve(2) as the process sees it: the new program gets argv and envp
// exactly, keeps its pid, parent and signal mask, loses its
// close-on-exec descriptors (the others stay, offsets and all), and finds
// caught signals back at their default action while ignored ones stay
// ignored.  Each case execs this program again in a child with `--helper
// <check> ...`, and the helper's exit status says whether the check held.
#include "check.h"
#include "helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace suite;

extern char** environ;

namespace {

constexpr const char* SELF = "/bin/exectest";
constexpr int HELPER_OK = 42;

// Execs SELF --helper argv... in a child with envp; the child's exit code.
int exec_helper(const char* const* args, const char* const* envp)
{
    const char* argv[16] = {"exectest", "--helper"};
    int n = 2;
    for (; args[n - 2] && n < 15; n++) argv[n] = args[n - 2];
    argv[n] = nullptr;
    return run_child([&] {
        execve(SELF, const_cast<char* const*>(argv), const_cast<char* const*>(envp));
        return 127;
    });
}

const char* num(int v)
{
    static char bufs[8][16];
    static int next;
    char* b = bufs[next++ % 8];
    snprintf(b, sizeof bufs[0], "%d", v);
    return b;
}

void argv_and_envp_arrive()
{
    const char* args[] = {"args", "two words", "", "last", nullptr};
    const char* envp[] = {"K=V", "EMPTY=", "X=a=b", nullptr};
    CHECK_EQ(exec_helper(args, envp), HELPER_OK);
    const char* no_env[] = {nullptr};
    const char* args2[] = {"noenv", nullptr};
    CHECK_EQ(exec_helper(args2, no_env), HELPER_OK);
}

void pid_and_parent_kept()
{
    Pipe report;
    const char* args[] = {"ids", num(report.w), nullptr};
    const char* no_env[] = {nullptr};
    const pid_t pid = spawn([&] {
        const char* argv[] = {"exectest", "--helper", args[0], args[1], nullptr};
        execve(SELF, const_cast<char* const*>(argv), const_cast<char* const*>(no_env));
        return 127;
    });
    CHECK_EQ(read_num(report.r), pid);      // the exec'd program's getpid()
    CHECK_EQ(read_num(report.r), getpid()); // and its getppid()
    CHECK_EQ(exit_code_of(pid), HELPER_OK);
}

void close_on_exec()
{
    const int kept = open(SELF, O_RDONLY);
    const int closed = open(SELF, O_RDONLY | O_CLOEXEC);
    CHECK(kept >= 0 && closed >= 0);
    char skip[5];
    CHECK_EQ(read(kept, skip, 5), 5); // the offset travels with the descriptor
    int fds[2];
    CHECK_OK(pipe2(fds, O_CLOEXEC));
    const char* args[] = {"fds", num(kept), num(closed), num(fds[0]), num(fds[1]), nullptr};
    CHECK_EQ(exec_helper(args, const_cast<const char* const*>(environ)), HELPER_OK);
    CHECK(fd_is_open(closed)); // closed in the exec'd child only
    CHECK_EQ(lseek(kept, 0, SEEK_CUR), 6); // the helper read one byte through the shared offset
}

void on_signal(int) {}

void caught_signals_reset_ignored_kept()
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_signal;
    CHECK_OK(sigaction(SIGUSR1, &sa, nullptr));
    CHECK_OK(sigaction(SIGTERM, &sa, nullptr));
    sa.sa_handler = SIG_IGN;
    CHECK_OK(sigaction(SIGUSR2, &sa, nullptr));
    const char* args[] = {"signals", nullptr};
    CHECK_EQ(exec_helper(args, const_cast<const char* const*>(environ)), HELPER_OK);
}

void signal_mask_kept()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGHUP);
    CHECK_OK(sigprocmask(SIG_BLOCK, &set, nullptr));
    const char* args[] = {"mask", nullptr};
    CHECK_EQ(exec_helper(args, const_cast<const char* const*>(environ)), HELPER_OK);
}

uintptr_t disposition(int sig)
{
    struct sigaction old;
    if (sigaction(sig, nullptr, &old) != 0) return 99;
    return reinterpret_cast<uintptr_t>(old.sa_handler);
}

// The exec'd side.  Each check returns HELPER_OK, or the number of the
// step that failed.
int helper(int argc, char** argv)
{
    const char* what = argv[2];
    if (strcmp(what, "args") == 0) {
        if (argc != 6) return 1;
        if (strcmp(argv[3], "two words") || strcmp(argv[4], "") || strcmp(argv[5], "last")) return 2;
        if (argv[6] != nullptr) return 3;
        const char* want[] = {"K=V", "EMPTY=", "X=a=b"};
        for (int i = 0; i < 3; i++)
            if (!environ[i] || strcmp(environ[i], want[i])) return 4 + i;
        if (environ[3] != nullptr) return 7;
        const char* k = getenv("K");
        return k && strcmp(k, "V") == 0 ? HELPER_OK : 8;
    }
    if (strcmp(what, "noenv") == 0) return argc == 3 && environ && !environ[0] ? HELPER_OK : 1;
    if (strcmp(what, "ids") == 0) {
        const int fd = atoi(argv[3]);
        long long v = getpid();
        if (write(fd, &v, sizeof v) != sizeof v) return 1;
        v = getppid();
        if (write(fd, &v, sizeof v) != sizeof v) return 2;
        return HELPER_OK;
    }
    if (strcmp(what, "fds") == 0) {
        if (!fd_is_open(atoi(argv[3]))) return 1;
        for (int i = 4; i < 7; i++)
            if (fd_is_open(atoi(argv[i]))) return i - 2;
        char c;
        if (read(atoi(argv[3]), &c, 1) != 1 || c != 1) return 5; // e_ident[5]: ELFDATA2LSB
        return HELPER_OK;
    }
    if (strcmp(what, "signals") == 0) {
        if (disposition(SIGUSR1) != reinterpret_cast<uintptr_t>(SIG_DFL)) return 1;
        if (disposition(SIGTERM) != reinterpret_cast<uintptr_t>(SIG_DFL)) return 2;
        if (disposition(SIGUSR2) != reinterpret_cast<uintptr_t>(SIG_IGN)) return 3;
        return HELPER_OK;
    }
    if (strcmp(what, "mask") == 0) {
        sigset_t now;
        if (sigprocmask(SIG_BLOCK, nullptr, &now) != 0) return 1;
        if (!sigismember(&now, SIGUSR1) || !sigismember(&now, SIGHUP)) return 2;
        if (sigismember(&now, SIGUSR2)) return 3;
        return HELPER_OK;
    }
    return 100;
}

// exec of `path` in a child that first takes uid (unless 0: root): the
// program's exit code (/bin/true: 0), or 100 + errno when exec failed.
int exec_as(const char* path, uid_t uid)
{
    return run_child([&] {
        if (uid && setuid(uid) != 0) return 99;
        char* const argv[] = {const_cast<char*>("x"), nullptr};
        execve(path, argv, environ);
        return 100 + errno;
    });
}

// The suite's initrd: /bin/true as root-only (0700, root's) and
// uid1000-only (0100, uid 1000's).  The effective uid picks one class of
// bits; root may run anything with an execute bit.
void execute_permission_by_uid()
{
    constexpr const char* ROOT_ONLY = "/etc/suite/root-only";
    constexpr const char* UID1000_ONLY = "/etc/suite/uid1000-only";
    CHECK_EQ(exec_as(ROOT_ONLY, 0), 0);
    CHECK_EQ(exec_as(ROOT_ONLY, 1000), 100 + EACCES);
    CHECK_EQ(exec_as(UID1000_ONLY, 1000), 0);
    CHECK_EQ(exec_as(UID1000_ONLY, 1001), 100 + EACCES);
    CHECK_EQ(exec_as(UID1000_ONLY, 0), 0);
}

const Case cases[] = {
    {"execve: argv and envp arrive exactly (empty strings, no environment)", argv_and_envp_arrive},
    {"execve keeps the pid and the parent", pid_and_parent_kept},
    {"execve closes O_CLOEXEC descriptors, keeps the others and their offsets", close_on_exec},
    {"execve resets caught signals to default, keeps ignored ones", caught_signals_reset_ignored_kept},
    {"execve keeps the signal mask", signal_mask_kept},
    {"execve: the owner's, group's or others' execute bit by the effective uid; root needs one", execute_permission_by_uid},
};

} // namespace

int main(int argc, char** argv)
{
    if (argc >= 3 && strcmp(argv[1], "--helper") == 0) return helper(argc, argv);
    return run("exectest", cases, argc, argv);
}
