// ktrace(2) when things run out or break: every allocation it makes
// failing (the sink object, the file object, a record's buffer), a full
// /tmp (ENOSPC stops the trace; the file holds whole records only), a
// pipe sink whose reader has gone (EPIPE stops the trace, the traced
// process gets no SIGPIPE and its call succeeds), and the invariant
// checker catching a sink whose reference count is wrong.
#include "ktrace_test_util.h"

#include <kernel/debug/invariant_report.h>
#include <kernel/ktrace/ktr_check.h>
#include <kernel/proc/proc_zones.h>
#include <mm/kmalloc.h>

using namespace ktrtest;

namespace {

constexpr int CALLS = KTRFAC_SYSCALL | KTRFAC_SYSRET;
int g_fd = -1;

proc* parked()
{
    g_released = false;
    return spawn([](void*) { hold(); });
}

void finish(proc* p)
{
    release();
    CHECK(wait_for(p->p_pid) == 0);
}

} // namespace

TEST_CASE("ktrace: no sink object or no file object: ENOMEM, nothing traced, nothing left behind")
{
    KtrWorld s;
    make_file("/tmp/kt");
    proc* a = parked();
    put_path("/tmp/kt");
    const Counts before = settled_counts(s.w);
    proc_zones().ktrsinks.fail_after(0);
    CHECK(ktrace_as(&thread0, UPATH, KTROP_SET, KTRFAC_SYSCALL, a->p_pid).err == Errno::NoMem);
    CHECK(a->p_tracesink == nullptr);
    CHECK_COUNTS(settled_counts(s.w), before);
    proc_zones().fds.files.fail_after(0);
    CHECK(ktrace_as(&thread0, UPATH, KTROP_SET, KTRFAC_SYSCALL, a->p_pid).err == Errno::NoMem);
    CHECK(a->p_tracesink == nullptr);
    CHECK(ktr_sinks().empty());
    CHECK(ktr_traced_count() == 0);
    CHECK_COUNTS(settled_counts(s.w), before);
    // And with memory back, the same call works.
    REQUIRE(ktrace_as(&thread0, UPATH, KTROP_SET, KTRFAC_SYSCALL, a->p_pid).ok());
    REQUIRE(ucall(SYS_ktrace, {0, KTROP_CLEAR, uint64_t(KTRFAC_MASK), uint64_t(a->p_pid)}).ok());
    finish(a);
}

TEST_CASE("ktrace: a record's buffer not to be had: the call succeeds, the record is lost, the next says KTR_DROP")
{
    KtrWorld s;
    make_file("/tmp/kt");
    put_path("/tmp/kt");
    UserModeScope um([](thread* td) {
        REQUIRE(ktrace_as(td, UPATH, KTROP_SET, CALLS, self(td)).ok());
        kmalloc_arena()->fail_after(0); // CALL getppid's buffer
        const UResult r = ucall(td, SYS_getppid);
        CHECK(r.ok());
        CHECK(r.a0 == uint64_t(proc0.p_pid));
        CHECK((td->td_proc->p_traceflag & KTRFAC_DROP) == 0); // the return's record took the mark
        ucall(td, SYS_exit, {0});
    });
    const UResult r = ucall(SYS_fork);
    REQUIRE(r.ok());
    CHECK(wait_for(pid_t(r.a0)) == 0);
    const std::vector<Rec> recs = parse(file_bytes("/tmp/kt"));
    REQUIRE(recs.size() == 3); // RET ktrace, (CALL getppid lost), RET getppid, CALL exit
    CHECK((recs[0].h.ktr_type & KTR_DROP) == 0);
    CHECK(recs[1].h.ktr_type == int16_t(KTR_SYSRET | KTR_VERSIONED | KTR_DROP));
    CHECK(recs[1].as<ktr_sysret>().ktr_code == SYS_getppid);
    CHECK((recs[2].h.ktr_type & KTR_DROP) == 0);
}

