// Kernel thread contexts: what a switch between two kernel threads saves
// (FreeBSD's struct pcb and cpu_switch).  The callee-saved registers and
// the stack pointer (the switch is an ordinary function call, so the
// compiler has already saved everything else), and gp and tp: the kernel
// never writes them, so while a thread is in the kernel they hold its
// user values, which a system call's short way back leaves in place
// (arch/riscv/trapvec.S) and another thread must not carry off.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace arch {

struct Context {
    uint64_t ra;
    uint64_t sp;
    uint64_t s[12]; // s0 (fp) .. s11
    uint64_t gp;
    uint64_t tp;
};

// Prepares ctx so that the first switch to it runs entry(arg) on the stack
// [stack_base, stack_base + size).  entry must not return: a thread leaves
// by switching away for good.
void context_init(Context* ctx, void* stack_base, size_t size, void (*entry)(void*), void* arg);

} // namespace arch

// In arch/riscv/swtch.S.
extern "C" void riscv_cpu_switch(arch::Context* from, arch::Context* to);

namespace arch {

// Saves the running thread's context in *from and resumes *to.  Returns
// when some later switch resumes *from.
inline void cpu_switch(Context* from, Context* to) { riscv_cpu_switch(from, to); }

} // namespace arch
