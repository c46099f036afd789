// Where processes are kept (FreeBSD's allproc, zombproc and pidhashtbl):
// live processes on allproc, exited ones on zombproc until their parent
// reaps them, every one of them in the pid hash.  It is also what the pid
// allocator asks which ids are taken (ProcIdTable).
#pragma once

#include <kernel/proc/pid.h>
#include <kernel/proc/proc.h>
#include <lib/list.h>

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

    // ProcIdTable: the ids in use, for the pid allocator.
    void foreach_proc(ProcList which, ProcIdVisitor& v) override;

private:
    using HashChain = List<proc, &proc::p_hash>;
    HashChain& chain(pid_t pid) { return hash_[static_cast<unsigned>(pid) % HASH_SIZE]; }

    ProcListT allproc_;
    ProcListT zombproc_;
    HashChain hash_[HASH_SIZE];
};

// The kernel's table.
ProcTable& proc_table();
