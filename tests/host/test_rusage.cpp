// Resource usage (kernel/proc/rusage.h, getrusage(2)): clock ticks
// charged as user or system time by the mode they interrupted, faults
// counted per thread from the machine-wide count, voluntary switches,
// a child's usage (its own children's included) in wait4's rusage and
// in the parent's RUSAGE_CHILDREN, EINVAL and EFAULT.
#include "syscall_test_util.h"

#include <abi/resource.h>
#include <kernel/clock.h>
#include <kernel/proc/kern_exit.h>
#include <kernel/proc/kern_resource.h>
#include <kernel/proc/proc.h>
#include <kernel/sched/sched.h>
#include <mm/intr_off.h>
#include <mm/vmspace.h>

using namespace proctest;

namespace {

constexpr int64_t TICK_USEC = USEC_PER_SEC / HZ;

void ticks_as(bool usermode, int n)
{
    IntrOff off;
    for (int i = 0; i < n; i++) hardclock(usermode);
}

rusage self_or_children(int who)
{
    const UResult r = ucall(SYS_getrusage, {static_cast<uint64_t>(who), UBUF});
    REQUIRE(r.ok());
    return uread<rusage>(UBUF);
}

int64_t usec(const ktimeval& t) { return t.tv_sec * USEC_PER_SEC + t.tv_usec; }

void grandchild(void*)
{
    ticks_as(true, 2);
    ticks_as(false, 1);
    exit1(curthread(), 0);
}

void child(void*)
{
    ticks_as(true, 3);
    proc* g = spawn_from(curthread(), grandchild);
    int st = -1;
    (void)kern_wait(curthread(), g ? g->p_pid : 0, &st, 0); // sleeps: a voluntary switch
    exit1(curthread(), 0);
}

} // namespace

TEST_CASE("rusage: a tick that interrupted user mode is user time, any other system time")
{
    ProcWorld w;
    const rusage_ext before = thread0.td_rux;
    ticks_as(true, 2);
    ticks_as(false, 1);
    CHECK(thread0.td_rux.rux_uticks == before.rux_uticks + 2);
    CHECK(thread0.td_rux.rux_sticks == before.rux_sticks + 1);
    rusage ru{};
    REQUIRE(kern_getrusage(&thread0, RUSAGE_SELF, &ru) == Errno::Ok);
    CHECK(usec(ru.ru_utime) == static_cast<int64_t>(thread0.td_rux.rux_uticks) * TICK_USEC);
    CHECK(usec(ru.ru_stime) == static_cast<int64_t>(thread0.td_rux.rux_sticks) * TICK_USEC);
}

TEST_CASE("getrusage(RUSAGE_SELF): each page fault of the running thread is counted")
{
    SysWorld s;
    constexpr uint64_t AREA = 0x1000000;
    REQUIRE(vmspace_map_anon(proc0.p_vmspace, AREA, 3 * PG, VM_PROT_READ | VM_PROT_WRITE).ok());
    const int64_t before = self_or_children(RUSAGE_SELF).ru_minflt;
    for (uint64_t i = 0; i < 3; i++) uwrite<uint64_t>(AREA + i * PG, i);
    CHECK(self_or_children(RUSAGE_SELF).ru_minflt == before + 3);
    for (uint64_t i = 0; i < 3; i++) uwrite<uint64_t>(AREA + i * PG, i); // mapped now: no fault
    CHECK(self_or_children(RUSAGE_SELF).ru_minflt == before + 3);
    CHECK(vmspace_unmap(proc0.p_vmspace, AREA, 3 * PG).ok());
}

TEST_CASE("wait4's rusage and RUSAGE_CHILDREN: a child's ticks with its own child's; switches counted")
{
    SysWorld s;
    const rusage self_before = self_or_children(RUSAGE_SELF);
    const rusage kids_before = self_or_children(RUSAGE_CHILDREN);
    proc* c = spawn(child);
    const pid_t pid = c->p_pid;
    rusage ru{};
    int st = -1;
    Result<pid_t> r = kern_wait(&thread0, pid, &st, 0, &ru);
    REQUIRE(r.ok());
    CHECK(r.value() == pid);
    CHECK(usec(ru.ru_utime) == 5 * TICK_USEC); // 3 of its own, 2 of its child's
    CHECK(usec(ru.ru_stime) == 1 * TICK_USEC);
    CHECK(ru.ru_nvcsw >= 1); // it slept in wait
    const rusage kids = self_or_children(RUSAGE_CHILDREN);
    CHECK(usec(kids.ru_utime) - usec(kids_before.ru_utime) == 5 * TICK_USEC);
    CHECK(usec(kids.ru_stime) - usec(kids_before.ru_stime) == 1 * TICK_USEC);
    CHECK(kids.ru_nvcsw - kids_before.ru_nvcsw == ru.ru_nvcsw);
    // The parent's own time did not take the children's ticks.
    const rusage self = self_or_children(RUSAGE_SELF);
    CHECK(usec(self.ru_utime) == usec(self_before.ru_utime));
}

TEST_CASE("getrusage: EINVAL for an unknown who, EFAULT for a bad pointer")
{
    SysWorld s;
    CHECK(ucall(SYS_getrusage, {5, UBUF}).err == Errno::Inval);
    CHECK(ucall(SYS_getrusage, {static_cast<uint64_t>(-2), UBUF}).err == Errno::Inval);
    CHECK(ucall(SYS_getrusage, {static_cast<uint64_t>(RUSAGE_SELF), BAD}).err == Errno::Fault);
    CHECK(ucall(SYS_getrusage, {static_cast<uint64_t>(RUSAGE_CHILDREN), BAD}).err == Errno::Fault);
}
