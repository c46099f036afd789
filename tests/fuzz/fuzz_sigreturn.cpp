// libFuzzer target: sigreturn's validation of a user-supplied context
// (set_mcontext, arch/riscv/sig_machdep.cpp, run on the host as the tests
// run it).  Whatever the bytes, the thread must stay in user mode with
// the kernel's sstatus bits untouched; a refused context (EINVAL) must
// leave the frame exactly as it was.  A KASSERT, a sanitizer report or a
// frame that left user mode is a finding.
#include <kernel/proc/proc.h>
#include <kernel/proc/sig_machdep.h>

#include <arch/frame.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

namespace {

void require(bool ok, const char* what)
{
    if (ok) return;
    fprintf(stderr, "set_mcontext: %s\n", what);
    abort();
}

// A user-mode sstatus as a trap from U-mode leaves it: SPIE set, SPP
// clear, FS initial, SUM clear.
constexpr uint64_t USER_SSTATUS = (uint64_t{1} << 5) | (uint64_t{1} << 13);
constexpr uint64_t SPP = uint64_t{1} << 8, SUM = uint64_t{1} << 18, SIE = uint64_t{1} << 1;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    __mcontext mc{};
    memcpy(&mc, data, size < sizeof mc ? size : sizeof mc);
    static thread td;
    arch::TrapFrame tf{};
    tf.sstatus = USER_SSTATUS;
    for (unsigned i = 0; i < 32; i++) tf.x[i] = 0x1000 + i;
    tf.sepc = 0x10000;
    td.td_frame = &tf;
    const arch::TrapFrame before = tf;
    const Errno e = set_mcontext(&td, &mc);
    require(e == Errno::Ok || e == Errno::Inval, "an errno other than EINVAL");
    if (e == Errno::Inval) {
        require(memcmp(&before, &tf, sizeof tf) == 0, "a refused context changed the frame");
        return 0;
    }
    require(!(tf.sstatus & (SPP | SUM | SIE)), "the frame left user mode or turned on SUM/SIE");
    // Only FS (and SD, which follows it) move: the kernel marks restored FP state clean.
    constexpr uint64_t FS = uint64_t{3} << 13, SD = uint64_t{1} << 63;
    require(((tf.sstatus ^ before.sstatus) & ~(FS | SD)) == 0, "sstatus changed beyond FS");
    require(tf.sepc == mc.mc_gpregs.gp_sepc && tf.x[2] == mc.mc_gpregs.gp_sp,
            "pc or sp not the context's");
    return 0;
}
