// forkdemo: fork(2) copies the address space copy-on-write.  Parent and
// child start with the same variable and the same heap buffer; each
// writes its own value, and neither sees the other's.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

int counter = 100;             // in .data
constexpr size_t kPages = 4;   // a heap buffer over several pages
constexpr size_t kBytes = kPages * 4096;

bool all(const char* buf, char c)
{
    for (size_t i = 0; i < kBytes; i++)
        if (buf[i] != c) return false;
    return true;
}

} // namespace

int main()
{
    char* buf = static_cast<char*>(malloc(kBytes));
    if (!buf) {
        perror("forkdemo: malloc");
        return 1;
    }
    memset(buf, 'p', kBytes);
    printf("forkdemo: pid %d: counter = %d, a %zu-page buffer of 'p', then fork()\n", getpid(), counter,
           kPages);
    const pid_t pid = fork();
    if (pid < 0) {
        perror("forkdemo: fork");
        return 1;
    }
    if (pid == 0) {
        counter = 200;
        memset(buf, 'c', kBytes);
        printf("  child  %d: fork returned 0; I set counter = %d and filled the buffer with 'c'\n",
               getpid(), counter);
        _exit(all(buf, 'c') ? 0 : 1);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("  parent %d: fork returned %d; the child has exited (status %d)\n", getpid(), pid,
           WEXITSTATUS(status));
    const bool kept = counter == 100 && all(buf, 'p');
    printf("  parent %d: my counter is still %d and my buffer still all 'p': %s\n", getpid(), counter,
           kept ? "yes" : "NO");
    printf("forkdemo: %s\n", kept ? "copy-on-write kept the two address spaces apart"
                                  : "the child's writes leaked into the parent!");
    free(buf);
    return kept ? 0 : 1;
}