TEST_CASE("ktrace: a full /tmp stops the trace for every process using the file; the file holds whole records")
{
    KtrWorld s(1); // one page of file data
    make_file("/tmp/kt");
    int fds[2];
    REQUIRE(kern_pipe(&thread0, fds, 0) == Errno::Ok);
    g_fd = fds[1];
    proc* other = parked();
    put_path("/tmp/kt");
    REQUIRE(ktrace_as(&thread0, UPATH, KTROP_SET, KTRFAC_SYSCALL, other->p_pid).ok());
    UserModeScope um([](thread* td) {
        REQUIRE(ktrace_as(td, UPATH, KTROP_SET, CALLS | KTRFAC_GENIO, self(td)).ok());
        {
            std::string data(1500, 'd'); // gone before exit, which never returns here
            REQUIRE(copyout(data.data(), UDATA, data.size()) == Errno::Ok);
        }
        // Each write's records take 1,732 bytes: the third cannot fit.
        for (int i = 0; i < 3; i++) CHECK(ucall(td, SYS_write, {uint64_t(g_fd), UDATA, 1500}).a0 == 1500);
        CHECK(td->td_proc->p_tracesink == nullptr);
        CHECK(td->td_proc->p_traceflag == 0);
        ucall(td, SYS_exit, {0});
    });
    const UResult r = ucall(SYS_fork);
    REQUIRE(r.ok());
    CHECK(wait_for(pid_t(r.a0)) == 0);
    CHECK(other->p_tracesink == nullptr); // the same sink: stopped too
    CHECK(ktr_sinks().empty());
    const std::string bytes = file_bytes("/tmp/kt");
    const std::vector<Rec> recs = parse(bytes); // REQUIREs whole records
    // RET ktrace, then CALL/GENIO/RET twice, then the third CALL: the GENIO
    // after it did not fit, and nothing of it is in the file.
    REQUIRE(recs.size() == 8);
    CHECK(recs[7].type() == KTR_SYSCALL);
    CHECK(bytes.size() <= 4096);
    // The space is back for others: a write of the rest of the page fits.
    CHECK(pipe_bytes(fds[0]).size() == 4500);
    finish(other);
}

TEST_CASE("ktrace: a pipe sink whose reader closed: the trace stops, no SIGPIPE, the traced call succeeds")
{
    KtrWorld s;
    int fds[2];
    REQUIRE(kern_pipe(&thread0, fds, 0) == Errno::Ok);
    put_path("/dev/fd/" + std::to_string(fds[1]));
    g_fd = fds[0];
    UserModeScope um([](thread* td) {
        REQUIRE(ktrace_as(td, UPATH, KTROP_SET, CALLS, self(td)).ok());
        CHECK(ucall(td, SYS_close, {uint64_t(g_fd)}).ok()); // its copy of the read end
        g_released = false;
        hold(); // until the parent closed its own
        const UResult r = ucall(td, SYS_getppid);
        CHECK(r.ok());
        CHECK(td->td_proc->p_tracesink == nullptr);
        CHECK(!sigismember(td->td_proc->p_siglist, SIGPIPE));
        ucall(td, SYS_exit, {0});
    });
    const UResult r = ucall(SYS_fork);
    REQUIRE(r.ok());
    run_others();
    REQUIRE(fdclose(proc0.p_fd, fds[0]) == Errno::Ok);
    release();
    CHECK(wait_for(pid_t(r.a0)) == 0);
    CHECK(ktr_sinks().empty());
    CHECK(ktr_traced_count() == 0);
}

TEST_CASE("ktrace: the invariant checker counts each sink's processes")
{
    KtrWorld s;
    make_file("/tmp/kt");
    proc* a = parked();
    put_path("/tmp/kt");
    REQUIRE(ktrace_as(&thread0, UPATH, KTROP_SET, KTRFAC_SYSCALL, a->p_pid).ok());
    {
        InvariantReport r;
        ktrace_check(r);
        CHECK(r.violations() == 0);
    }
    a->p_tracesink->ks_refs++; // planted: one reference too many
    {
        InvariantReport r;
        ktrace_check(r);
        CHECK(r.violations() == 1);
    }
    a->p_tracesink->ks_refs--;
    const int flag = a->p_traceflag;
    a->p_traceflag = 0; // planted: a sink and no facility
    {
        InvariantReport r;
        ktrace_check(r);
        CHECK(r.violations() == 1);
    }
    a->p_traceflag = flag;
    REQUIRE(ucall(SYS_ktrace, {0, KTROP_CLEAR, uint64_t(KTRFAC_MASK), uint64_t(a->p_pid)}).ok());
    finish(a);
}
