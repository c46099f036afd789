// One bit per id below PID_MAX: which ids are in use in one role (as a
// pid, a process group id or a session id).  The pid allocator's search
// looks for the first id clear in all three maps, a word at a time, so it
// costs O(PID_MAX / 64) at worst, whatever the number of processes
// (docs/processes.md, "Process ids").
#pragma once

#include <kernel/proc/pid.h>
#include <lib/kassert.h>
#include <stddef.h>
#include <stdint.h>

class IdBitmap {
public:
    static constexpr size_t WORDS = (static_cast<size_t>(PID_MAX) + 63) / 64;

    void set(pid_t id)
    {
        KASSERT(!test(id), "id %d marked in use twice", id);
        words_[index(id)] |= bit(id);
    }
    void clear(pid_t id)
    {
        KASSERT(test(id), "id %d released while not in use", id);
        words_[index(id)] &= ~bit(id);
    }
    bool test(pid_t id) const { return (words_[index(id)] & bit(id)) != 0; }
    uint64_t word(size_t i) const { return words_[i]; }
    // How many ids are set (for the invariant checker).
    size_t count() const
    {
        size_t n = 0;
        for (uint64_t w : words_) n += static_cast<size_t>(__builtin_popcountll(w));
        return n;
    }

private:
    static size_t index(pid_t id)
    {
        KASSERT(id >= 0 && id < PID_MAX, "id %d out of range", id);
        return static_cast<size_t>(id) / 64;
    }
    static uint64_t bit(pid_t id) { return uint64_t{1} << (static_cast<unsigned>(id) % 64); }

    uint64_t words_[WORDS] = {};
};

// The smallest id in [from, below) whose bit is clear in every one of the
// count maps (null entries are skipped), or below if there is none.
// 0 <= from <= below <= PID_MAX.
pid_t first_clear(const IdBitmap* const* maps, int count, pid_t from, pid_t below);
