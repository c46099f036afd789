// The smallest Sprig program over picolibc: what docs/userland.md builds
// to show how to make your own.
#include <stdio.h>
#include <unistd.h>

int main(int argc, char** argv)
{
    printf("hello from pid %d:", getpid());
    for (int i = 0; i < argc; i++) printf(" %s", argv[i]);
    printf("\n");
    return 0;
}
