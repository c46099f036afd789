// The return to user mode's short way (ast and userret without a
// signal look): it is right only while TDF_NEEDSIGCHK is set whenever a
// signal is deliverable.  These check the flag through the system calls
// that change deliverability, and that userret with the flag clear leaves
// the frame alone while with it set it delivers.
#include "sig_test_util.h"

#include <kernel/proc/kern_sig.h>
#include <kernel/proc/sig_calls.h>
#include <kernel/sched/preempt.h>

#include <string.h>

using namespace sigtest;

namespace {

bool needsigchk() { return (thread0.td_flags & tdflag::TDF_NEEDSIGCHK) != 0; }

bool frame_eq(const arch::TrapFrame& a, const arch::TrapFrame& b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

} // namespace

TEST_CASE("TDF_NEEDSIGCHK: set exactly while a signal is deliverable, through psignal and sigprocmask(2)")
{
    SigWorld sw;
    const sigaction catcher = make_action(TEXT);
    REQUIRE(kern_sigaction(&thread0, SIGUSR1, &catcher, nullptr).ok());
    CHECK(!needsigchk());
    // Blocked: pending, but nothing to deliver.
    const ksigset_t usr1 = set_of({SIGUSR1});
    REQUIRE(copyout(&usr1, DATA, sizeof usr1) == Errno::Ok);
    CHECK(sw.call(SYS_sigprocmask, SIG_BLOCK, DATA, 0) == 0);
    psignal(&proc0, SIGUSR1);
    CHECK(sigismember(proc0.p_siglist, SIGUSR1));
    CHECK(cursig(&thread0) == 0);
    CHECK(!needsigchk());
    // The short way leaves everything as it is.
    const arch::TrapFrame before = sw.frame;
    userret(&thread0);
    CHECK(frame_eq(sw.frame, before));
    CHECK(sigismember(proc0.p_siglist, SIGUSR1));
    // Unblocked: deliverable, and the flag says so.
    CHECK(sw.call(SYS_sigprocmask, SIG_UNBLOCK, DATA, 0) == 0);
    CHECK(cursig(&thread0) == SIGUSR1);
    CHECK(needsigchk());
    const arch::TrapFrame after_call = sw.frame;
    userret(&thread0);
    CHECK(sw.frame.sepc == TEXT); // the handler runs next
    CHECK(sw.frame.a(0) == SIGUSR1);
    CHECK(!frame_eq(sw.frame, after_call));
    CHECK(!sigismember(proc0.p_siglist, SIGUSR1));
    CHECK(!needsigchk());
    sigemptyset(thread0.td_sigmask);
}

TEST_CASE("ast: with nothing owed and no signal it returns with the frame untouched; a posted signal is delivered")
{
    SigWorld sw;
    REQUIRE(curthread() == &thread0);
    const sigaction catcher = make_action(TEXT);
    REQUIRE(kern_sigaction(&thread0, SIGUSR2, &catcher, nullptr).ok());
    thread0.td_owepreempt = false;
    const arch::TrapFrame before = sw.frame;
    ast(&thread0);
    CHECK(frame_eq(sw.frame, before));
    psignal(&proc0, SIGUSR2);
    CHECK(needsigchk());
    ast(&thread0);
    CHECK(sw.frame.sepc == TEXT);
    CHECK(sw.frame.a(0) == SIGUSR2);
    CHECK(!needsigchk());
    sigemptyset(thread0.td_sigmask);
}
