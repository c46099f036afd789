// Per-user information (FreeBSD's struct uidinfo, kern_resource.c): one
// record per uid that some credential names, holding the count of that
// user's processes, which RLIMIT_NPROC bounds.  Records live in a small
// hash table, are made on first lookup and freed with their last
// reference.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <abi/resource.h>
#include <lib/list.h>
#include <lib/result.h>
#include <mm/zone.h>
#include <kernel/proc/ucred.h>

class UidTable;

struct uidinfo {
    ListNode ui_hash;        // on its hash chain
    uid_t ui_uid = 0;
    uint32_t ui_ref = 0;     // references held (credentials, lookups)
    long ui_proccnt = 0;     // processes whose real uid this is
    UidTable* ui_table = nullptr;
};

// The table of uidinfo records and the zone they come from.
class UidTable {
public:
    static constexpr size_t NBUCKETS = 64;

    explicit UidTable(PageAllocator& pages);
    // Every record must have been freed.
    ~UidTable();
    UidTable(const UidTable&) = delete;
    UidTable& operator=(const UidTable&) = delete;

    // The record of uid with one reference taken for the caller, made
    // (process count 0) when there is none (uifind).  NoMem when a new
    // record is needed and the zone cannot grow.
    Result<uidinfo*> uifind(uid_t uid);
    // The record of uid, no reference taken; nullptr when there is none.
    uidinfo* lookup(uid_t uid);

    // Records alive.
    size_t count() const { return zone_.objects_in_use(); }
    // Calls f(uidinfo*) for every record; f must not add or remove any.
    template <typename F>
    void foreach_uidinfo(F f)
    {
        for (auto& chain : buckets_)
            for (uidinfo* uip : chain) f(uip);
    }
    TypedZone<uidinfo>& zone() { return zone_; }
    void fail_after(long n) { zone_.fail_after(n); }

private:
    friend void uifree(uidinfo* uip);
    List<uidinfo, &uidinfo::ui_hash>& bucket(uid_t uid) { return buckets_[uid % NBUCKETS]; }
    void release(uidinfo* uip);

    TypedZone<uidinfo> zone_;
    List<uidinfo, &uidinfo::ui_hash> buckets_[NBUCKETS];
};

// One more reference to uip.
void uihold(uidinfo* uip);
// Drops a reference; the last one frees the record, whose process count
// must then be 0.
void uifree(uidinfo* uip);

// Changes uip's process count by diff (chgproccnt).  An increase that
// would take the count above max is refused (false, nothing changed);
// max == 0 means no limit, as in FreeBSD, and decreases always succeed.
bool chgproccnt(uidinfo* uip, long diff, rlim_t max);
