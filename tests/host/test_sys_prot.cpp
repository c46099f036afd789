// The identity calls through the dispatcher: getppid, getuid, geteuid,
// getgid, getegid, getpgrp, getsid, and the ones with rules: setuid
// (FreeBSD 8's saved-id rules, the credential copied, the per-uid process
// count moved), setpgid (ESRCH, EPERM, EACCES, EINVAL) and setsid.  The
// callers are forked children: proc0 is a session leader with init among
// its children, which no user process is.
#include "syscall_test_util.h"

#include <kernel/proc/kern_prot.h>
#include <kernel/proc/pgrp.h>
#include <kernel/proc/proc_zones.h>
#include <kernel/proc/ucred.h>
#include <kernel/proc/uidinfo.h>

using namespace proctest;

namespace {

int64_t uval(thread* td, int code, std::initializer_list<uint64_t> args = {})
{
    const UResult r = ucall(td, code, args);
    CHECK(r.ok());
    return r.ok() ? r.value() : -1;
}

long proccnt(uid_t uid)
{
    uidinfo* ui = proc_zones().uids.lookup(uid);
    return ui ? ui->ui_proccnt : 0;
}

// Gives td's process a credential with these saved and effective uids
// (what a set-user-id program would have), real uid kept.
void set_ids(thread* td, uid_t euid, uid_t svuid)
{
    proc* p = td->td_proc;
    Result<ucred*> cr = crdup(p->p_ucred);
    REQUIRE(cr.ok());
    Result<uidinfo*> ui = proc_zones().uids.uifind(euid);
    REQUIRE(ui.ok());
    change_euid(cr.value(), ui.value());
    uifree(ui.value());
    change_svuid(cr.value(), svuid);
    crfree(p->p_ucred);
    crfree(td->td_ucred);
    p->p_ucred = cr.value();
    td->td_ucred = crhold(cr.value());
}

} // namespace

TEST_CASE("getppid, getuid, geteuid, getgid, getegid, getpgrp, getsid: the caller's ids")
{
    SysWorld s;
    CHECK(run_in_child([](thread* td) {
              proc* p = td->td_proc;
              CHECK(uval(td, SYS_getpid) == p->p_pid);
              CHECK(uval(td, SYS_getppid) == 0); // proc0's pid
              CHECK(uval(td, SYS_getuid) == 0);
              CHECK(uval(td, SYS_geteuid) == 0);
              CHECK(uval(td, SYS_getgid) == 0);
              CHECK(uval(td, SYS_getegid) == 0);
              CHECK(uval(td, SYS_getpgrp) == 0); // proc0's group
              CHECK(uval(td, SYS_getsid, {0}) == 0);
              set_ids(td, 1000, 2000);
              CHECK(uval(td, SYS_getuid) == 0);
              CHECK(uval(td, SYS_geteuid) == 1000);
              // A child sees its parent and the parent's group.
              CHECK(uval(td, SYS_setpgid, {0, 0}) == 0);
              proc* c = spawn_from(td, [](void*) {
                  thread* ctd = curthread();
                  CHECK(uval(ctd, SYS_getppid) == ctd->td_proc->p_pptr->p_pid);
                  CHECK(uval(ctd, SYS_getpgrp) == ctd->td_proc->p_pptr->p_pid);
                  CHECK(uval(ctd, SYS_geteuid) == 1000);
                  exit1(ctd, 0);
              });
              if (c) CHECK(wait_for_in(td, c->p_pid) == 0);
          }) == 0);
}

TEST_CASE("setuid(2) as root: real, effective and saved uids change, in a copy; the process count moves; P_SUGID")
{
    SysWorld s;
    const Counts before = settled_counts(s.w);
    const long root_procs = proccnt(0);
    CHECK(run_in_child([](thread* td) {
              proc* p = td->td_proc;
              const ucred* shared = p->p_ucred; // proc0's too
              p->p_flag &= ~pflag::P_SUGID;
              const long root_before = proccnt(0);
              // To the ids it has: nothing changes, P_SUGID stays clear.
              CHECK(uval(td, SYS_setuid, {0}) == 0);
              CHECK((p->p_flag & pflag::P_SUGID) == 0);
              CHECK(uval(td, SYS_setuid, {1000}) == 0);
              const ucred* cr = p->p_ucred;
              CHECK(cr != shared);
              CHECK(td->td_ucred == cr);
              CHECK(shared->cr_uid == 0); // proc0's credential untouched
              CHECK(proc0.p_ucred->cr_ruid == 0);
              CHECK(cr->cr_ruid == 1000);
              CHECK(cr->cr_uid == 1000);
              CHECK(cr->cr_svuid == 1000);
              CHECK((p->p_flag & pflag::P_SUGID) != 0);
              CHECK(proccnt(1000) == 1);
              CHECK(proccnt(0) == root_before - 1);
              // No way back without privilege.
              CHECK(ucall(td, SYS_setuid, {0}).err == Errno::Perm);
              CHECK(ucall(td, SYS_setuid, {2000}).err == Errno::Perm);
              CHECK(uval(td, SYS_setuid, {1000}) == 0); // its own real uid
              CHECK(uval(td, SYS_getuid) == 1000);
          }) == 0);
    CHECK(proccnt(0) == root_procs);
    CHECK(proccnt(1000) == 0);
    CHECK_COUNTS(settled_counts(s.w), before);
}

