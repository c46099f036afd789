// kdump [-dEHnRsT] [-f trfile] [-m maxdata] [-p pid] [-t trstr]
// FreeBSD's kdump(1): prints the records ktrace(1) wrote (ktrace.out, or
// /tmp/ktrace.out where ktrace had to put it; "-" reads standard input,
// so `ktrace -f /dev/fd/3 cmd 3>&1 1>&2 | kdump -f -` works) in kdump's
// format.  -H adds thread ids, -T absolute times, -R times since the
// previous record, -E since the first; -n prints numbers undecoded, -d
// in decimal; -s leaves out I/O data and -m limits it; -p keeps one
// process, -t some record types (ktrace's letters).  A file that is not
// a trace, or is cut short, is reported with the record and offset at
// fault (exit 1).
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <user/lib/ktrace_format.h>
#include <user/lib/ktrace_points.h>
#include <user/lib/ktrace_reader.h>

namespace {

int usage()
{
    fprintf(stderr, "usage: kdump [-dEHnRsT] [-f trfile] [-m maxdata] [-p pid] [-t trstr]\n");
    return 2;
}

bool parse_long(const char* s, long lo, long hi, long* out)
{
    char* end;
    errno = 0;
    const long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > hi) return false;
    *out = v;
    return true;
}

// One option letter (with its argument, if it takes one); false if it
// is unknown or its argument is bad.
bool option(char c, const char* arg, ktr::Options* o, const char** file)
{
    long v = 0;
    switch (c) {
    case 'd': o->decimal = true; return true;
    case 'E': o->time = ktr::Timestamps::Elapsed; return true;
    case 'H': o->threads = true; return true;
    case 'n': o->fancy = false; return true;
    case 'R': o->time = ktr::Timestamps::Relative; return true;
    case 's': o->suppress_data = true; return true;
    case 'T': o->time = ktr::Timestamps::Absolute; return true;
    case 'f': *file = arg; return true;
    case 'm':
        if (!parse_long(arg, 0, 1L << 30, &v)) return false;
        o->maxdata = v;
        return true;
    case 'p':
        if (!parse_long(arg, 1, 0x7fffffff, &v)) return false;
        o->pid = int32_t(v);
        return true;
    case 't':
        o->points = ktr::getpoints(arg);
        if (o->points < 0) {
            fprintf(stderr, "kdump: unknown trace point in %s\n", arg);
            return false;
        }
        return true;
    default: return false;
    }
}

bool takes_arg(char c) { return strchr("fmpt", c) != nullptr; }

bool parse_options(int argc, char** argv, ktr::Options* o, const char** file)
{
    for (int i = 1; i < argc; i++) {
        const char* a = argv[i];
        if (a[0] != '-' || !a[1]) return false; // kdump takes no operands
        if (strcmp(a, "--") == 0) return i + 1 == argc;
        for (const char* p = a + 1; *p; p++) {
            if (!takes_arg(*p)) {
                if (!option(*p, nullptr, o, file)) return false;
                continue;
            }
            const char* arg = p[1] ? p + 1 : (i + 1 < argc ? argv[++i] : nullptr);
            if (!arg || !option(*p, arg, o, file)) return false;
            break;
        }
    }
    return true;
}

long fd_read(void* ctx, void* buf, size_t n) { return read(*static_cast<int*>(ctx), buf, n); }

void stdout_write(void*, const char* s, size_t n) { fwrite(s, 1, n, stdout); }

// The default trace file: ./ktrace.out as FreeBSD's, or, since "." is
// the read-only initrd unless ktrace could write there, /tmp/ktrace.out.
int open_default(const char** name)
{
    int fd = open("ktrace.out", O_RDONLY);
    if (fd >= 0) return fd;
    const int first = errno;
    fd = open("/tmp/ktrace.out", O_RDONLY);
    if (fd >= 0) {
        *name = "/tmp/ktrace.out";
        return fd;
    }
    errno = first;
    return -1;
}

} // namespace

int main(int argc, char** argv)
{
    ktr::Options o;
    const char* file = nullptr;
    if (!parse_options(argc, argv, &o, &file)) return usage();
    int fd;
    if (file && strcmp(file, "-") == 0) {
        fd = STDIN_FILENO;
    } else if (file) {
        fd = open(file, O_RDONLY);
    } else {
        file = "ktrace.out";
        fd = open_default(&file);
    }
    if (fd < 0) {
        fprintf(stderr, "kdump: %s: %s\n", file, strerror(errno));
        return 1;
    }
    ktr::Reader reader({fd_read, &fd});
    ktr::Formatter f(o, {stdout_write, nullptr});
    ktr::Record r;
    for (;;) {
        const ktr::Status st = reader.next(&r);
        if (st == ktr::Status::End) break;
        if (st == ktr::Status::Error) {
            fflush(stdout);
            fprintf(stderr, "kdump: %s: %s\n", file, reader.error());
            return 1;
        }
        f.record(r);
        if (fd == STDIN_FILENO) fflush(stdout); // a pipe: show each record as it comes
    }
    fflush(stdout);
    return 0;
}
