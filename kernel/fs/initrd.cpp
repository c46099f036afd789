#include <kernel/fs/initrd.h>

namespace {

const void* g_base = nullptr;
size_t g_len = 0;

} // namespace

void initrd_set(const void* base, size_t len)
{
    g_base = base;
    g_len = base ? len : 0;
}

bool initrd_present() { return g_base != nullptr; }

Result<CpioEntry> initrd_lookup(const char* path)
{
    if (!g_base) return Errno::NoEnt;
    return cpio_find(g_base, g_len, path);
}
