#include <kernel/proc/uidinfo.h>

UidTable::UidTable(PageAllocator& pages) : zone_("uidinfo", pages) {}

UidTable::~UidTable()
{
    KASSERT(count() == 0, "uid table destroyed with %zu records alive", count());
}

uidinfo* UidTable::lookup(uid_t uid)
{
    for (uidinfo* uip : bucket(uid))
        if (uip->ui_uid == uid) return uip;
    return nullptr;
}

Result<uidinfo*> UidTable::uifind(uid_t uid)
{
    if (uidinfo* uip = lookup(uid)) {
        uihold(uip);
        return uip;
    }
    uidinfo* uip = TRY(zone_.create());
    uip->ui_uid = uid;
    uip->ui_ref = 1;
    uip->ui_table = this;
    bucket(uid).push_front(uip);
    return uip;
}

void UidTable::release(uidinfo* uip)
{
    bucket(uip->ui_uid).remove(uip);
    zone_.destroy(uip);
}

void uihold(uidinfo* uip)
{
    KASSERT(uip && uip->ui_ref > 0, "uihold of a freed uidinfo");
    uip->ui_ref++;
}

void uifree(uidinfo* uip)
{
    KASSERT(uip && uip->ui_ref > 0, "uifree of a freed uidinfo");
    if (--uip->ui_ref > 0) return;
    // A counted process holds its credential, which holds this record.
    KASSERT(uip->ui_proccnt == 0, "freeing uidinfo of uid %u with %ld processes", uip->ui_uid,
            uip->ui_proccnt);
    uip->ui_table->release(uip);
}

bool chgproccnt(uidinfo* uip, long diff, rlim_t max)
{
    KASSERT(uip && uip->ui_ref > 0, "chgproccnt on a freed uidinfo");
    if (diff > 0 && max != 0 && uip->ui_proccnt + diff > max) return false;
    uip->ui_proccnt += diff;
    KASSERT(uip->ui_proccnt >= 0, "negative process count for uid %u", uip->ui_uid);
    return true;
}
