// sigaltstack(2) as user programs make it: through the dispatcher, with
// the stack_t in user memory.  Expected values are FreeBSD's
// (sigaltstack(2)): EPERM 1 to change the stack while running on it,
// EINVAL 22 for flags other than SS_DISABLE, ENOMEM 12 for a stack under
// MINSIGSTKSZ, EFAULT 14 for bad pointers; the old stack is reported
// with SS_DISABLE, SS_ONSTACK or 0.
#include "sig_test_util.h"

#include <kernel/proc/kern_sig.h>
#include <kernel/proc/sig_calls.h>

using namespace sigtest;

namespace {

constexpr uint64_t EPERM_ = 1, ENOMEM_ = 12, EFAULT_ = 14, EINVAL_ = 22;
constexpr uint64_t SS = DATA, OSS = DATA + 64;

// Writes a stack_t for the call to read.
void put(uint64_t sp, uint64_t size, int flags)
{
    sigaltstack ss{};
    ss.ss_sp = sp;
    ss.ss_size = size;
    ss.ss_flags = flags;
    REQUIRE(copyout(&ss, SS, sizeof ss) == Errno::Ok);
}

sigaltstack old()
{
    sigaltstack ss{};
    REQUIRE(copyin(OSS, &ss, sizeof ss) == Errno::Ok);
    return ss;
}

// Leaves thread0 as a fresh exec leaves it, whatever a test did.
struct ThreadReset {
    ~ThreadReset()
    {
        thread0.td_sigstk = sigaltstack{};
        thread0.td_sigstk.ss_flags = SS_DISABLE;
        thread0.td_pflags &= ~tdpflag::TDP_ALTSTACK;
    }
};

} // namespace

TEST_CASE("sigaltstack(2): none at first; set one, read it back, take it away")
{
    SigWorld sw;
    ThreadReset reset;
    CHECK(sw.call(SYS_sigaltstack, 0, OSS) == 0);
    CHECK(old().ss_flags == SS_DISABLE);
    put(DATA + PG, 2 * PG, 0);
    CHECK(sw.call(SYS_sigaltstack, SS, OSS) == 0);
    CHECK(old().ss_flags == SS_DISABLE); // oss is the stack before the call
    CHECK((thread0.td_pflags & tdpflag::TDP_ALTSTACK) != 0);
    CHECK(sw.call(SYS_sigaltstack, 0, OSS) == 0);
    CHECK(old().ss_sp == DATA + PG);
    CHECK(old().ss_size == 2 * PG);
    CHECK(old().ss_flags == 0); // set up, not in use
    // Exactly MINSIGSTKSZ is enough.
    put(DATA, MINSIGSTKSZ, 0);
    CHECK(sw.call(SYS_sigaltstack, SS, 0) == 0);
    CHECK(thread0.td_sigstk.ss_size == MINSIGSTKSZ);
    // SS_DISABLE ignores the size.
    put(0, 0, SS_DISABLE);
    CHECK(sw.call(SYS_sigaltstack, SS, OSS) == 0);
    CHECK(old().ss_flags == 0);
    CHECK((thread0.td_pflags & tdpflag::TDP_ALTSTACK) == 0);
    CHECK(sw.call(SYS_sigaltstack, 0, OSS) == 0);
    CHECK(old().ss_flags == SS_DISABLE);
}

TEST_CASE("sigaltstack(2): SS_ONSTACK while running on it, and EPERM to change it then")
{
    SigWorld sw;
    ThreadReset reset;
    put(STACK_LO, 4 * PG, 0); // the stack sp is on (STACK_TOP - 64)
    CHECK(sw.call(SYS_sigaltstack, SS, 0) == 0);
    CHECK(sw.call(SYS_sigaltstack, 0, OSS) == 0);
    CHECK(old().ss_flags == SS_ONSTACK);
    put(DATA, 2 * PG, 0);
    CHECK(sw.call(SYS_sigaltstack, SS, OSS) == EPERM_);
    put(0, 0, SS_DISABLE);
    CHECK(sw.call(SYS_sigaltstack, SS, 0) == EPERM_);
    CHECK(thread0.td_sigstk.ss_sp == STACK_LO); // unchanged
    CHECK((thread0.td_pflags & tdpflag::TDP_ALTSTACK) != 0);
    // Off it again (sp below the stack), it may change.
    sw.frame.sp() = DATA + 512;
    CHECK(sw.call(SYS_sigaltstack, SS, OSS) == 0);
    CHECK(old().ss_flags == 0);
    CHECK((thread0.td_pflags & tdpflag::TDP_ALTSTACK) == 0);
}

TEST_CASE("sigaltstack(2): EINVAL for unknown flags, ENOMEM for a small stack, EFAULT; nothing changes")
{
    SigWorld sw;
    ThreadReset reset;
    put(DATA, 2 * PG, SS_ONSTACK); // not a flag one may set
    CHECK(sw.call(SYS_sigaltstack, SS, 0) == EINVAL_);
    put(DATA, 2 * PG, 0x100);
    CHECK(sw.call(SYS_sigaltstack, SS, 0) == EINVAL_);
    put(DATA, MINSIGSTKSZ - 1, 0);
    CHECK(sw.call(SYS_sigaltstack, SS, 0) == ENOMEM_);
    CHECK((thread0.td_pflags & tdpflag::TDP_ALTSTACK) == 0);
    CHECK(sw.call(SYS_sigaltstack, 0x500000, 0) == EFAULT_);            // unmapped
    CHECK(sw.call(SYS_sigaltstack, 0xffffffc000000000, 0) == EFAULT_);  // the kernel's
    CHECK(sw.call(SYS_sigaltstack, 0, RODATA) == EFAULT_);              // read-only oss
    CHECK(sw.call(SYS_sigaltstack, DATA + 4 * PG - 8, 0) == EFAULT_);   // runs off the end
    CHECK((thread0.td_pflags & tdpflag::TDP_ALTSTACK) == 0);
}

TEST_CASE("sigaltstack(2): an SA_ONSTACK handler's frame goes on the stack set up by the call")
{
    SigWorld sw;
    ThreadReset reset;
    put(DATA + PG, 2 * PG, 0);
    CHECK(sw.call(SYS_sigaltstack, SS, 0) == 0);
    const sigaction act = make_action(TEXT, SA_ONSTACK);
    REQUIRE(copyout(&act, DATA + 128, sizeof act) == Errno::Ok);
    CHECK(sw.call(SYS_sigaction, SIGUSR1, DATA + 128, 0) == 0);
    psignal(&proc0, SIGUSR1);
    userret(&thread0);
    CHECK(sw.frame.sepc == TEXT);
    CHECK(sw.frame.sp() >= DATA + PG);
    CHECK(sw.frame.sp() < DATA + 3 * PG);
    // In the handler, the call reports the stack in use.
    CHECK(sw.call(SYS_sigaltstack, 0, OSS) == 0);
    CHECK(old().ss_flags == SS_ONSTACK);
}
