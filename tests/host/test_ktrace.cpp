// ktrace(2)'s records and their inheritance, through the dispatcher as
// user programs make the calls: the bytes of each record type for a
// traced call (KTR_SYSCALL, KTR_SYSRET, KTR_NAMEI, KTR_GENIO and its
// bound, KTR_PSIG, KTR_PROCDTOR); inheritance at fork with and without
// KTRFAC_INHERIT, through rfork(RFPROC|RFMEM) and vfork, the child's first
// record being fork's return with 0 (the seed's line 874); a pipe sink
// that outlives every descriptor naming it; the fast path's routing.
#include "ktrace_test_util.h"

#include <abi/signal.h>
#include <kernel/kern_time.h>
#include <kernel/proc/kern_sig.h>

using namespace ktrtest;

namespace {

constexpr int CALLS = KTRFAC_SYSCALL | KTRFAC_SYSRET;

pid_t g_pid = 0, g_gpid = 0;
int g_stage = 0;

// The header every record of process p must have, its time left out
// (checked apart: it is the clock's).
void check_header(const Rec& r, const proc* p, int16_t type, int32_t len)
{
    CHECK(r.h.ktr_len == len);
    CHECK(r.h.ktr_type == int16_t(type | KTR_VERSIONED));
    CHECK(r.h.ktr_version == KTR_VERSION1);
    CHECK(r.h.ktr_pid == p->p_pid);
    CHECK(std::string(r.h.ktr_comm) == std::string(p->p_comm));
    CHECK(r.h.ktr_tid == p->p_pid);
    CHECK(r.h.ktr_cpu == 0);
}

std::string sysret_bytes(int16_t code, int32_t error, int64_t retval)
{
    ktr_sysret k{};
    k.ktr_code = code;
    k.ktr_error = error;
    k.ktr_retval = retval;
    return std::string(reinterpret_cast<const char*>(&k), sizeof k);
}

std::string syscall_bytes(int16_t code, std::initializer_list<uint64_t> args)
{
    std::string s(8 + 8 * args.size(), '\0');
    const int16_t narg = int16_t(args.size());
    std::memcpy(s.data(), &code, 2);
    std::memcpy(s.data() + 2, &narg, 2);
    size_t i = 0;
    for (uint64_t a : args) std::memcpy(s.data() + 8 + 8 * i++, &a, 8);
    return s;
}

void trace_self(thread* td, int facs)
{
    const UResult r = ktrace_as(td, UPATH, KTROP_SET, facs, self(td));
    CHECK(r.ok());
}

pid_t fork_and_wait(int code = SYS_fork, uint64_t arg = 0)
{
    const UResult r = ucall(code, {arg});
    REQUIRE(r.ok());
    const pid_t pid = pid_t(r.a0);
    CHECK(wait_for(pid) >= 0);
    return pid;
}

} // namespace

TEST_CASE("ktrace: a traced call's SYSCALL and SYSRET records, byte for byte")
{
    KtrWorld s;
    make_file("/tmp/kt");
    put_path("/tmp/kt");
    UserModeScope um([](thread* td) {
        g_pid = self(td);
        trace_self(td, CALLS);
        ucall(td, SYS_getppid);
        ucall(td, SYS_exit, {3});
    });
    const ktimespec before = nanouptime();
    const pid_t pid = fork_and_wait();
    const ktimespec after = nanouptime();
    CHECK(pid == g_pid);
    const std::vector<Rec> recs = parse(file_bytes("/tmp/kt"));
    REQUIRE(recs.size() == 4);
    // The child is gone: its header fields are what proc0's copy gave it.
    proc fake{};
    fake.p_pid = pid;
    std::memcpy(fake.p_comm, proc0.p_comm, sizeof fake.p_comm);
    check_header(recs[0], &fake, KTR_SYSRET, int32_t(sizeof(ktr_sysret)));
    CHECK(recs[0].body == sysret_bytes(SYS_ktrace, 0, 0));
    check_header(recs[1], &fake, KTR_SYSCALL, 8);
    CHECK(recs[1].body == syscall_bytes(SYS_getppid, {}));
    check_header(recs[2], &fake, KTR_SYSRET, int32_t(sizeof(ktr_sysret)));
    CHECK(recs[2].body == sysret_bytes(SYS_getppid, 0, proc0.p_pid));
    check_header(recs[3], &fake, KTR_SYSCALL, 16);
    CHECK(recs[3].body == syscall_bytes(SYS_exit, {3}));
    auto ns = [](const ktimespec& t) { return t.tv_sec * 1000000000 + t.tv_nsec; };
    CHECK(ns(recs[0].h.ktr_time) >= ns(before));
    for (size_t i = 1; i < recs.size(); i++) CHECK(ns(recs[i].h.ktr_time) >= ns(recs[i - 1].h.ktr_time));
    CHECK(ns(recs[3].h.ktr_time) <= ns(after));
}

