// sleep seconds: sleeps that long (a decimal fraction is allowed:
// "sleep 0.5"), with nanosleep(2).
#include <errno.h>
#include <stdio.h>
#include <time.h>

namespace {

// "12", "0.25", "3." : whole seconds and up to nine decimals.
bool parse(const char* s, struct timespec* ts)
{
    long sec = 0, nsec = 0, scale = 100000000;
    bool digits = false;
    for (; *s >= '0' && *s <= '9'; s++, digits = true) {
        if (sec > 100000000) return false; // over three years: a typo
        sec = sec * 10 + (*s - '0');
    }
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++, digits = true) {
            nsec += (*s - '0') * scale;
            scale /= 10;
        }
    }
    if (*s || !digits) return false;
    ts->tv_sec = sec;
    ts->tv_nsec = nsec;
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    struct timespec ts;
    if (argc != 2 || !parse(argv[1], &ts)) {
        fprintf(stderr, "usage: sleep seconds\n");
        return 2;
    }
    // A caught signal cuts the sleep short; the default ones end us.
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
    return 0;
}
