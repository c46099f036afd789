// ktrace [-aCcdi] [-f trfile] [-t trstr] [-p pid | -g pgrp] [command ...]
// FreeBSD's ktrace(1): starts (or with -c/-C stops) kernel tracing of a
// process, a process group, or a command it then runs, into trfile
// (kdump(1) prints it).  -t picks the records (c calls and returns,
// n namei, i I/O, s signals, + the default set), -i lets children
// inherit the trace, -d takes in the process's descendants, -a appends
// instead of starting a new file, -c stops tracing (of -p/-g, or
// everything into trfile), -C stops every trace the caller may stop.
//
// The default file is FreeBSD's ./ktrace.out; Sprig's "." is the
// read-only initrd, so when that cannot be written ktrace says so and
// uses /tmp/ktrace.out (where kdump also looks).  "/dev/fd/N" (Sprig's
// ktrace(2) reads it as descriptor N) is used as it is, never created.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ktrace.h>
#include <sys/stat.h>
#include <unistd.h>

#include <user/lib/ktrace_points.h>

namespace {

int usage()
{
    fprintf(stderr, "usage: ktrace [-aCcdi] [-f trfile] [-t trstr] [-p pid | -g pgrp]\n"
                    "       ktrace [-adi] [-f trfile] [-t trstr] command ...\n");
    return 2;
}

enum class Clear { None, One, All };

struct Options {
    bool append = false;
    bool inherit = false;
    bool descend = false;
    Clear clear = Clear::None;
    const char* file = nullptr;
    int points = ktr::DEF_POINTS;
    pid_t pid = 0; // -p pid, or -g pgrp as -pgrp (ktrace(2)'s convention)
    int first_arg = 0;
};

bool parse_id(const char* s, pid_t* out)
{
    char* end;
    errno = 0;
    const long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < 1 || v > 0x7fffffff) return false;
    *out = static_cast<pid_t>(v);
    return true;
}

bool option(char c, const char* arg, Options* o)
{
    switch (c) {
    case 'a': o->append = true; return true;
    case 'C': o->clear = Clear::All; return true;
    case 'c': o->clear = Clear::One; return true;
    case 'd': o->descend = true; return true;
    case 'i': o->inherit = true; return true;
    case 'f': o->file = arg; return true;
    case 'p': return !o->pid && parse_id(arg, &o->pid);
    case 'g':
        if (o->pid || !parse_id(arg, &o->pid)) return false;
        o->pid = -o->pid;
        return true;
    case 't':
        o->points = ktr::getpoints(arg);
        if (o->points < 0) fprintf(stderr, "ktrace: unknown facility in %s\n", arg);
        return o->points >= 0;
    default: return false;
    }
}

// The options before the command (which keeps its own options).
bool parse_options(int argc, char** argv, Options* o)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        for (const char* p = argv[i] + 1; *p; p++) {
            if (!strchr("fgpt", *p)) {
                if (!option(*p, nullptr, o)) return false;
                continue;
            }
            const char* arg = p[1] ? p + 1 : (i + 1 < argc ? argv[++i] : nullptr);
            if (!arg || !option(*p, arg, o)) return false;
            break;
        }
    }
    o->first_arg = i;
    const bool command = i < argc;
    if (o->clear != Clear::None) return !command && (o->clear == Clear::All ? !o->pid : true);
    return command != (o->pid != 0); // a command or -p/-g, not both
}

bool is_fd_name(const char* f) { return strncmp(f, "/dev/fd/", 8) == 0; }

// Makes the trace file as FreeBSD's ktrace does: a new, empty file
// readable by its owner only, or with -a an existing one of the caller's.
bool create_at(const char* file, bool append)
{
    int fd;
    if (append) {
        fd = open(file, O_CREAT | O_WRONLY | O_NONBLOCK, 0600);
        if (fd < 0) return false;
        struct stat sb;
        if (fstat(fd, &sb) != 0 || sb.st_uid != getuid()) {
            fprintf(stderr, "ktrace: refuse to append to %s not owned by you\n", file);
            exit(1);
        }
        if (!S_ISREG(sb.st_mode)) {
            fprintf(stderr, "ktrace: %s not regular file\n", file);
            exit(1);
        }
    } else {
        if (unlink(file) == -1 && errno != ENOENT) return false;
        fd = open(file, O_CREAT | O_EXCL | O_WRONLY, 0600);
        if (fd < 0) return false;
    }
    close(fd);
    return true;
}

// The trace file, made; exits when it cannot be.
const char* make_file(const Options& o)
{
    if (o.file && is_fd_name(o.file)) return o.file;
    const char* file = o.file ? o.file : "ktrace.out";
    if (create_at(file, o.append)) return file;
    if (!o.file && (errno == EROFS || errno == EACCES)) {
        const char* tmp = "/tmp/ktrace.out";
        fprintf(stderr, "ktrace: cannot write ktrace.out here (%s); tracing into %s\n",
                strerror(errno), tmp);
        if (create_at(tmp, o.append)) return tmp;
        file = tmp;
    }
    fprintf(stderr, "ktrace: %s: %s\n", file, strerror(errno));
    exit(1);
}

// The file -c clears without -f: ktrace.out if there is one, else where
// make_file would have put it.
const char* existing_default()
{
    const int fd = open("ktrace.out", O_RDONLY);
    if (fd < 0) return "/tmp/ktrace.out";
    close(fd);
    return "ktrace.out";
}

int clear(const Options& o)
{
    const char* file = o.file ? o.file : existing_default();
    int ops, points = o.points, pid = o.pid;
    if (o.clear == Clear::All) {
        ops = KTROP_CLEAR | KTRFLAG_DESCEND;
        points = ktr::ALL_POINTS;
        pid = 1;
    } else {
        ops = (pid ? KTROP_CLEAR : KTROP_CLEARFILE) | (o.descend ? KTRFLAG_DESCEND : 0);
        if (o.inherit) points |= KTRFAC_INHERIT;
    }
    if (ktrace(file, ops, points, pid) < 0) {
        fprintf(stderr, "ktrace: %s: %s\n", file, strerror(errno));
        return 1;
    }
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    Options o;
    if (!parse_options(argc, argv, &o)) return usage();
    if (o.clear != Clear::None) return clear(o);
    const char* file = make_file(o);
    const int ops = KTROP_SET | (o.descend ? KTRFLAG_DESCEND : 0);
    const int points = o.points | ktr::PROC_ABI_POINTS | (o.inherit ? KTRFAC_INHERIT : 0);
    if (o.first_arg < argc) {
        // Trace ourselves, then become the command: its first records
        // are the exec's.
        if (ktrace(file, ops, points, getpid()) < 0) {
            fprintf(stderr, "ktrace: %s: %s\n", file, strerror(errno));
            return 1;
        }
        execvp(argv[o.first_arg], argv + o.first_arg);
        fprintf(stderr, "ktrace: exec of '%s' failed: %s\n", argv[o.first_arg], strerror(errno));
        return 1;
    }
    if (ktrace(file, ops, points, o.pid) < 0) {
        fprintf(stderr, "ktrace: %s: %s\n", file, strerror(errno));
        return 1;
    }
    return 0;
}