TEST_CASE("ktrace: a failed call's SYSRET carries the errno")
{
    KtrWorld s;
    make_file("/tmp/kt");
    put_path("/tmp/kt");
    UserModeScope um([](thread* td) {
        trace_self(td, KTRFAC_SYSRET);
        CHECK(ucall(td, SYS_close, {77}).err == Errno::BadF);
        ucall(td, SYS_exit, {0});
    });
    fork_and_wait();
    const std::vector<Rec> recs = parse(file_bytes("/tmp/kt"));
    REQUIRE(recs.size() == 2);
    CHECK(recs[1].type() == KTR_SYSRET);
    const ktr_sysret k = recs[1].as<ktr_sysret>();
    CHECK(k.ktr_code == SYS_close);
    CHECK(k.ktr_error == int32_t(Errno::BadF));
}

TEST_CASE("ktrace: NAMEI records the path as given, GENIO the bytes moved, bounded at 4 KiB")
{
    KtrWorld s;
    make_file("/tmp/kt");
    put_path("/tmp/kt");
    UserModeScope um([](thread* td) {
        trace_self(td, KTRFAC_NAMEI | KTRFAC_GENIO);
        REQUIRE(copyout("/tmp/../tmp/data", UBUF + 0xc00, 17) == Errno::Ok);
        const UResult o = ucall(td, SYS_open, {UBUF + 0xc00, uint64_t(O_WRONLY | O_CREAT), 0644});
        REQUIRE(o.ok());
        REQUIRE(copyout("hello", UDATA, 5) == Errno::Ok);
        CHECK(ucall(td, SYS_write, {o.a0, UDATA, 5}).a0 == 5);
        {
            std::string big(5000, 'z'); // gone before exit, which never returns here
            big[4095] = 'q';
            REQUIRE(copyout(big.data(), UDATA, big.size()) == Errno::Ok);
        }
        CHECK(ucall(td, SYS_write, {o.a0, UDATA, 5000}).a0 == 5000);
        ucall(td, SYS_exit, {0});
    });
    fork_and_wait();
    const std::vector<Rec> recs = parse(file_bytes("/tmp/kt"));
    REQUIRE(recs.size() == 3);
    CHECK(recs[0].type() == KTR_NAMEI);
    CHECK(recs[0].body == "/tmp/../tmp/data");
    CHECK(recs[1].type() == KTR_GENIO);
    REQUIRE(recs[1].body.size() == 8 + 5);
    const ktr_genio g = recs[1].as<ktr_genio>();
    CHECK(g.ktr_fd == 0); // the child's first descriptor
    CHECK(g.ktr_rw == ktr_uio_rw::UIO_WRITE);
    CHECK(recs[1].body.substr(8) == "hello");
    REQUIRE(recs[2].body.size() == 8 + KTR_GENIOSIZE);
    CHECK(recs[2].body.substr(8) == std::string(4095, 'z') + "q");
    CHECK(file_bytes("/tmp/data").size() == 5005); // the writes themselves are whole
}

TEST_CASE("ktrace: GENIO of a read holds what the read put in the buffer")
{
    KtrWorld s;
    make_file("/tmp/kt");
    put_path("/tmp/kt");
    UserModeScope um([](thread* td) {
        REQUIRE(copyout("/etc/motd", UBUF + 0xc00, 10) == Errno::Ok);
        const UResult o = ucall(td, SYS_open, {UBUF + 0xc00, uint64_t(O_RDONLY), 0});
        REQUIRE(o.ok());
        trace_self(td, KTRFAC_GENIO);
        CHECK(ucall(td, SYS_read, {o.a0, UDATA, 100}).a0 == 6);
        CHECK(ucall(td, SYS_read, {o.a0, UDATA, 100}).a0 == 0); // end of file: no record
        ucall(td, SYS_exit, {0});
    });
    fork_and_wait();
    const std::vector<Rec> recs = parse(file_bytes("/tmp/kt"));
    REQUIRE(recs.size() == 1);
    CHECK(recs[0].as<ktr_genio>().ktr_rw == ktr_uio_rw::UIO_READ);
    CHECK(recs[0].body.substr(8) == "hello\n");
}

