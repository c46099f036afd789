// rforkdemo: what rfork(2)'s flags do, one case each, with what each
// shows printed plainly.  A case prints "ok" or "UNEXPECTED"; the exit
// status is the number of unexpected results.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace {

int unexpected = 0;

void verdict(bool ok, const char* what)
{
    printf("  %s: %s\n", ok ? "ok" : "UNEXPECTED", what);
    if (!ok) unexpected++;
}

void nap_ms(long ms)
{
    const struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, nullptr);
}

int exit_status_of(pid_t pid, int options = 0)
{
    int status = 0;
    if (waitpid(pid, &status, options) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
}

// RFPROC | RFMEM through rfork_thread: one address space, the child on
// a stack of its own.
volatile int shared_counter = 0;
alignas(16) char thread_stack[16384];

int thread_body(void* arg)
{
    shared_counter = shared_counter + *static_cast<int*>(arg);
    return 5;
}

void rfmem()
{
    printf("rfork_thread(RFPROC | RFMEM): the child runs fn(arg) on its own stack, in my memory\n");
    int add = 40;
    const pid_t pid = rfork_thread(RFPROC | RFMEM, thread_stack + sizeof(thread_stack), thread_body, &add);
    if (pid < 0) return verdict(false, strerror(errno));
    const int st = exit_status_of(pid);
    printf("  the child added %d to shared_counter and returned %d\n", add, st);
    verdict(shared_counter == 40 && st == 5, "shared_counter is 40 in the parent: one memory");
}

// RFPROC | RFCFDG: the child starts with no descriptors at all.
void rfcfdg()
{
    printf("rfork(RFPROC | RFCFDG): the child's descriptor table is empty\n");
    const pid_t pid = rfork(RFPROC | RFCFDG);
    if (pid < 0) return verdict(false, strerror(errno));
    if (pid == 0) _exit(write(STDOUT_FILENO, "x", 1) < 0 && errno == EBADF ? 0 : 1);
    verdict(exit_status_of(pid) == 0, "the child's write(1) failed with EBADF (it could not print)");
}

// RFPROC | RFNOWAIT: the child belongs to init, not to us.
void rfnowait()
{
    printf("rfork(RFPROC | RFNOWAIT): the child is init's, not mine\n");
    const pid_t pid = rfork(RFPROC | RFNOWAIT);
    if (pid < 0) return verdict(false, strerror(errno));
    if (pid == 0) {
        printf("  child %d: my parent is pid %d\n", getpid(), getppid());
        _exit(getppid() == 1 ? 0 : 1);
    }
    nap_ms(100);
    int status;
    const bool echild = waitpid(pid, &status, 0) < 0 && errno == ECHILD;
    verdict(echild, "waitpid on it gives ECHILD: init reaps it");
}

// Gone, or a zombie until init reaps it: either way no longer running.
// (kill(2) finds zombies too, as FreeBSD's does.)
bool not_running(pid_t pid)
{
    if (kill(pid, 0) < 0 && errno == ESRCH) return true;
    const int mib[] = {CTL_KERN, KERN_PROC, KERN_PROC_PID, pid};
    kinfo_proc k;
    size_t len = sizeof(k);
    return sysctl(mib, 4, &k, &len, nullptr, 0) == 0 && len == sizeof(k) && k.ki_stat == SZOMB;
}

// RFPROC | RFTHREAD: a peer of its leader, killed when the leader exits.
void rfthread()
{
    printf("rfork(RFPROC | RFTHREAD): a peer dies with its leader\n");
    int fds[2];
    if (pipe(fds) < 0) return verdict(false, strerror(errno));
    const pid_t leader = fork();
    if (leader < 0) return verdict(false, strerror(errno));
    if (leader == 0) {
        const pid_t peer = rfork(RFPROC | RFTHREAD);
        if (peer == 0) {
            for (;;) nap_ms(1000); // until killed
        }
        write(fds[1], &peer, sizeof(peer));
        _exit(0); // the leader leaves; its peer must go too
    }
    pid_t peer = -1;
    read(fds[0], &peer, sizeof(peer));
    close(fds[0]);
    close(fds[1]);
    exit_status_of(leader);
    printf("  the leader %d exited; its peer was %d\n", leader, peer);
    bool gone = false;
    for (int i = 0; i < 20 && !gone; i++) {
        gone = not_running(peer);
        if (!gone) nap_ms(50);
    }
    verdict(peer > 0 && gone, "the peer is no longer running (killed with its leader)");
}

// RFPROC | RFSIGSHARE: one table of signal actions for both.
void on_usr2(int) {}

void rfsigshare()
{
    printf("rfork(RFPROC | RFSIGSHARE): the child's sigaction changes mine\n");
    signal(SIGUSR2, SIG_DFL);
    const pid_t pid = rfork(RFPROC | RFSIGSHARE);
    if (pid < 0) return verdict(false, strerror(errno));
    if (pid == 0) {
        signal(SIGUSR2, on_usr2);
        _exit(0);
    }
    exit_status_of(pid);
    struct sigaction now;
    sigaction(SIGUSR2, nullptr, &now);
    verdict(now.sa_handler == on_usr2, "my SIGUSR2 handler is the one the child installed");
    signal(SIGUSR2, SIG_DFL);
}

// RFPROC | RFLINUXTHPN: the parent hears SIGUSR1, not SIGCHLD, at exit.
volatile sig_atomic_t got_usr1 = 0;
void on_usr1(int) { got_usr1 = 1; }

void rflinuxthpn()
{
    printf("rfork(RFPROC | RFLINUXTHPN): the child's exit signals SIGUSR1\n");
    signal(SIGUSR1, on_usr1);
    const pid_t pid = rfork(RFPROC | RFLINUXTHPN);
    if (pid < 0) return verdict(false, strerror(errno));
    if (pid == 0) _exit(0);
    // Such a child is waited for with WLINUXCLONE, as FreeBSD's wait4 wants.
    exit_status_of(pid, WLINUXCLONE);
    for (int i = 0; i < 20 && !got_usr1; i++) nap_ms(10);
    verdict(got_usr1, "SIGUSR1 arrived when the child exited");
    signal(SIGUSR1, SIG_DFL);
}

// Without RFPROC, rfork changes the caller: RFCFDG closes everything.
void no_rfproc()
{
    printf("rfork(RFCFDG) without RFPROC: the caller itself loses its descriptors\n");
    const pid_t pid = fork(); // a process to sacrifice
    if (pid < 0) return verdict(false, strerror(errno));
    if (pid == 0) {
        if (rfork(RFCFDG) != 0) _exit(2);
        _exit(write(STDOUT_FILENO, "x", 1) < 0 && errno == EBADF ? 0 : 1);
    }
    verdict(exit_status_of(pid) == 0, "rfork returned 0, and then write(1) gave EBADF");
}

void einval()
{
    printf("rfork(RFPROC | RFFDG | RFCFDG): copying and clearing the table at once\n");
    errno = 0;
    const pid_t pid = rfork(RFPROC | RFFDG | RFCFDG);
    if (pid == 0) _exit(0);
    verdict(pid < 0 && errno == EINVAL, "refused with EINVAL, no child");
}

} // namespace

int main()
{
    printf("rforkdemo: pid %d\n", getpid());
    rfmem();
    rfcfdg();
    rfnowait();
    rfthread();
    rfsigshare();
    rflinuxthpn();
    no_rfproc();
    einval();
    printf("rforkdemo: %d unexpected\n", unexpected);
    return unexpected;
}
