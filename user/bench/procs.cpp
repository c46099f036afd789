// Process-creation operations; see procs.h.
#include "procs.h"

#include <sys/wait.h>
#include <unistd.h>

namespace bench {

namespace {

constexpr size_t PAGE = 4096;

// rfork_thread's child runs here; one child at a time, so one stack.
alignas(16) char thread_stack[16384];

int thread_body(void*) { return 0; }

} // namespace

Made made;

bool reap(int pid)
{
    if (pid < 0) return false;
    int status = 0;
    if (wait4(pid, &status, 0, nullptr) != pid) return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

bool fork_exit_wait()
{
    const pid_t pid = fork();
    if (pid == 0) _exit(0);
    return reap(pid);
}

bool fork_touch_wait(char* region, size_t pages, bool child_writes)
{
    const pid_t pid = fork();
    if (pid == 0) {
        if (child_writes)
            for (size_t i = 0; i < pages; i++) region[i * PAGE] = 2;
        _exit(0);
    }
    return reap(pid);
}

bool vfork_exit_wait()
{
    const pid_t pid = vfork();
    if (pid == 0) _exit(0);
    return reap(pid);
}

bool vfork_exec_wait(const char* path)
{
    char* const argv[] = {const_cast<char*>(path), nullptr};
    const pid_t pid = vfork();
    if (pid == 0) {
        execve(path, argv, environ);
        _exit(127);
    }
    return reap(pid);
}

bool rfork_thread_wait()
{
    return reap(rfork_thread(RFPROC | RFMEM, thread_stack + sizeof(thread_stack), thread_body,
                             nullptr));
}

bool rfork_cfdg_wait()
{
    const pid_t pid = rfork(RFPROC | RFCFDG);
    if (pid == 0) _exit(0);
    return reap(pid);
}

} // namespace bench