TEST_CASE("ktrace: PSIG for a signal's default action, PROCDTOR at exit")
{
    KtrWorld s;
    make_file("/tmp/kt");
    put_path("/tmp/kt");
    UserModeScope um([](thread* td) {
        trace_self(td, KTRFAC_PSIG | KTRFAC_PROCDTOR);
        CHECK(ucall(td, SYS_kill, {uint64_t(self(td)), SIGTERM}).ok());
        userret(td); // what the way back to user mode does: SIGTERM's default ends it
        FAIL("SIGTERM did not end the process");
    });
    const UResult r = ucall(SYS_fork);
    REQUIRE(r.ok());
    CHECK(wait_for(pid_t(r.a0)) == W_EXITCODE(0, SIGTERM));
    const std::vector<Rec> recs = parse(file_bytes("/tmp/kt"));
    REQUIRE(recs.size() == 2);
    CHECK(recs[0].type() == KTR_PSIG);
    REQUIRE(recs[0].body.size() == sizeof(ktr_psig));
    const ktr_psig k = recs[0].as<ktr_psig>();
    CHECK(k.signo == SIGTERM);
    CHECK(k.action == SIG_DFL);
    CHECK(k.code == SI_NOINFO);
    CHECK(recs[1].type() == KTR_PROCDTOR);
    CHECK(recs[1].h.ktr_len == 0);
}

namespace {

// The traced process of the inheritance cases (proc0's child): traces
// itself with facs, forks (the child's pid in g_gpid), waits and exits.
void trace_self_fork_and_exit(thread* td, int facs)
{
    g_pid = self(td);
    trace_self(td, facs);
    const UResult f = ucall(td, SYS_fork);
    REQUIRE(f.ok());
    g_gpid = pid_t(f.a0);
    CHECK(wait_for_in(td, g_gpid) == 0);
    ucall(td, SYS_exit, {0});
}

} // namespace

TEST_CASE("ktrace: with KTRFAC_INHERIT a forked child takes the trace; its first record is fork's return, 0")
{
    KtrWorld s;
    make_file("/tmp/kt");
    put_path("/tmp/kt");
    UserModeScope um([](thread* td) {
        if (td->td_proc->p_pptr == &proc0) trace_self_fork_and_exit(td, CALLS | KTRFAC_INHERIT);
        CHECK(td->td_proc->p_traceflag == (CALLS | KTRFAC_INHERIT | KTRFAC_ROOT)); // root set it
        ucall(td, SYS_getpid);
        ucall(td, SYS_exit, {0});
    });
    fork_and_wait();
    const std::vector<Rec> all = parse(file_bytes("/tmp/kt"));
    const std::vector<Rec> g = of_pid(all, g_gpid);
    REQUIRE(g.size() == 4);
    CHECK(g[0].type() == KTR_SYSRET);
    CHECK(g[0].body == sysret_bytes(SYS_fork, 0, 0));
    CHECK(g[1].body == syscall_bytes(SYS_getpid, {}));
    CHECK(g[2].body == sysret_bytes(SYS_getpid, 0, g_gpid));
    CHECK(g[3].body == syscall_bytes(SYS_exit, {0}));
    const std::vector<Rec> c = of_pid(all, g_pid);
    REQUIRE(c.size() == 4); // RET ktrace, CALL fork, RET fork, CALL exit (its wait is the kernel's)
    CHECK(c[1].body == syscall_bytes(SYS_fork, {}));
    CHECK(c[2].body == sysret_bytes(SYS_fork, 0, g_gpid));
    CHECK(c[3].body == syscall_bytes(SYS_exit, {0}));
    CHECK(all.size() == g.size() + c.size());
}

TEST_CASE("ktrace: without KTRFAC_INHERIT the child is not traced")
{
    KtrWorld s;
    make_file("/tmp/kt");
    put_path("/tmp/kt");
    UserModeScope um([](thread* td) {
        if (td->td_proc->p_pptr == &proc0) trace_self_fork_and_exit(td, CALLS);
        CHECK(td->td_proc->p_traceflag == 0);
        CHECK(td->td_proc->p_tracesink == nullptr);
        ucall(td, SYS_getpid);
        ucall(td, SYS_exit, {0});
    });
    fork_and_wait();
    const std::vector<Rec> all = parse(file_bytes("/tmp/kt"));
    CHECK(of_pid(all, g_gpid).empty());
    CHECK(of_pid(all, g_pid).size() == 4);
}

