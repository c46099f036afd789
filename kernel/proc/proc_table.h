// Where processes are kept (FreeBSD's allproc, zombproc and pidhashtbl):
// live processes on allproc, exited ones on zombproc until their parent
// reaps them, every one of them in the pid hash.  It is also what the pid
// allocator asks which ids are taken (ProcIdTable): the pids of the
// processes on its lists, kept in a bitmap, and the group and session ids
// of the PgrpTable attached to it (its processes' groups).
#pragma once

#include <kernel/proc/pid.h>
#include <kernel/proc/pid_bitmap.h>
#include <kernel/proc/proc.h>
#include <lib/list.h>

class PgrpTable;

class ProcTable final : public ProcIdTable {
public:
    static constexpr unsigned HASH_SIZE = 256;
    using ProcListT = List<proc, &proc::p_list>;

    ProcTable() = default;
    ProcTable(const ProcTable&) = delete;
    ProcTable& operator=(const ProcTable&) = delete;

    // A new process joins allproc and the hash (fork1, once its pid is
    // committed).  Its pid must be unused.
    void link(proc* p);
    // An exiting process moves to zombproc (exit1); it stays in the hash.
    void zombify(proc* p);
    // A live process leaves for good (host tests taking proc0 down).
    void unlink_live(proc* p);
    // A reaped zombie leaves for good (wait).
    void unlink_zombie(proc* p);

    // The process with this pid, zombies included; a process still being
    // made (ProcState::New) is not found, as in FreeBSD's pfind.
    proc* pfind(pid_t pid);

    ProcListT& allproc() { return allproc_; }
    ProcListT& zombproc() { return zombproc_; }
    // Processes counted against maxproc: live ones and zombies.
    unsigned nprocs() const { return static_cast<unsigned>(allproc_.size() + zombproc_.size()); }

    // The table of the groups its processes are in, whose group and
    // session ids are taken too (nullptr: none, only pids are).
    void attach_groups(const PgrpTable* groups) { groups_ = groups; }

    // ProcIdTable: the ids in use, for the pid allocator.
    pid_t first_unused(pid_t from, pid_t below) override;
    // Whether a process on the lists has this pid (the bitmap's view).
    bool pid_in_use(pid_t pid) const { return pids_.test(pid); }
    size_t pid_count() const { return pids_.count(); }

private:
    using HashChain = List<proc, &proc::p_hash>;
    HashChain& chain(pid_t pid) { return hash_[static_cast<unsigned>(pid) % HASH_SIZE]; }

    ProcListT allproc_;
    ProcListT zombproc_;
    HashChain hash_[HASH_SIZE];
    IdBitmap pids_;                     // pids of the processes on the lists
    const PgrpTable* groups_ = nullptr;
};

// The kernel's table.
ProcTable& proc_table();
