// ttywriters [writers [lines]]: several processes printing full lines to
// the terminal at once (4 writers of 300 lines by default).  Each line is
// "wK line NNN " and the alphabet twice, so a line broken by another
// writer's output is easy to find on the console: the shell boot case in
// tests/qemu/userland_cases.py forbids any line of another shape.  The
// exit status counts the writers that did not exit 0.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

constexpr const char* kFill = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

int positive(const char* s, int dflt)
{
    const int v = s ? atoi(s) : dflt;
    return v > 0 ? v : dflt;
}

} // namespace

int main(int argc, char** argv)
{
    const int writers = positive(argc > 1 ? argv[1] : nullptr, 4);
    const int lines = positive(argc > 2 ? argv[2] : nullptr, 300);
    for (int k = 0; k < writers; k++) {
        const pid_t pid = fork();
        if (pid < 0) {
            perror("ttywriters: fork");
            return 1;
        }
        if (pid == 0) {
            for (int i = 0; i < lines; i++) printf("w%d line %03d %s\n", k, i, kFill);
            exit(0);
        }
    }
    int bad = 0, status;
    while (wait(&status) > 0) bad += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    printf("ttywriters: %d writers of %d lines, %d failed\n", writers, lines, bad);
    return bad;
}
