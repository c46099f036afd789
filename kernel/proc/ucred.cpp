#include <kernel/proc/ucred.h>

#include <kernel/proc/uidinfo.h>

Result<ucred*> crget(UcredZone& zone)
{
    ucred* cr = TRY(zone.create());
    cr->cr_zone = &zone;
    return cr;
}

ucred* crhold(ucred* cr)
{
    KASSERT(cr && cr->cr_ref > 0, "crhold of a freed credential");
    cr->cr_ref++;
    return cr;
}

void crfree(ucred* cr)
{
    KASSERT(cr && cr->cr_ref > 0, "crfree of a freed credential");
    if (--cr->cr_ref > 0) return;
    // A credential made by crget may not have reached change_*uid yet.
    if (cr->cr_uidinfo) uifree(cr->cr_uidinfo);
    if (cr->cr_ruidinfo) uifree(cr->cr_ruidinfo);
    cr->cr_zone->destroy(cr);
}

void crcopy(ucred* dest, const ucred* src)
{
    KASSERT(!cred_shared(dest), "crcopy into a shared credential (%u refs)", dest->cr_ref);
    // Hold the new ones first: src and dest may name the same records.
    if (src->cr_uidinfo) uihold(src->cr_uidinfo);
    if (src->cr_ruidinfo) uihold(src->cr_ruidinfo);
    if (dest->cr_uidinfo) uifree(dest->cr_uidinfo);
    if (dest->cr_ruidinfo) uifree(dest->cr_ruidinfo);

    dest->cr_uid = src->cr_uid;
    dest->cr_ruid = src->cr_ruid;
    dest->cr_svuid = src->cr_svuid;
    dest->cr_rgid = src->cr_rgid;
    dest->cr_svgid = src->cr_svgid;
    dest->cr_ngroups = src->cr_ngroups;
    for (int i = 0; i < ucred::NGROUPS; i++) dest->cr_groups[i] = src->cr_groups[i];
    dest->cr_uidinfo = src->cr_uidinfo;
    dest->cr_ruidinfo = src->cr_ruidinfo;
}

Result<ucred*> crdup(const ucred* cr)
{
    ucred* n = TRY(crget(*cr->cr_zone));
    crcopy(n, cr);
    return n;
}

void change_euid(ucred* cr, uidinfo* euip)
{
    KASSERT(!cred_shared(cr), "changing a shared credential");
    uihold(euip);
    if (cr->cr_uidinfo) uifree(cr->cr_uidinfo);
    cr->cr_uid = euip->ui_uid;
    cr->cr_uidinfo = euip;
}

void change_ruid(ucred* cr, uidinfo* ruip)
{
    KASSERT(!cred_shared(cr), "changing a shared credential");
    uihold(ruip);
    if (cr->cr_ruidinfo) uifree(cr->cr_ruidinfo);
    cr->cr_ruid = ruip->ui_uid;
    cr->cr_ruidinfo = ruip;
}

void change_svuid(ucred* cr, uid_t svuid)
{
    KASSERT(!cred_shared(cr), "changing a shared credential");
    cr->cr_svuid = svuid;
}

void change_egid(ucred* cr, gid_t egid)
{
    KASSERT(!cred_shared(cr), "changing a shared credential");
    cr->cr_groups[0] = egid;
}

void change_rgid(ucred* cr, gid_t rgid)
{
    KASSERT(!cred_shared(cr), "changing a shared credential");
    cr->cr_rgid = rgid;
}

void change_svgid(ucred* cr, gid_t svgid)
{
    KASSERT(!cred_shared(cr), "changing a shared credential");
    cr->cr_svgid = svgid;
}

Result<ucred*> cred_create(UcredZone& zone, UidTable& uids, uid_t uid, gid_t gid)
{
    uidinfo* uip = TRY(uids.uifind(uid));
    Result<ucred*> r = crget(zone);
    if (!r.ok()) {
        uifree(uip);
        return r.error();
    }
    ucred* cr = r.value();
    change_euid(cr, uip);
    change_ruid(cr, uip);
    change_svuid(cr, uid);
    change_egid(cr, gid);
    change_rgid(cr, gid);
    change_svgid(cr, gid);
    uifree(uip); // the credential holds its own references now
    return cr;
}
