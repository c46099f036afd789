// Credentials (FreeBSD's struct ucred, kern_prot.c): the user and group ids
// a process acts with, shared by reference between a process, its threads
// and the children forked from it.  A shared credential is never changed:
// who wants different ids makes a copy (crdup), changes that, and drops
// the old one.
//
// A credential holds a reference on the uidinfo of its effective uid
// (cr_uidinfo) and of its real uid (cr_ruidinfo); the per-uid process
// count fork1 checks lives there.
//
// Objects come from a zone the caller owns (the kernel makes one at boot,
// host tests one per test); each credential remembers its zone, so
// crfree() needs nothing else.
#pragma once

#include <stdint.h>
#include <lib/result.h>
#include <mm/zone.h>

struct uidinfo;
class UidTable;

using uid_t = uint32_t;
using gid_t = uint32_t;

struct ucred;
using UcredZone = TypedZone<ucred>;

struct ucred {
    uint32_t cr_ref = 1;      // references held
    uid_t cr_uid = 0;         // effective user id
    uid_t cr_ruid = 0;        // real user id
    uid_t cr_svuid = 0;       // saved user id
    gid_t cr_rgid = 0;        // real group id
    gid_t cr_svgid = 0;       // saved group id
    // Groups; cr_groups[0] is the effective gid (FreeBSD's cr_gid).
    static constexpr int NGROUPS = 16; // XU_NGROUPS
    int cr_ngroups = 1;
    gid_t cr_groups[NGROUPS] = {};
    uidinfo* cr_uidinfo = nullptr;  // per-euid information, referenced
    uidinfo* cr_ruidinfo = nullptr; // per-ruid information, referenced
    UcredZone* cr_zone = nullptr;   // where it goes back to

    gid_t cr_gid() const { return cr_groups[0]; }
};

// A fresh credential: one reference, every id 0, one group (gid 0), no
// uidinfo yet (crget).  NoMem when the zone cannot grow.
Result<ucred*> crget(UcredZone& zone);
// Takes one more reference; returns cr for `p->p_ucred = crhold(cr)`.
ucred* crhold(ucred* cr);
// Drops a reference; the last one releases the uidinfo references and
// gives the object back to its zone.
void crfree(ucred* cr);
// Copies ids, groups and uidinfo references of src into dest, which must
// be fresh (crget) and unshared; dest's old uidinfo references are dropped.
void crcopy(ucred* dest, const ucred* src);
// A new unshared credential equal to cr (crget + crcopy).  NoMem.
Result<ucred*> crdup(const ucred* cr);
// Whether more than one holder may see cr (it must then not be changed).
inline bool cred_shared(const ucred* cr) { return cr->cr_ref > 1; }

// Id changes on an unshared credential (kern_prot.c's change_*): the
// uidinfo versions take a reference on the new uidinfo and drop the old.
void change_euid(ucred* cr, uidinfo* euip);
void change_ruid(ucred* cr, uidinfo* ruip);
void change_svuid(ucred* cr, uid_t svuid);
void change_egid(ucred* cr, gid_t egid);
void change_rgid(ucred* cr, gid_t rgid);
void change_svgid(ucred* cr, gid_t svgid);

// A credential with every uid `uid` and every gid `gid` (one group), with
// its uidinfo references, as proc0_init makes proc0's.  NoMem (nothing
// is left allocated).
Result<ucred*> cred_create(UcredZone& zone, UidTable& uids, uid_t uid, gid_t gid);
