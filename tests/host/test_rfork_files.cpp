// rfork over shared descriptor tables and pipes, every flag combination:
// after each step every file's f_count equals the slots that hold it
// (across every process's table), and once everyone has exited and the
// parent closed its ends, the pipe is gone, freed once (a second free
// would trip the zone's double-free check; a leak shows in the counts).
#include "proc_test_util.h"

#include <kernel/fs/file.h>
#include <kernel/fs/filedesc.h>
#include <kernel/fs/pipe.h>
#include <kernel/proc/kern_sig.h>

#include <map>
#include <set>
#include <vector>

using namespace proctest;

namespace {

// Flag bits swept (with and without RFPROC); RFPPWAIT is vfork's, and
// RFSTOPPED and RFHIGHPID change nothing about files.
constexpr int SWEPT[] = {RFFDG, RFCFDG, RFNOWAIT, RFTHREAD, RFMEM, RFSIGSHARE, RFLINUXTHPN, RFNAMEG};
constexpr int NSWEPT = sizeof SWEPT / sizeof SWEPT[0];

int flags_of(unsigned combo)
{
    int f = 0;
    for (int i = 0; i < NSWEPT; i++)
        if (combo & (1u << i)) f |= SWEPT[i];
    return f;
}

// Each file's f_count against the slots referring to it in every live
// process's table (a shared table counted once).  The number of files
// whose count is wrong.
int miscounted_files()
{
    std::set<const filedesc*> tables;
    std::map<const file*, unsigned> refs;
    IntrOff off;
    for (proc* p : proc_table().allproc()) {
        const filedesc* fdp = p->p_fd;
        if (!fdp || !tables.insert(fdp).second) continue;
        for (int fd = 0; fd <= fdp->fd_lastfile; fd++)
            if (fdp->fd_ofiles[fd]) refs[fdp->fd_ofiles[fd]]++;
    }
    int bad = 0;
    for (auto [fp, n] : refs)
        if (fp->f_count != n) bad++;
    return bad;
}

int g_flags;
int g_pipe[2];
int g_bad_counts;
int g_stale_fdtol;
std::vector<Errno> g_results;

void note(Errno e) { g_results.push_back(e); }

// The rfork'd child (RFPROC): closes the write end in its table, if it
// has one, and exits.
void grandchild(void*)
{
    thread* td = curthread();
    g_bad_counts += miscounted_files();
    if (filedesc* fdp = td->td_proc->p_fd) (void)fdclose(fdp, g_pipe[1]);
    g_bad_counts += miscounted_files();
    exit1(td, 0);
}

// A process sharing proc0's table (forked without RFFDG): rfork(flags)
// with and without RFPROC, then closes the read end in whatever table it
// has and exits.
void sharer(void*)
{
    thread* td = curthread();
    fork_req self;
    self.fr_flags = g_flags;
    filedesc* before = td->td_proc->p_fd;
    const Result<proc*> r = fork1(td, self);
    note(r.ok() ? Errno::Ok : r.error());
    g_bad_counts += miscounted_files();
    // A table of its own now: no leader record left in the old table's
    // ring (FreeBSD's fdescfree drops it with the old table).
    if (td->td_proc->p_fd != before && td->td_proc->p_fdtol) g_stale_fdtol++;
    fork_req child;
    child.fr_flags = g_flags | RFPROC;
    child.fr_func = grandchild;
    const Result<proc*> c = fork1(td, child);
    note(c.ok() ? Errno::Ok : c.error());
    g_bad_counts += miscounted_files();
    (void)fdclose(td->td_proc->p_fd, g_pipe[0]);
    g_bad_counts += miscounted_files();
    pause("sharer", 1); // RFMEM and RFTHREAD children run before the exit
    exit1(td, 0);
}

} // namespace

TEST_CASE("rfork: every flag combination over a shared table and a pipe keeps f_count exact and frees the pipe once")
{
    ProcWorld w;
    const size_t pipes0 = pipe_count();
    for (unsigned combo = 0; combo < (1u << NSWEPT); combo++) {
        g_flags = flags_of(combo);
        CAPTURE(g_flags);
        g_results.clear();
        g_bad_counts = 0;
        g_stale_fdtol = 0;
        REQUIRE(kern_pipe(&thread0, g_pipe, 0) == Errno::Ok);
        const pid_t a = spawn(sharer, nullptr, RFPROC)->p_pid; // shares proc0's table
        // A second process sharing the table, and one with a copy.
        const pid_t b = spawn([](void*) { pause("b", 2); exit1(curthread(), 0); }, nullptr, RFPROC)->p_pid;
        const pid_t c = spawn([](void*) { pause("c", 2); exit1(curthread(), 0); }, nullptr,
                              RFPROC | RFFDG)->p_pid;
        for (pid_t pid : {a, b, c}) wait_for(pid);
        ProcWorld::reap_orphans();
        CHECK(g_bad_counts == 0);
        CHECK(g_stale_fdtol == 0);
        CHECK(miscounted_files() == 0);
        REQUIRE(g_results.size() == 2);
        const bool both_fdg = (g_flags & (RFFDG | RFCFDG)) == (RFFDG | RFCFDG);
        CHECK(g_results[0] == (both_fdg ? Errno::Inval : Errno::Ok));
        CHECK(g_results[1] == (both_fdg ? Errno::Inval : Errno::Ok));
        (void)fdclose(proc0.p_fd, g_pipe[0]);
        (void)fdclose(proc0.p_fd, g_pipe[1]);
        CHECK(pipe_count() == pipes0);
        CHECK(proc_table().allproc().size() == 2); // proc0 and init
    }
}
