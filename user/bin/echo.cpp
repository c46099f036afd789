// echo [-n] [word ...]: the words, separated by blanks, then a newline
// unless -n.
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv)
{
    int i = 1;
    const bool newline = !(argc > 1 && strcmp(argv[1], "-n") == 0);
    if (!newline) i++;
    for (; i < argc; i++) {
        fputs(argv[i], stdout);
        if (i + 1 < argc) putchar(' ');
    }
    if (newline) putchar('\n');
    return fflush(stdout) == 0 ? 0 : 1;
}
