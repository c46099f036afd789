// dmesg: the kernel's messages since boot (kern.msgbuf: the latest
// 16 KiB, whole lines, oldest first).
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysctl.h>
#include <unistd.h>

int main(int argc, char**)
{
    if (argc > 1) {
        fprintf(stderr, "usage: dmesg\n");
        return 1;
    }
    size_t len = 0;
    char* buf = nullptr;
    // The buffer may grow between the two calls: ask again, with room.
    for (int tries = 0;; tries++) {
        if (sysctlbyname("kern.msgbuf", nullptr, &len, nullptr, 0) < 0) break;
        len += 512;
        free(buf);
        buf = static_cast<char*>(malloc(len));
        if (!buf) {
            errno = ENOMEM;
            break;
        }
        if (sysctlbyname("kern.msgbuf", buf, &len, nullptr, 0) == 0) {
            fwrite(buf, 1, len, stdout);
            if (len && buf[len - 1] != '\n') putchar('\n');
            free(buf);
            return fflush(stdout) == 0 ? 0 : 1;
        }
        if (errno != ENOMEM || tries == 3) break;
    }
    fprintf(stderr, "dmesg: kern.msgbuf: %s\n", strerror(errno));
    free(buf);
    return 1;
}
