// A simulated register block for driver tests.
//
// A plain memory buffer shows what a driver wrote last, but not what it
// read, nor can the "device" react to a read (a receive FIFO pops when its
// data register is read; a PLIC claim hands out the next source).  MmioSim
// owns a buffer, hands its address out as the register base, and registers
// itself with the host's <arch/mmio.h> as the hook for that range: every
// arch::mmio_* access there is served by the model (on_read/on_write)
// instead of memory, and logged.  So the driver runs unmodified, and the
// test sees each access in order with its offset, width and value.
//
// Several simulators may be alive at once (up to arch's MAX_HOOKS); the
// driver must be single-threaded.
#pragma once

#include <arch/mmio.h>

#include <stddef.h>
#include <stdint.h>
#include <vector>

class MmioSim : private arch::MmioHook {
public:
    struct Access {
        bool write;
        size_t offset;
        unsigned width; // bytes
        uint64_t value; // what was read (as the driver saw it) or written
    };

    explicit MmioSim(size_t size);
    virtual ~MmioSim();
    MmioSim(const MmioSim&) = delete;
    MmioSim& operator=(const MmioSim&) = delete;

    volatile void* base() const { return mem_; }

    // Every access since construction or the last clear_log(), in order.
    size_t log_size() const { return log_.size(); }
    const Access& log(size_t i) const { return log_.at(i); }
    void clear_log() { log_.clear(); }
    // How many logged accesses match direction and offset.
    size_t count(bool write, size_t offset) const;
    // How many logged accesses have another width than `width`.
    size_t count_width_not(unsigned width) const;

protected:
    // The model: the value a read of `width` bytes at `offset` returns, and
    // what a write does.
    virtual uint64_t on_read(size_t offset, unsigned width) = 0;
    virtual void on_write(size_t offset, unsigned width, uint64_t value) = 0;

private:
    uint64_t mmio_read(size_t offset, unsigned width) override;
    void mmio_write(size_t offset, unsigned width, uint64_t value) override;

    uint8_t* mem_;
    size_t size_;
    std::vector<Access> log_;
};
