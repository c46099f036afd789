#include "mmio_sim.h"

#if !defined(__x86_64__) || !defined(__linux__)
#error "MmioSim single-steps with the x86-64 trap flag under Linux"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

namespace {

MmioSim* g_active = nullptr;
constexpr greg_t EFLAGS_TF = 0x100;
constexpr greg_t PF_WRITE = 0x2; // page-fault error code: the access was a write

[[noreturn]] void die(const char* why, const uint8_t* ip)
{
    fprintf(stderr, "MmioSim: %s; instruction bytes:", why);
    for (int i = 0; ip && i < 8; i++) fprintf(stderr, " %02x", ip[i]);
    fprintf(stderr, "\n");
    abort();
}

struct Decoded {
    unsigned width; // 0: not understood
    bool write;
};

// Width and direction of the memory operand of the instructions a compiler
// uses for volatile loads and stores: mov, movzx/movsx, test, cmp.
Decoded decode(const uint8_t* ip)
{
    bool opsize16 = false;
    for (;; ip++) {
        uint8_t b = *ip;
        if (b == 0x66) opsize16 = true;
        else if (b == 0x67 || b == 0x2e || b == 0x3e || b == 0x26 || b == 0x36 || b == 0x64 ||
                 b == 0x65)
            continue;
        else
            break;
    }
    bool rexw = false;
    if ((*ip & 0xf0) == 0x40) rexw = (*ip++ & 0x08) != 0;
    unsigned full = rexw ? 8 : opsize16 ? 2 : 4;
    unsigned modrm_reg = (ip[1] >> 3) & 7;
    switch (ip[0]) {
    case 0x88: case 0xc6: return {1, true};
    case 0x89: case 0xc7: return {full, true};
    case 0x8a: case 0x84: case 0x38: case 0x3a: return {1, false};
    case 0x8b: case 0x85: case 0x39: case 0x3b: return {full, false};
    case 0xf6: return {modrm_reg == 0 ? 1u : 0u, false};       // test r/m8, imm8
    case 0xf7: return {modrm_reg == 0 ? full : 0u, false};     // test r/m, imm
    case 0x80: return {modrm_reg == 7 ? 1u : 0u, false};       // cmp r/m8, imm8
    case 0x81: case 0x83: return {modrm_reg == 7 ? full : 0u, false};
    case 0x0f:
        if (ip[1] == 0xb6 || ip[1] == 0xbe) return {1, false};
        if (ip[1] == 0xb7 || ip[1] == 0xbf) return {2, false};
        break;
    }
    return {0, false};
}

} // namespace

MmioSim::MmioSim(size_t size)
{
    if (g_active) die("two simulators at once", nullptr);
    long page = sysconf(_SC_PAGESIZE);
    size_ = (size + page - 1) / page * page;
    void* m = mmap(nullptr, size_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) die("mmap failed", nullptr);
    mem_ = static_cast<uint8_t*>(m);
    log_ = new Access[MAX_LOG];
    g_active = this;

    struct sigaction sa = {};
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sa.sa_sigaction = segv_handler;
    sigaction(SIGSEGV, &sa, &old_segv_);
    sa.sa_sigaction = trap_handler;
    sigaction(SIGTRAP, &sa, &old_trap_);
}

MmioSim::~MmioSim()
{
    sigaction(SIGSEGV, &old_segv_, nullptr);
    sigaction(SIGTRAP, &old_trap_, nullptr);
    g_active = nullptr;
    munmap(mem_, size_);
    delete[] log_;
}

void MmioSim::record(const Access& a)
{
    if (log_count_ == MAX_LOG) die("access log full", nullptr);
    log_[log_count_++] = a;
}

size_t MmioSim::count(bool write, size_t offset) const
{
    size_t n = 0;
    for (size_t i = 0; i < log_count_; i++)
        if (log_[i].write == write && log_[i].offset == offset) n++;
    return n;
}

size_t MmioSim::count_width_not(unsigned width) const
{
    size_t n = 0;
    for (size_t i = 0; i < log_count_; i++)
        if (log_[i].width != width) n++;
    return n;
}

void MmioSim::segv_handler(int, siginfo_t* si, void* ucv)
{
    auto* uc = static_cast<ucontext_t*>(ucv);
    MmioSim* sim = g_active;
    auto* addr = static_cast<uint8_t*>(si->si_addr);
    if (!sim || addr < sim->mem_ || addr >= sim->mem_ + sim->size_) {
        // Not ours: give the fault back to whoever handled it before.
        if (sim) sigaction(SIGSEGV, &sim->old_segv_, nullptr);
        else signal(SIGSEGV, SIG_DFL);
        return;
    }
    auto* ip = reinterpret_cast<const uint8_t*>(uc->uc_mcontext.gregs[REG_RIP]);
    Decoded d = decode(ip);
    bool write_fault = (uc->uc_mcontext.gregs[REG_ERR] & PF_WRITE) != 0;
    if (d.width == 0 || d.write != write_fault) die("unknown register access", ip);
    size_t off = static_cast<size_t>(addr - sim->mem_);
    if (off + d.width > sim->size_) die("access past the register block", ip);

    mprotect(sim->mem_, sim->size_, PROT_READ | PROT_WRITE);
    sim->pending_ = {d.write, off, d.width, 0};
    if (!d.write) {
        sim->pending_.value = sim->on_read(off, d.width);
        memcpy(addr, &sim->pending_.value, d.width); // little-endian
    }
    sim->stepping_ = true;
    uc->uc_mcontext.gregs[REG_EFL] |= EFLAGS_TF;
}

void MmioSim::trap_handler(int, siginfo_t*, void* ucv)
{
    auto* uc = static_cast<ucontext_t*>(ucv);
    MmioSim* sim = g_active;
    if (!sim || !sim->stepping_) die("a SIGTRAP that is not a register access", nullptr);
    uc->uc_mcontext.gregs[REG_EFL] &= ~EFLAGS_TF;
    sim->stepping_ = false;
    Access& a = sim->pending_;
    if (a.write) {
        a.value = 0;
        memcpy(&a.value, sim->mem_ + a.offset, a.width);
        sim->on_write(a.offset, a.width, a.value);
    }
    sim->record(a);
    mprotect(sim->mem_, sim->size_, PROT_NONE);
}
