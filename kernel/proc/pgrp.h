// Process groups and sessions (FreeBSD's struct pgrp and struct session,
// sys/proc.h; kern_proc.c).  Every process is in one process group; every
// group is in one session.  A group lives while it has members, and
// exited processes stay members until their parent reaps them (the pid
// allocator must see their group and session ids as taken).  A session
// lives while anything references it: each of its groups holds one
// reference (s_count), and other holders (a terminal) take their own with
// sess_hold.
//
// Creating a group or a session never fails half-way: the caller
// allocates first (pgrp_alloc, session_alloc), and enterpgrp, which cannot
// fail once given them, consumes them; what it does not use goes back with
// pgrp_free_unused / session_free_unused.
//
// Job control (pg_jobc, fixjobc, orphaned groups) comes with the shell.
//
// A PgrpTable owns the zones and the hash of groups by id, as UidTable
// does; host tests make their own, the kernel's is the one in ProcZones
// (kernel/proc/proc_zones.h).  Groups and sessions remember their table,
// so the functions that take one need no table argument.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <lib/list.h>
#include <lib/result.h>
#include <mm/zone.h>
#include <kernel/proc/pid_bitmap.h>
#include <kernel/proc/proc.h>

struct tty;
class PgrpTable;

// Longest login name with its NUL (FreeBSD's MAXLOGNAME).
inline constexpr size_t MAXLOGNAME = 33;

struct session {
    uint32_t s_count = 0;        // references: its groups, and holders
    uint32_t s_ngroups = 0;      // its groups alone: while > 0, s_sid is taken
    proc* s_leader = nullptr;    // the process that made it (cleared when it exits)
    pid_t s_sid = 0;             // session id: the leader's pid
    tty* s_ttyp = nullptr;       // controlling terminal, or none
    char s_login[MAXLOGNAME] = {}; // setlogin(2) name
    PgrpTable* s_table = nullptr; // where it goes back to
};

struct pgrp {
    ListNode pg_hash;                            // on its hash chain
    List<proc, &proc::p_pglist> pg_members;      // through p_pglist
    session* pg_session = nullptr;               // referenced (s_count)
    pid_t pg_id = 0;                             // group id: its first leader's pid
    int pg_jobc = 0;  // job control: members with a parent in another group
                      // of the session; kept 0 until the shell needs it
    PgrpTable* pg_table = nullptr;               // where it goes back to
};

class PgrpTable {
public:
    static constexpr size_t NBUCKETS = 64;

    explicit PgrpTable(PageAllocator& pages);
    // Every group and session must have been freed.
    ~PgrpTable();
    PgrpTable(const PgrpTable&) = delete;
    PgrpTable& operator=(const PgrpTable&) = delete;

    // The group with this id, or nullptr (pgfind).
    pgrp* pgfind(pid_t pgid);

    // Preallocation for enterpgrp: an unused group / session of this
    // table (pgrp_free_unused / session_free_unused give them back).
    // NoMem when the zone cannot grow.
    Result<pgrp*> pgrp_alloc();
    Result<session*> session_alloc();

    // Makes a new group with id pgid, which must be p's pid, and moves p
    // into it (enterpgrp).  With newsess, the group starts a new session
    // led by p (s_sid = p's pid, login name copied from p's old session,
    // P_CONTROLT cleared): what setsid does.  Without, the group joins
    // p's session.  p may be in no group yet only when newsess is given
    // (proc0 at boot).  p's old group is freed if p was its last member.
    //
    // newpgrp may be nullptr: then the group is allocated here (NoMem).
    // Perm when a group with id pgid exists (p leads a group already).
    // On success the given objects are consumed; on an error nothing has
    // changed and they remain the caller's.
    Result<void> enterpgrp(proc* p, pid_t pgid, pgrp* newpgrp, session* newsess);

    // Calls f(pgrp*) for every group; f must not add or remove groups.
    template <typename F>
    void foreach_pgrp(F f)
    {
        for (auto& chain : buckets_)
            for (pgrp* pg : chain) f(pg);
    }

    // The ids the pid allocator must not hand out (ProcTable::first_unused):
    // those of the groups, and those of the sessions that have groups (a
    // session a terminal alone holds has no process in it).
    const IdBitmap& group_ids() const { return group_ids_; }
    const IdBitmap& session_ids() const { return session_ids_; }

    size_t pgrp_count() const { return pgrps_.objects_in_use(); }
    size_t session_count() const { return sessions_.objects_in_use(); }
    TypedZone<pgrp>& pgrp_zone() { return pgrps_; }
    TypedZone<session>& session_zone() { return sessions_; }
    // Cached empty slabs back to the page allocator.
    void drain();

private:
    friend Result<void> enterthispgrp(proc* p, pgrp* pg);
    friend void leavepgrp(proc* p);
    friend void pgrp_free_unused(pgrp* pg);
    friend void session_free_unused(session* sess);
    friend void sess_release(session* sess);
    using Chain = List<pgrp, &pgrp::pg_hash>;
    Chain& bucket(pid_t pgid) { return buckets_[static_cast<uint32_t>(pgid) % NBUCKETS]; }
    static void doenterpgrp(proc* p, pgrp* pg);
    void pgdelete(pgrp* pg);

    TypedZone<pgrp> pgrps_;
    TypedZone<session> sessions_;
    Chain buckets_[NBUCKETS];
    IdBitmap group_ids_;
    IdBitmap session_ids_;
};

// The rest work on objects that know their table (pg_table, s_table).

// Gives back a preallocated object enterpgrp did not consume.
void pgrp_free_unused(pgrp* pg);
void session_free_unused(session* sess);

// Moves p into the existing group pg of its own session (enterthispgrp,
// for setpgid).  Nothing happens when p is in pg already.  Perm when pg is
// in another session.  p's old group is freed if p was its last member.
Result<void> enterthispgrp(proc* p, pgrp* pg);

// Takes p out of its group (leavepgrp, when a zombie is reaped); the group
// is freed after its last member, dropping its session reference.
void leavepgrp(proc* p);

// fork1's linkage: child joins parent's group, right after parent in
// pg_members (the seed's LIST_INSERT_AFTER(p1, p2, p_pglist)).  The child
// must be in no group.
void pgrp_insert_after(proc* parent, proc* child);

// One more reference to sess (sess_hold).
void sess_hold(session* sess);
// Drops a reference (sess_release); the last one frees the session.
void sess_release(session* sess);
