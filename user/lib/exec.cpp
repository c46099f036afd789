// execve and the exec family built on it (FreeBSD's lib/libc/gen/exec.c,
// reduced): execv with the current environment, execvp with a PATH
// search (default /bin).
#include <abi/syscall.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "syscall.h"

using sprig::reg;

namespace {

constexpr size_t kPathMax = 1024; // FreeBSD's PATH_MAX
constexpr const char* kDefaultPath = "/bin";

// Tries dir/file; false when the name is too long for the buffer.
bool try_in(const char* dir, size_t dirlen, const char* file, char* const argv[])
{
    char path[kPathMax];
    const size_t flen = strlen(file);
    if (dirlen + 1 + flen + 1 > sizeof(path)) return false;
    memcpy(path, dir, dirlen);
    path[dirlen] = '/';
    memcpy(path + dirlen + 1, file, flen + 1);
    execv(path, argv);
    return true;
}

} // namespace

extern "C" {

int execve(const char* path, char* const argv[], char* const envp[])
{
    return static_cast<int>(sprig::syscall(SYS_execve, reg(path), reg(argv), reg(envp)));
}

int execv(const char* path, char* const argv[]) { return execve(path, argv, environ); }

// A name with a slash is a path; otherwise each PATH directory is tried
// in turn.  ENOENT from one directory moves on; EACCES is remembered
// and reported if nothing else works, as FreeBSD does.
int execvp(const char* file, char* const argv[])
{
    if (!*file) {
        errno = ENOENT;
        return -1;
    }
    if (strchr(file, '/')) return execv(file, argv);
    const char* path = getenv("PATH");
    if (!path) path = kDefaultPath;
    bool denied = false;
    for (const char* p = path;;) {
        const char* end = p;
        while (*end && *end != ':') end++;
        const size_t len = static_cast<size_t>(end - p);
        // An empty entry means the current directory: Sprig has none.
        if (len) {
            if (!try_in(p, len, file, argv)) errno = ENAMETOOLONG;
            if (errno == EACCES)
                denied = true;
            else if (errno != ENOENT && errno != ENAMETOOLONG)
                return -1; // found but not runnable (ENOEXEC, E2BIG ...)
        }
        if (!*end) break;
        p = end + 1;
    }
    errno = denied ? EACCES : ENOENT;
    return -1;
}

} // extern "C"
