// ps: every process, from sysctl kern.proc.all ({CTL_KERN, KERN_PROC,
// KERN_PROC_ALL}, an array of struct kinfo_proc from abi/sysctl.h).
//
// STAT: see state.h.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysctl.h>

#include "state.h"

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

} // namespace

int main()
{
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
    printf("  PID  PPID  PGID   SID   UID STAT WCHAN    COMMAND\n");
    for (size_t i = 0; i < n; i++) {
        const kinfo_proc& k = procs[i];
        char st[ps::kStateLen];
        ps::state(k, st);
        printf("%5d %5d %5d %5d %5u %-4s %-8s %s\n", k.ki_pid, k.ki_ppid, k.ki_pgid, k.ki_sid,
               k.ki_uid, st, k.ki_wmesg[0] ? k.ki_wmesg : "-", k.ki_comm);
    }
    free(procs);
    return 0;
}
