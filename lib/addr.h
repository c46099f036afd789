// Strong address types: a physical address is a number, never a pointer.
// The only way from one to something the kernel can dereference is
// arch::phys_to_virt(), so "physical address used as a pointer" does not
// compile.
#pragma once

#include <compare>
#include <stdint.h>

template <typename Tag>
class Address {
public:
    constexpr Address() = default;
    constexpr explicit Address(uint64_t v) : v_(v) {}

    constexpr uint64_t value() const { return v_; }
    constexpr Address operator+(uint64_t off) const { return Address(v_ + off); }
    constexpr Address operator-(uint64_t off) const { return Address(v_ - off); }
    constexpr uint64_t operator-(Address o) const { return v_ - o.v_; }
    constexpr Address& operator+=(uint64_t off) { v_ += off; return *this; }
    constexpr auto operator<=>(const Address&) const = default;

    constexpr Address align_down(uint64_t a) const { return Address(v_ & ~(a - 1)); }
    constexpr Address align_up(uint64_t a) const { return Address((v_ + a - 1) & ~(a - 1)); }
    constexpr bool is_aligned(uint64_t a) const { return (v_ & (a - 1)) == 0; }

private:
    uint64_t v_ = 0;
};

struct PhysTag;
struct VirtTag;
using PhysAddr = Address<PhysTag>;
using VirtAddr = Address<VirtTag>;

// A half-open range [base, base + size) of physical memory.
struct PhysRange {
    PhysAddr base;
    uint64_t size = 0;

    constexpr PhysAddr end() const { return base + size; }
    constexpr bool contains(PhysAddr pa) const { return pa >= base && pa < end(); }
    constexpr bool overlaps(const PhysRange& o) const
    {
        return base < o.end() && o.base < end();
    }
};
