// Fake physical memory for host tests: a block of host memory that poses
// as RAM at a chosen physical base (0x8000_0000 like QEMU virt, or
// 0x4000_0000 like the VisionFive 2).  One arena is current at a time;
// arch::phys_to_virt() translates through it and panics on addresses
// outside it.  Tests make a fresh arena each, so nothing carries over.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <lib/addr.h>

class HostArena {
public:
    HostArena(PhysAddr base, uint64_t size);
    ~HostArena();
    HostArena(const HostArena&) = delete;
    HostArena& operator=(const HostArena&) = delete;

    PhysAddr base() const { return base_; }
    uint64_t size() const { return size_; }
    PhysRange range() const { return {base_, size_}; }
    bool contains(PhysAddr pa, uint64_t len = 1) const
    {
        return pa >= base_ && len <= size_ && pa.value() - base_.value() <= size_ - len;
    }
    void* host_ptr(PhysAddr pa) const;
    PhysAddr phys_of(const void* p) const;

    static HostArena* current();

private:
    PhysAddr base_;
    uint64_t size_;
    unsigned char* mem_;
    HostArena* prev_;
};
