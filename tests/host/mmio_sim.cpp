#include "mmio_sim.h"

#include <lib/kassert.h>

// The buffer is never read or written through: it only gives the block an
// address of its own, which no other object or hook can share.
MmioSim::MmioSim(size_t size) : mem_(new uint8_t[size]()), size_(size)
{
    arch::mmio_hook_register(mem_, size_, this);
}

MmioSim::~MmioSim()
{
    arch::mmio_hook_unregister(this);
    delete[] mem_;
}

uint64_t MmioSim::mmio_read(size_t offset, unsigned width)
{
    KASSERT(offset + width <= size_, "read past the register block");
    uint64_t v = on_read(offset, width);
    if (width < 8) v &= (uint64_t{1} << (8 * width)) - 1; // the bytes the driver gets
    log_.push_back({false, offset, width, v});
    return v;
}

void MmioSim::mmio_write(size_t offset, unsigned width, uint64_t value)
{
    KASSERT(offset + width <= size_, "write past the register block");
    on_write(offset, width, value);
    log_.push_back({true, offset, width, value});
}

size_t MmioSim::count(bool write, size_t offset) const
{
    size_t n = 0;
    for (const Access& a : log_)
        if (a.write == write && a.offset == offset) n++;
    return n;
}

size_t MmioSim::count_width_not(unsigned width) const
{
    size_t n = 0;
    for (const Access& a : log_)
        if (a.width != width) n++;
    return n;
}
