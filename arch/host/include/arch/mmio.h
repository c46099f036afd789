// Device register access on the host.  By default a register is plain
// memory, so a test can hand a driver an array and look at what changed.
// A test that needs a device to react to an access (a FIFO that pops when
// read, a PLIC claim) registers an MmioHook for an address range: every
// access that falls in it goes to the hook instead of memory.  Host only;
// the kernel's <arch/mmio.h> has no hooks.  Single-threaded, like the tests.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <lib/kassert.h>

namespace arch {

// A simulated device: serves reads and takes writes of `width` bytes at
// `offset` from the start of its registered range.
class MmioHook {
public:
    virtual uint64_t mmio_read(size_t offset, unsigned width) = 0;
    virtual void mmio_write(size_t offset, unsigned width, uint64_t value) = 0;

protected:
    ~MmioHook() = default;
};

namespace mmio_detail {

struct Range {
    uintptr_t base;
    size_t size;
    MmioHook* hook; // nullptr: a free slot
};
inline constexpr size_t MAX_HOOKS = 8;
inline Range g_ranges[MAX_HOOKS] = {};

inline bool overlaps(const Range& r, uintptr_t a, size_t len)
{
    return r.hook && a < r.base + r.size && r.base < a + len;
}

// The hooked range an access of `width` bytes at `a` falls in, or nullptr.
// An access that straddles a range's edge is a bug in driver or test.
inline Range* find(const volatile void* a, unsigned width)
{
    auto p = reinterpret_cast<uintptr_t>(a);
    for (Range& r : g_ranges) {
        if (!overlaps(r, p, width)) continue;
        KASSERT(p >= r.base && p + width <= r.base + r.size,
                "mmio access at 0x%lx (%u bytes) straddles a hooked range's edge",
                static_cast<unsigned long>(p), width);
        return &r;
    }
    return nullptr;
}

inline size_t offset_in(const Range& r, const volatile void* a)
{
    return reinterpret_cast<uintptr_t>(a) - r.base;
}

} // namespace mmio_detail

// Send accesses to [base, base + size) to `hook` until unregistered.  The
// range must not overlap another hooked range.
inline void mmio_hook_register(volatile void* base, size_t size, MmioHook* hook)
{
    using namespace mmio_detail;
    auto b = reinterpret_cast<uintptr_t>(base);
    KASSERT(hook && size > 0, "mmio hook needs a model and a size");
    Range* slot = nullptr;
    for (Range& r : g_ranges) {
        KASSERT(!overlaps(r, b, size), "mmio hook ranges overlap at 0x%lx",
                static_cast<unsigned long>(b));
        if (!r.hook && !slot) slot = &r;
    }
    KASSERT(slot, "more mmio hooks at once than MAX_HOOKS");
    *slot = {b, size, hook};
}

// Remove every range served by `hook`; accesses there are plain memory again.
inline void mmio_hook_unregister(MmioHook* hook)
{
    for (mmio_detail::Range& r : mmio_detail::g_ranges)
        if (r.hook == hook) r = {};
}

inline uint32_t mmio_read32(const volatile void* a)
{
    if (auto* r = mmio_detail::find(a, 4))
        return static_cast<uint32_t>(r->hook->mmio_read(mmio_detail::offset_in(*r, a), 4));
    return *static_cast<const volatile uint32_t*>(a);
}
inline uint8_t mmio_read8(const volatile void* a)
{
    if (auto* r = mmio_detail::find(a, 1))
        return static_cast<uint8_t>(r->hook->mmio_read(mmio_detail::offset_in(*r, a), 1));
    return *static_cast<const volatile uint8_t*>(a);
}
inline void mmio_write32(volatile void* a, uint32_t v)
{
    if (auto* r = mmio_detail::find(a, 4))
        r->hook->mmio_write(mmio_detail::offset_in(*r, a), 4, v);
    else
        *static_cast<volatile uint32_t*>(a) = v;
}
inline void mmio_write8(volatile void* a, uint8_t v)
{
    if (auto* r = mmio_detail::find(a, 1))
        r->hook->mmio_write(mmio_detail::offset_in(*r, a), 1, v);
    else
        *static_cast<volatile uint8_t*>(a) = v;
}

} // namespace arch
