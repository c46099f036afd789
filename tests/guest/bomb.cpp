// Issue 14's fork bomb, to run by hand from the shell and stop with ^C:
// every process forks for ever, printing every 100th failure.
//   make user-prog SRC=tests/guest/bomb.cpp OUT=build/bomb.elf
//   make run EXTRA_BIN=build/bomb.elf        then: # bomb    (^C ends it)
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main()
{
    unsigned long failures = 0;
    for (;;) {
        if (fork() < 0 && ++failures % 100 == 0)
            printf("bomb %d: %lu failures, last %s\n", getpid(), failures, strerror(errno));
    }
}
