// cat [file ...]: copies each file (or "-", or with no arguments the
// standard input) to the standard output, with read(2) and write(2).
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

namespace {

// Copies fd to stdout; false (with a message) on a read or write error.
bool copy(int fd, const char* name)
{
    static char buf[4096];
    for (;;) {
        const ssize_t n = read(fd, buf, sizeof(buf));
        if (n == 0) return true;
        if (n < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
            return false;
        }
        for (ssize_t done = 0; done < n;) {
            const ssize_t w = write(STDOUT_FILENO, buf + done, static_cast<size_t>(n - done));
            if (w < 0) {
                if (errno == EINTR) continue;
                fprintf(stderr, "cat: stdout: %s\n", strerror(errno));
                return false;
            }
            done += w;
        }
    }
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) return copy(STDIN_FILENO, "stdin") ? 0 : 1;
    int status = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-") == 0) {
            if (!copy(STDIN_FILENO, "stdin")) status = 1;
            continue;
        }
        const int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        if (!copy(fd, argv[i])) status = 1;
        close(fd);
    }
    return status;
}
