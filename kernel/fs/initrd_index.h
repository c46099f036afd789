// The initrd's members by name: one pass over the archive builds a table
// sorted by name (the leading "./" and slashes skipped, as cpio_find
// compares), so that finding a member is a binary search instead of a
// walk over every header before it.  A walk cost an exec of /bin/true
// about 58,000 instructions with the suite's hundred-odd members, and
// grew with every program added; the search costs a few hundred.
#pragma once

#include <stddef.h>
#include <kernel/fs/cpio.h>
#include <lib/result.h>

struct vnode;

class InitrdIndex {
public:
    struct Slot {
        const char* key; // the member's name, prefix skipped
        CpioEntry e;
        vnode* vp;       // made on the first initrd_vget, else null
    };

    // Reads the archive at base (len bytes): NoMem when the table cannot
    // be allocated (nothing kept: the caller walks the archive instead).
    // A malformed member ends the table there; find() then answers as a
    // walk would (the members before it, Inval for any other name).
    Result<void> build(const void* base, size_t len);
    // Frees the table (the slots' vnodes are the caller's to free).
    void clear();
    bool built() const { return built_; }
    // The first member named path in archive order (cpio_find's answer):
    // NoEnt when there is none, Inval when the archive is malformed.
    Result<Slot*> find(const char* path);

private:
    Slot* slots_ = nullptr;
    size_t n_ = 0;
    bool built_ = false;
    Errno tail_ = Errno::Ok; // how the walk that built the table ended
};
