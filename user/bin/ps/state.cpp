// ps's STAT letters, FreeBSD's ps(1) reduced to what kinfo_proc carries.
#include "state.h"

namespace ps {
namespace {

char letter(char stat)
{
    switch (stat) {
    case SIDL: return 'I';
    case SRUN: return 'R';
    case SSLEEP: return 'S';
    case SSTOP: return 'T';
    case SZOMB: return 'Z';
    }
    return '?';
}

bool same(const char* a, const char* b)
{
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

} // namespace

void state(const kinfo_proc& k, char out[kStateLen])
{
    *out++ = letter(k.ki_stat);
    if (same(k.ki_wmesg, KI_WMESG_PPWAIT)) *out++ = 'V';
    if (k.ki_flag & KI_P_PPWAIT) *out++ = 'v';
    // proc0 has pid 0 and session 0, but leads nothing.
    if (k.ki_pid > 0 && k.ki_pid == k.ki_sid && k.ki_stat != SZOMB) *out++ = 's';
    if (k.ki_flag & KI_P_KTHREAD) *out++ = 'K';
    *out = '\0';
}

} // namespace ps
