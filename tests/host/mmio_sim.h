// A simulated register block for driver tests.
//
// A plain memory buffer shows what a driver wrote last, but not what it
// read, nor can the "device" react to a read (a receive FIFO pops when its
// data register is read; a PLIC claim hands out the next source).  MmioSim
// maps an inaccessible region and serves every access to it from a model:
// the access faults (SIGSEGV), the handler decodes the instruction's width
// and direction, puts the model's value in place for a read, opens the
// region and single-steps the instruction with the x86 trap flag; the
// SIGTRAP that follows hands a write's value to the model and closes the
// region again.  So the driver runs unmodified, through <arch/mmio.h>, and
// the test sees each access in order with its offset, width and value.
//
// x86-64 Linux hosts only; one MmioSim alive at a time; the driver must be
// single-threaded.  An access the decoder does not know aborts the test run
// with the instruction bytes (extend decode() in mmio_sim.cpp).
#pragma once

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

class MmioSim {
public:
    struct Access {
        bool write;
        size_t offset;
        unsigned width; // bytes
        uint64_t value; // what was read or written
    };
    static constexpr size_t MAX_LOG = 1 << 16;

    explicit MmioSim(size_t size);
    virtual ~MmioSim();
    MmioSim(const MmioSim&) = delete;
    MmioSim& operator=(const MmioSim&) = delete;

    volatile void* base() const { return mem_; }

    // Every access since construction or the last clear_log(), in order.
    size_t log_size() const { return log_count_; }
    const Access& log(size_t i) const { return log_[i]; }
    void clear_log() { log_count_ = 0; }
    // How many logged accesses match direction and offset.
    size_t count(bool write, size_t offset) const;
    // How many logged accesses have another width than `width`.
    size_t count_width_not(unsigned width) const;

protected:
    // The model: the value a read of `width` bytes at `offset` returns, and
    // what a write does.  Called from the signal handlers; keep them free
    // of allocation where a test can.
    virtual uint64_t on_read(size_t offset, unsigned width) = 0;
    virtual void on_write(size_t offset, unsigned width, uint64_t value) = 0;

private:
    static void segv_handler(int sig, siginfo_t* si, void* uc);
    static void trap_handler(int sig, siginfo_t* si, void* uc);
    void record(const Access& a);

    uint8_t* mem_ = nullptr;
    size_t size_ = 0;
    struct sigaction old_segv_ = {};
    struct sigaction old_trap_ = {};
    Access pending_ = {};
    bool stepping_ = false;
    Access* log_ = nullptr;
    size_t log_count_ = 0;
};