TEST_CASE("ktrace: rfork(RFPROC|RFMEM) and vfork children inherit; vfork's child records before its parent's return")
{
    for (const int code : {SYS_rfork, SYS_vfork}) {
        CAPTURE(code);
        KtrWorld s;
        make_file("/tmp/kt");
        put_path("/tmp/kt");
        g_stage = code;
        UserModeScope um([](thread* td) {
            if (td->td_proc->p_pptr == &proc0) {
                g_pid = self(td);
                trace_self(td, CALLS | KTRFAC_INHERIT);
                const UResult f = g_stage == SYS_rfork
                                      ? ucall(td, SYS_rfork, {uint64_t(RFPROC | RFMEM)})
                                      : ucall(td, SYS_vfork);
                REQUIRE(f.ok());
                g_gpid = pid_t(f.a0);
                CHECK(wait_for_in(td, g_gpid) == 0);
                ucall(td, SYS_exit, {0});
            }
            ucall(td, SYS_exit, {0});
        });
        fork_and_wait();
        const std::vector<Rec> all = parse(file_bytes("/tmp/kt"));
        const std::vector<Rec> g = of_pid(all, g_gpid);
        REQUIRE(g.size() == 2);
        CHECK(g[0].body == sysret_bytes(SYS_fork, 0, 0));
        CHECK(g[1].body == syscall_bytes(SYS_exit, {0}));
        // The parent's return carries the child's pid, with its own number.
        size_t ret_at = 0, child_exit_at = 0;
        for (size_t i = 0; i < all.size(); i++) {
            if (all[i].h.ktr_pid == g_pid && all[i].type() == KTR_SYSRET &&
                all[i].as<ktr_sysret>().ktr_code == code) {
                CHECK(all[i].as<ktr_sysret>().ktr_retval == g_gpid);
                ret_at = i;
            }
            if (all[i].h.ktr_pid == g_gpid && all[i].type() == KTR_SYSCALL) child_exit_at = i;
        }
        REQUIRE(ret_at > 0);
        if (code == SYS_vfork) CHECK(child_exit_at < ret_at); // the parent slept until the exit
    }
}

TEST_CASE("ktrace: the trace goes on across exec; the records after it carry the new command")
{
    KtrWorld s;
    make_file("/tmp/kt");
    put_path("/tmp/kt");
    REQUIRE(copyout("/bin/prog", UBUF + 0xc00, 10) == Errno::Ok);
    uwrite<uint64_t>(UBUF + 0xd00, UBUF + 0xc00);
    uwrite<uint64_t>(UBUF + 0xd08, 0);
    UserModeScope um([](thread* td) {
        g_pid = self(td);
        trace_self(td, CALLS | KTRFAC_NAMEI);
        ucall(td, SYS_execve, {UBUF + 0xc00, UBUF + 0xd00, 0}); // its registers are the program's now
        CHECK(std::string(td->td_proc->p_comm) == "prog");
        ucall(td, SYS_exit, {0});
    });
    fork_and_wait();
    const std::vector<Rec> recs = parse(file_bytes("/tmp/kt"));
    REQUIRE(recs.size() == 5);
    CHECK(recs[1].body == syscall_bytes(SYS_execve, {UBUF + 0xc00, UBUF + 0xd00, 0}));
    CHECK(recs[2].type() == KTR_NAMEI);
    CHECK(recs[2].body == "/bin/prog");
    CHECK(recs[3].type() == KTR_SYSRET);
    CHECK(recs[3].as<ktr_sysret>().ktr_code == SYS_execve);
    CHECK(recs[3].as<ktr_sysret>().ktr_error == -2); // EJUSTRETURN: exec set the registers
    CHECK(recs[4].body == syscall_bytes(SYS_exit, {0}));
    CHECK(std::string(recs[1].h.ktr_comm) == std::string(proc0.p_comm));
    CHECK(std::string(recs[3].h.ktr_comm) == "prog");
    CHECK(std::string(recs[4].h.ktr_comm) == "prog");
}

