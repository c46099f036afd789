// ps [-alx] [-o keyword[,keyword...]]: every process, from sysctl
// kern.proc.all ({CTL_KERN, KERN_PROC, KERN_PROC_ALL}, an array of
// struct kinfo_proc from abi/sysctl.h).  -l adds PRI and TIME (CPU time
// used, user and system); -o picks the columns (columns.h lists the
// keywords; several -o add up); -a and -x are accepted for FreeBSD
// habits: Sprig's ps always lists every process, other users' and those
// without a terminal too.  Anything else is a usage error.
//
// STAT: see state.h.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysctl.h>

#include "columns.h"

namespace {

// The process table, in a malloc'd buffer; retries while it grows.
kinfo_proc* fetch(size_t* count)
{
    const int mib[] = {CTL_KERN, KERN_PROC, KERN_PROC_ALL};
    for (int tries = 0; tries < 5; tries++) {
        size_t len = 0;
        if (sysctl(mib, 3, nullptr, &len, nullptr, 0) < 0) return nullptr;
        len += 8 * sizeof(kinfo_proc); // room for a few forked meanwhile
        auto* procs = static_cast<kinfo_proc*>(malloc(len));
        if (!procs) return nullptr;
        if (sysctl(mib, 3, procs, &len, nullptr, 0) == 0) {
            *count = len / sizeof(kinfo_proc);
            return procs;
        }
        free(procs);
        if (errno != ENOMEM) return nullptr;
    }
    return nullptr;
}

int usage()
{
    fprintf(stderr, "usage: ps [-alx] [-o keyword[,keyword...]]\n"
                    "keywords: pid ppid pgid sid uid pri stat wchan time comm\n");
    return 1;
}

// The options into *c; false (with a message) for a bad one.
bool options(int argc, char** argv, ps::Columns* c)
{
    bool lng = false, picked = false;
    for (int i = 1; i < argc; i++) {
        const char* a = argv[i];
        if (a[0] != '-' || !a[1]) return false;
        for (const char* p = a + 1; *p; p++) {
            if (*p == 'a' || *p == 'x') continue;
            if (*p == 'l') {
                lng = true;
                continue;
            }
            if (*p != 'o') return false;
            const char* list = p[1] ? p + 1 : (i + 1 < argc ? argv[++i] : nullptr);
            const char* bad = nullptr;
            if (!list || !ps::parse_columns(list, c, &bad)) {
                if (bad) fprintf(stderr, "ps: %s: keyword not found\n", bad);
                return false;
            }
            picked = true;
            break;
        }
    }
    if (!picked) *c = lng ? ps::long_columns() : ps::default_columns();
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    ps::Columns cols;
    if (!options(argc, argv, &cols)) return usage();
    size_t n = 0;
    kinfo_proc* procs = fetch(&n);
    if (!procs) {
        fprintf(stderr, "ps: kern.proc.all: %s\n", strerror(errno));
        return 1;
    }
    if (n && procs[0].ki_structsize != static_cast<int>(sizeof(kinfo_proc))) {
        fprintf(stderr, "ps: kinfo_proc is %d bytes, ps knows %zu\n", procs[0].ki_structsize,
                sizeof(kinfo_proc));
        return 1;
    }
    char text[256];
    ps::header(cols, text, sizeof text);
    printf("%s\n", text);
    for (size_t i = 0; i < n; i++) {
        ps::line(cols, procs[i], text, sizeof text);
        printf("%s\n", text);
    }
    free(procs);
    return 0;
}
