// vforkdemo: vfork(2) lends the parent's address space to the child and
// suspends the parent until the child exits or execs.  The child's
// writes are the parent's (one memory), the parent runs again only after
// the child's _exit (it sees every step the child took), and after an
// exec the parent's memory is its own again, intact.
//
// The child writes with write(2), not printf: it runs in the parent's
// memory and must not leave anything in the parent's stdio buffers.
#include <string.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace {

volatile int step = 0;     // how far the child got
volatile int value = 1;    // written by the child

void say(const char* s) { write(STDOUT_FILENO, s, strlen(s)); }

// Part one: the child writes and sleeps, then _exits; the parent runs
// only afterwards.
bool share_and_wait()
{
    printf("vforkdemo: pid %d: value = %d, then vfork()\n", getpid(), value);
    const pid_t pid = vfork();
    if (pid < 0) {
        perror("vforkdemo: vfork");
        return false;
    }
    if (pid == 0) {
        say("  child: running on the parent's memory; value = 42, then a 300 ms sleep\n");
        value = 42;
        step = 1;
        const struct timespec ts = {0, 300 * 1000 * 1000};
        nanosleep(&ts, nullptr);
        step = 2;
        say("  child: _exit(0)\n");
        _exit(0);
    }
    // Only now does the parent run again: the child has finished.
    printf("  parent: vfork returned %d; the child had reached step %d of 2 before I ran\n", pid,
           step);
    printf("  parent: value = %d: the child's write is mine (one address space)\n", value);
    int status;
    waitpid(pid, &status, 0);
    return step == 2 && value == 42;
}

// Part two: the child execs; the parent resumes at the exec and finds
// its memory as it was, though the child's new program has its own.
bool exec_keeps_memory()
{
    value = 7;
    printf("vforkdemo: value = %d, then vfork() and exec /bin/echo in the child\n", value);
    const pid_t pid = vfork();
    if (pid < 0) {
        perror("vforkdemo: vfork");
        return false;
    }
    if (pid == 0) {
        char* const argv[] = {const_cast<char*>("echo"),
                              const_cast<char*>("  child: this is /bin/echo, exec'd by the vfork child"),
                              nullptr};
        execv("/bin/echo", argv);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("  parent: resumed at the child's exec; value is still %d, echo exited %d\n", value,
           WEXITSTATUS(status));
    return value == 7 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

} // namespace

int main()
{
    const bool first = share_and_wait();
    const bool second = exec_keeps_memory();
    printf("vforkdemo: %s\n", first && second ? "the parent waited, shared, and kept its memory"
                                              : "something was not as vfork promises!");
    return first && second ? 0 : 1;
}
