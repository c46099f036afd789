#include "sbi.h"

namespace sbi {

namespace {
bool g_dbcn = false;
bool g_time = false;
bool g_srst = false;
bool g_probed = false;

Ret legacy(uint64_t ext, uint64_t a0)
{
    register uint64_t r_a0 __asm__("a0") = a0;
    register uint64_t r_a7 __asm__("a7") = ext;
    __asm__ volatile("ecall" : "+r"(r_a0) : "r"(r_a7) : "memory", "a1");
    return {static_cast<long>(r_a0), 0};
}

bool probe_extension(uint64_t ext) { return call(EXT_BASE, 3, ext).value != 0; }
} // namespace

Ret call(uint64_t ext, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2)
{
    register uint64_t r_a0 __asm__("a0") = a0;
    register uint64_t r_a1 __asm__("a1") = a1;
    register uint64_t r_a2 __asm__("a2") = a2;
    register uint64_t r_a6 __asm__("a6") = fid;
    register uint64_t r_a7 __asm__("a7") = ext;
    __asm__ volatile("ecall"
                     : "+r"(r_a0), "+r"(r_a1)
                     : "r"(r_a2), "r"(r_a6), "r"(r_a7)
                     : "memory");
    return {static_cast<long>(r_a0), static_cast<long>(r_a1)};
}

void probe()
{
    g_dbcn = probe_extension(EXT_DBCN);
    g_time = probe_extension(EXT_TIME);
    g_srst = probe_extension(EXT_SRST);
    g_probed = true;
}

bool has_dbcn() { return g_dbcn; }
bool has_time() { return g_time; }

void console_putchar(char c)
{
    // Before probe() we cannot know about DBCN: the legacy call is in
    // every OpenSBI we meet (the VisionFive 2's 1.2 has no DBCN).
    if (g_probed && g_dbcn)
        call(EXT_DBCN, 2, static_cast<unsigned char>(c));
    else
        legacy(LEGACY_PUTCHAR, static_cast<unsigned char>(c));
}

void set_timer(uint64_t when)
{
    if (g_time)
        call(EXT_TIME, 0, when);
    else
        legacy(LEGACY_SET_TIMER, when);
}

void shutdown(bool failure)
{
    if (g_srst) call(EXT_SRST, 0, 0 /* shutdown */, failure ? 1 : 0);
    legacy(LEGACY_SHUTDOWN, 0);
}

long spec_version() { return call(EXT_BASE, 0).value; }
long impl_id() { return call(EXT_BASE, 1).value; }
long impl_version() { return call(EXT_BASE, 2).value; }

const char* impl_name(long id)
{
    switch (id) {
    case 0: return "BBL";
    case 1: return "OpenSBI";
    case 2: return "Xvisor";
    case 3: return "KVM";
    case 4: return "RustSBI";
    case 5: return "Diosix";
    default: return "unknown";
    }
}

} // namespace sbi
