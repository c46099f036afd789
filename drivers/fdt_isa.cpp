// Reading RISC-V ISA strings as device trees carry them (riscv,isa):
// "rv64" + single-letter extensions + '_'-separated multi-letter ones, in
// any case, optionally with version numbers ("rv64i2p1m2p0_zicsr2p0").
#include <drivers/fdt_platform.h>

#include <string.h>

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Case-insensitive: does s[0..len) equal the NUL-terminated `want`?
bool equals_ci(const char* s, size_t len, const char* want)
{
    size_t i = 0;
    for (; i < len && want[i] != '\0'; i++)
        if (lower(s[i]) != lower(want[i])) return false;
    return i == len && want[i] == '\0';
}

// Multi-letter extensions start with one of these; the single-letter run
// ends at the first of them (or at '_').
bool starts_multi(char c)
{
    c = lower(c);
    return c == 's' || c == 'x' || c == 'z';
}

// The name of a multi-letter token without a trailing version: "zicsr2p0"
// and "zicsr2" give "zicsr"; returns the name's length.
size_t without_version(const char* s, size_t len)
{
    size_t e = len;
    while (e > 0 && is_digit(s[e - 1])) e--;
    if (e >= 2 && e < len && lower(s[e - 1]) == 'p' && is_digit(s[e - 2])) {
        e--;
        while (e > 0 && is_digit(s[e - 1])) e--;
    }
    return e;
}

// Scans the single letters after "rvXX"; sets *g when G is among them.
// Returns where the multi-letter part begins.
const char* scan_single(const char* p, char want, bool* found, bool* g)
{
    bool after_digit = false;
    for (; *p != '\0' && *p != '_' && !starts_multi(*p); p++) {
        const char c = lower(*p);
        if (is_digit(c)) {
            after_digit = true;
            continue;
        }
        if (c == 'p' && after_digit && is_digit(p[1])) continue; // "2p1": a version
        after_digit = false;
        if (c == want) *found = true;
        if (c == 'g') *g = true;
    }
    return p;
}

} // namespace

bool isa_has_extension(const char* isa, const char* ext)
{
    if (isa == nullptr || ext == nullptr || ext[0] == '\0') return false;
    if (lower(isa[0]) != 'r' || lower(isa[1]) != 'v' || !is_digit(isa[2])) return false;
    const char* p = isa + 2;
    while (is_digit(*p)) p++;

    const bool single = ext[1] == '\0';
    bool found = false;
    bool g = false;
    p = scan_single(p, single ? lower(ext[0]) : '\0', &found, &g);
    if (single) return found || (g && strchr("imafd", lower(ext[0])) != nullptr);
    if (g && (equals_ci("zicsr", 5, ext) || equals_ci("zifencei", 8, ext))) return true;

    while (*p != '\0') {
        if (*p == '_') {
            p++;
            continue;
        }
        size_t len = 0;
        while (p[len] != '\0' && p[len] != '_') len++;
        if (equals_ci(p, len, ext) || equals_ci(p, without_version(p, len), ext)) return true;
        p += len;
    }
    return false;
}

bool fdt_cpu_has_extension(const FdtPlatform& plat, const char* ext)
{
    if (plat.isa[0] != '\0') return isa_has_extension(plat.isa, ext);
    for (uint32_t i = 0; const char* s = plat.isa_extensions.string_at(i); i++)
        if (equals_ci(s, strlen(s), ext)) return true;
    return false;
}