TEST_CASE("setuid(2) without privilege: to the real or the saved uid only; only the effective uid changes")
{
    SysWorld s;
    CHECK(run_in_child([](thread* td) {
              CHECK(uval(td, SYS_setuid, {1000}) == 0); // real, effective, saved 1000
              set_ids(td, 1000, 3000);                  // a set-user-id 3000 program's saved id
              proc* p = td->td_proc;
              p->p_flag &= ~pflag::P_SUGID;
              CHECK(ucall(td, SYS_setuid, {2000}).err == Errno::Perm);
              CHECK(uval(td, SYS_setuid, {3000}) == 0);
              CHECK(p->p_ucred->cr_uid == 3000);
              CHECK(p->p_ucred->cr_ruid == 1000); // not privileged: real and saved stay
              CHECK(p->p_ucred->cr_svuid == 3000);
              CHECK((p->p_flag & pflag::P_SUGID) != 0);
              CHECK(proccnt(1000) == 1);
              CHECK(proccnt(3000) == 0);
              CHECK(uval(td, SYS_setuid, {1000}) == 0);
              CHECK(p->p_ucred->cr_uid == 1000);
              CHECK(p->p_ucred->cr_svuid == 3000);
          }) == 0);
}

TEST_CASE("setuid(2) with effective uid 0 and another real uid: privileged, every uid changes")
{
    SysWorld s;
    CHECK(run_in_child([](thread* td) {
              CHECK(uval(td, SYS_setuid, {1000}) == 0);
              set_ids(td, 0, 0); // a set-user-id root program run by uid 1000
              CHECK(uval(td, SYS_setuid, {4000}) == 0);
              const ucred* cr = td->td_proc->p_ucred;
              CHECK(cr->cr_ruid == 4000);
              CHECK(cr->cr_uid == 4000);
              CHECK(cr->cr_svuid == 4000);
              CHECK(proccnt(4000) == 1);
              CHECK(proccnt(1000) == 0);
          }) == 0);
}

namespace {

void setpgid_rules(thread* td)
{
    proc* p = td->td_proc;
    CHECK(ucall(td, SYS_setpgid, {0, static_cast<uint64_t>(-1)}).err == Errno::Inval);
    CHECK(ucall(td, SYS_setpgid, {99999, 0}).err == Errno::Srch);
    CHECK(ucall(td, SYS_setpgid, {1, 0}).err == Errno::Srch); // init: not a descendant
    CHECK(ucall(td, SYS_setpgid, {0, 77777}).err == Errno::Perm); // no such group
    // A session and group of its own, where its child will be too.
    CHECK(uval(td, SYS_setsid) == p->p_pid);
    CHECK(ucall(td, SYS_setpgid, {0, 0}).err == Errno::Perm); // a session leader
    proc* c = spawn_from(td, [](void*) {
        hold();
        exit1(curthread(), 0);
    });
    if (!c) return;
    const auto cpid = static_cast<uint64_t>(c->p_pid);
    // The child into a group of its own, and back into ours.
    CHECK(uval(td, SYS_setpgid, {cpid, 0}) == 0);
    CHECK(c->p_pgrp->pg_id == c->p_pid);
    CHECK(uval(td, SYS_setpgid, {cpid, 0}) == 0); // already there
    CHECK(uval(td, SYS_setpgid, {cpid, static_cast<uint64_t>(p->p_pgrp->pg_id)}) == 0);
    CHECK(c->p_pgrp == p->p_pgrp);
    // A child that has exec'd is no longer the parent's to move.
    c->p_flag |= pflag::P_EXEC;
    CHECK(ucall(td, SYS_setpgid, {cpid, 0}).err == Errno::Acces);
    c->p_flag &= ~pflag::P_EXEC;
    // In a session of its own, the child is out of reach.
    CHECK(kern_setsid(c->p_thread).ok());
    CHECK(ucall(td, SYS_setpgid, {cpid, 0}).err == Errno::Perm);
    // And its group is too.
    CHECK(ucall(td, SYS_setpgid, {0, cpid}).err == Errno::Perm);
    CHECK(uval(td, SYS_getsid, {cpid}) == c->p_pid);
    release();
    CHECK(wait_for_in(td, c->p_pid) == 0);
}

} // namespace

TEST_CASE("setpgid(2): FreeBSD's EINVAL, ESRCH, EPERM and EACCES; moves within the session")
{
    SysWorld s;
    const Counts before = settled_counts(s.w);
    g_released = false;
    CHECK(run_in_child(setpgid_rules) == 0);
    CHECK_COUNTS(settled_counts(s.w), before);
}

TEST_CASE("setsid(2) and getsid(2): a new session and group led by the caller; EPERM for a group leader; ESRCH")
{
    SysWorld s;
    const Counts before = settled_counts(s.w);
    CHECK(ucall(SYS_setsid).err == Errno::Perm); // proc0 leads group 0
    CHECK(run_in_child([](thread* td) {
              proc* p = td->td_proc;
              const auto pid = static_cast<int64_t>(p->p_pid);
              session* old = proc_session(p);
              CHECK(uval(td, SYS_setsid) == pid);
              CHECK(proc_session(p) != old);
              CHECK(proc_session(p)->s_leader == p);
              CHECK(uval(td, SYS_getpgrp) == pid);
              CHECK(uval(td, SYS_getsid, {0}) == pid);
              CHECK(uval(td, SYS_getsid, {static_cast<uint64_t>(pid)}) == pid);
              CHECK(uval(td, SYS_getsid, {1}) == 0); // init is still in session 0
              CHECK(ucall(td, SYS_setsid).err == Errno::Perm);
              CHECK(ucall(td, SYS_getsid, {99999}).err == Errno::Srch);
              // A zombie has no session to report (FreeBSD's pfind).
              proc* z = spawn_from(td, [](void*) { exit1(curthread(), 0); });
              run_others();
              if (z) CHECK(ucall(td, SYS_getsid, {static_cast<uint64_t>(z->p_pid)}).err == Errno::Srch);
              if (z) CHECK(wait_for_in(td, z->p_pid) == 0);
          }) == 0);
    CHECK_COUNTS(settled_counts(s.w), before);
}