TEST_CASE("ktrace: a pipe sink (/dev/fd/N) outlives every descriptor of it; the last exit closes it")
{
    KtrWorld s;
    int fds[2];
    REQUIRE(kern_pipe(&thread0, fds, 0) == Errno::Ok);
    put_path("/dev/fd/" + std::to_string(fds[1]));
    g_stage = fds[1];
    UserModeScope um([](thread* td) {
        trace_self(td, KTRFAC_SYSCALL);
        CHECK(ucall(td, SYS_close, {uint64_t(g_stage)}).ok()); // its own copy of the write end
        ucall(td, SYS_getpid);
        ucall(td, SYS_exit, {0});
    });
    const UResult r = ucall(SYS_fork);
    REQUIRE(r.ok());
    REQUIRE(fdclose(proc0.p_fd, fds[1]) == Errno::Ok); // the tracer closes its descriptor too
    CHECK(wait_for(pid_t(r.a0)) == 0);
    const std::vector<Rec> recs = parse(pipe_bytes(fds[0]));
    REQUIRE(recs.size() == 3); // CALL close, CALL getpid, CALL exit
    CHECK(recs[0].as<ktr_syscall>().ktr_code == SYS_close);
    CHECK(recs[1].as<ktr_syscall>().ktr_code == SYS_getpid);
    CHECK(recs[2].as<ktr_syscall>().ktr_code == SYS_exit);
    // The sink held the last write end: gone with the exit, so the reader
    // sees end of file rather than "try again".
    Result<file*> fp = fget(proc0.p_fd, fds[0]);
    REQUIRE(fp.ok());
    char c;
    uio u = uio_kernel(UioRw::Read, &c, 1, &thread0);
    CHECK(fp.value()->f_ops->fo_read(fp.value(), &u, &thread0) == Errno::Ok);
    CHECK(u.uio_resid == 1);
    (void)fdrop(fp.value());
}

TEST_CASE("ktrace: every call takes the whole way while a process is traced, the fast path after")
{
    KtrWorld s;
    make_file("/tmp/kt");
    put_path("/tmp/kt");
    CHECK(!arch::host_syscall_route_slow());
    UserModeScope um([](thread* td) {
        CHECK(!arch::host_syscall_route_slow());
        trace_self(td, KTRFAC_SYSCALL);
        CHECK(arch::host_syscall_route_slow());
        CHECK(ktr_traced_count() == 1);
        ucall(td, SYS_exit, {0});
    });
    fork_and_wait();
    CHECK(!arch::host_syscall_route_slow());
    CHECK(ktr_traced_count() == 0);
}

TEST_CASE("ktrace: a child of a process whose trace was cleared, or whose sink was revoked, gets nothing")
{
    KtrWorld s;
    make_file("/tmp/kt");
    put_path("/tmp/kt");
    int fds[2];
    REQUIRE(kern_pipe(&thread0, fds, 0) == Errno::Ok);
    g_stage = fds[1];
    UserModeScope um([](thread* td) {
        if (td->td_proc->p_pptr == &proc0) {
            // Cleared: INHERIT set, then every facility taken away.
            trace_self(td, CALLS | KTRFAC_INHERIT);
            CHECK(ktrace_as(td, 0, KTROP_CLEAR, CALLS, self(td)).ok());
            CHECK(td->td_proc->p_tracesink == nullptr);
            UResult f = ucall(td, SYS_fork);
            REQUIRE(f.ok());
            CHECK(wait_for_in(td, pid_t(f.a0)) == 0);
            // Revoked: tracing into a pipe nobody reads any more.
            {
                const std::string path = "/dev/fd/" + std::to_string(g_stage); // gone before exit
                REQUIRE(copyout(path.c_str(), UBUF + 0xc00, path.size() + 1) == Errno::Ok);
            }
            CHECK(ktrace_as(td, UBUF + 0xc00, KTROP_SET, CALLS | KTRFAC_INHERIT, self(td)).ok());
            CHECK(ucall(td, SYS_getpid).ok()); // EPIPE: the sink is revoked
            CHECK(td->td_proc->p_tracesink == nullptr);
            f = ucall(td, SYS_fork);
            REQUIRE(f.ok());
            CHECK(wait_for_in(td, pid_t(f.a0)) == 0);
            ucall(td, SYS_exit, {0});
        }
        CHECK(td->td_proc->p_traceflag == 0);
        CHECK(td->td_proc->p_tracesink == nullptr);
        ucall(td, SYS_exit, {0});
    });
    REQUIRE(fdclose(proc0.p_fd, fds[0]) == Errno::Ok); // the reader goes first (the child inherits no read end)
    fork_and_wait();
    CHECK(ktr_sinks().empty());
    // Only the first trace's records: RET ktrace, CALL ktrace (the clear).
    const std::vector<Rec> recs = parse(file_bytes("/tmp/kt"));
    REQUIRE(recs.size() == 2);
    CHECK(recs[1].body == syscall_bytes(SYS_ktrace, {0, KTROP_CLEAR, uint64_t(CALLS), uint64_t(recs[1].h.ktr_pid)}));
}
