// ktrace's -t letters: see ktrace_points.h.
#include "ktrace_points.h"

namespace ktr {

namespace {

int letter_points(char c)
{
    switch (c) {
    case 'a': return ALL_POINTS;
    case 'c': return KTRFAC_SYSCALL | KTRFAC_SYSRET;
    case 'f': return KTRFAC_FAULT | KTRFAC_FAULTEND;
    case 'i': return KTRFAC_GENIO;
    case 'n': return KTRFAC_NAMEI;
    case 'p': return KTRFAC_CAPFAIL;
    case 's': return KTRFAC_PSIG;
    case 't': return KTRFAC_STRUCT | KTRFAC_STRUCT_ARRAY;
    case 'u': return KTRFAC_USER;
    case 'w': return KTRFAC_CSW;
    case 'y': return KTRFAC_SYSCTL;
    case '+': return DEF_POINTS;
    default: return -1;
    }
}

} // namespace

int getpoints(const char* trstr)
{
    if (!trstr || !*trstr) return -1;
    int facs = 0;
    for (; *trstr; trstr++) {
        const int p = letter_points(*trstr);
        if (p < 0) return -1;
        facs |= p;
    }
    return facs;
}

} // namespace ktr
