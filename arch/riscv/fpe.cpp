// The lazy FP switch, exec's clean start, fork's copy and the signal
// frame's FP part (see arch/fpe.h).  The host compiles this file too
// (arch/host/fpe.cpp), with fpe_store/fpe_load over simulated registers.
#include <arch/fpe.h>

#include <kernel/proc/proc.h>
#include <lib/kassert.h>
#include <mm/intr_off.h>

#include <stddef.h>
#include <string.h>

#include "include/arch/csr.h"

extern "C" void fpe_store(arch::FpState* st);
extern "C" void fpe_load(const arch::FpState* st);

namespace {


using riscv::SSTATUS_FS;
constexpr uint64_t FS_OFF = 0;
constexpr uint64_t FS_INITIAL = uint64_t{1} << 13;
constexpr uint64_t FS_CLEAN = uint64_t{2} << 13;
constexpr uint64_t FS_DIRTY = uint64_t{3} << 13;

// Whose user FP state the registers hold (nullptr: nobody's).
thread* g_fpcurthread = nullptr;

// The registers hold the initial state (all zero, as exec leaves them) and
// nobody has written them since: true after loading an Initial thread's
// state, and still true when that thread leaves the CPU with FS Initial
// (user mode writing any register would have made it Dirty).  Switching
// to another Initial thread then loads nothing: every process leaves exec
// with FP on, and most never touch it.
bool g_fpinitial = false;

uint64_t fs(const thread* td) { return td->td_frame ? td->td_frame->sstatus & SSTATUS_FS : FS_OFF; }

void set_fs(thread* td, uint64_t v)
{
    KASSERT(td->td_frame, "thread %s has no user frame", td->td_name);
    td->td_frame->sstatus = (td->td_frame->sstatus & ~SSTATUS_FS) | v;
}

// Saves td's registers if the user changed them since they were loaded
// or saved.  Interrupts off.
void fpe_save(thread* td)
{
    if (fs(td) != FS_DIRTY) return;
    // Only running user code makes the state Dirty, and it runs with its
    // own state loaded.
    KASSERT(g_fpcurthread == td, "thread %s is FP-dirty but the registers are %s's", td->td_name,
            g_fpcurthread ? g_fpcurthread->td_name : "nobody");
    fpe_store(&td->td_md.md_fp);
    set_fs(td, FS_CLEAN);
}

// Loads td's save area into the registers.  Interrupts off.
void fpe_restore(thread* td)
{
    fpe_load(&td->td_md.md_fp);
    g_fpcurthread = td;
    g_fpinitial = false;
}

// The registers and a save area both holding the initial state.
bool fp_is_initial(const arch::FpState& st)
{
    const arch::FpState zero{};
    return memcmp(&st, &zero, sizeof st) == 0;
}

// td, FS Initial, gets the CPU: its state is all zero, so registers that
// hold zeros already need no load.  Interrupts off.
void fpe_restore_initial(thread* td)
{
    KASSERT(fp_is_initial(td->td_md.md_fp), "thread %s is FP-Initial with a non-zero save area",
            td->td_name);
    if (g_fpinitial) {
        if (INVARIANTS) {
            arch::FpState regs;
            fpe_store(&regs);
            KASSERT(fp_is_initial(regs), "FP registers not zero for Initial thread %s", td->td_name);
        }
        g_fpcurthread = td;
        return;
    }
    fpe_restore(td);
    g_fpinitial = true;
}

} // namespace

namespace arch {

void cpu_switch_fp(thread* from, thread* to)
{
    // Interrupts are off: mi_switch's only caller asserts it (no IntrOff
    // here: a switch pays for every instruction).
    if (from) {
        fpe_save(from);
        if (from == g_fpcurthread) g_fpinitial = g_fpinitial && fs(from) == FS_INITIAL;
    }
    if (g_fpcurthread == to) return;
    const uint64_t want = fs(to);
    if (want == FS_INITIAL)
        fpe_restore_initial(to);
    else if (want != FS_OFF)
        fpe_restore(to);
}

void cpu_exec_fpinit(thread* td)
{
    IntrOff off;
    td->td_md.md_fp = FpState{};
    fpe_restore(td);
    g_fpinitial = true;
    set_fs(td, FS_INITIAL);
}

bool cpu_fpstate_get(thread* td, fpregs* fp)
{
    IntrOff off;
    *fp = fpregs{};
    if (fs(td) == FS_OFF) return false;
    fpe_save(td);
    for (int i = 0; i < 32; i++) fp->fp_x[i][0] = td->td_md.md_fp.f[i];
    fp->fp_fcsr = td->td_md.md_fp.fcsr;
    return true;
}

void cpu_fpstate_set(thread* td, const fpregs* fp)
{
    IntrOff off;
    for (int i = 0; i < 32; i++) td->td_md.md_fp.f[i] = fp->fp_x[i][0];
    // fcsr has 8 bits (frm and fflags); the rest reads as zero anyway.
    td->td_md.md_fp.fcsr = fp->fp_fcsr & 0xff;
    fpe_restore(td);
    set_fs(td, FS_CLEAN);
}

void fpe_fork(thread* td1, thread* td2)
{
    IntrOff off;
    if (!td1->td_frame || fs(td1) == FS_OFF) {
        td2->td_md.md_fp = FpState{};
        if (td2->td_frame) set_fs(td2, FS_OFF);
        return;
    }
    fpe_save(td1);
    td2->td_md.md_fp = td1->td_md.md_fp;
    // Its registers come from the save area when it first runs; a parent
    // that never touched them passes on the initial state, which needs no
    // load when the registers hold it already.
    set_fs(td2, fs(td1) == FS_INITIAL ? FS_INITIAL : FS_CLEAN);
}

void fpe_thread_free(thread* td)
{
    IntrOff off;
    if (g_fpcurthread == td) {
        g_fpcurthread = nullptr;
        g_fpinitial = false; // td may have written them after it last left the CPU
    }
}

} // namespace arch
