#include <kernel/sysctl/kern_sysctl.h>

#include <abi/sysctl.h>
#include <kernel/msgbuf.h>
#include <kernel/proc/kern_proc.h>
#include <kernel/proc/priv.h>
#include <kernel/proc/proc.h>
#include <kernel/sysctl/kern_mib.h>
#include <kernel/sysctl/sysctl.h>
#include <lib/kassert.h>
#include <lib/utility.h>
#include <mm/copyio.h>

#include <string.h>

namespace {

// Nodes whose value a function makes from the rest of the name (FreeBSD's
// CTLTYPE_NODE handlers), next to the registry's integers.
struct HandlerNode {
    const char* name;      // of the whole node, for name2oid: "kern.proc.all"
    int oid[3];            // its numeric name; the handler gets what follows prefix_len
    size_t len;
    size_t prefix_len;
    Errno (*handler)(const int* name, unsigned namelen, SysctlReq& req);
};

// kern.msgbuf is OID_AUTO in FreeBSD: Sprig's number (sysctl_oids.cpp).
constexpr int KERN_MSGBUF = 0x102;

constexpr HandlerNode handler_nodes[] = {
    {"kern.proc.all", {CTL_KERN, KERN_PROC, KERN_PROC_ALL}, 3, 2, sysctl_kern_proc},
    {"kern.ostype", {CTL_KERN, KERN_OSTYPE}, 2, 2, sysctl_kern_ostype},
    {"kern.osrelease", {CTL_KERN, KERN_OSRELEASE}, 2, 2, sysctl_kern_osrelease},
    {"kern.version", {CTL_KERN, KERN_VERSION}, 2, 2, sysctl_kern_version},
    {"kern.msgbuf", {CTL_KERN, KERN_MSGBUF}, 2, 2, sysctl_kern_msgbuf},
    {"hw.machine", {CTL_HW, HW_MACHINE}, 2, 2, sysctl_hw_machine},
};

bool has_prefix(const int* name, unsigned namelen, const int* prefix, size_t len)
{
    return namelen >= len && memcmp(name, prefix, len * sizeof(int)) == 0;
}

// Lexicographic order of numeric names, a prefix first: the order
// {0, 1} walks the tree in.
int oid_compare(const int* a, size_t alen, const int* b, size_t blen)
{
    for (size_t i = 0; i < sprig::min(alen, blen); i++)
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    return alen == blen ? 0 : (alen < blen ? -1 : 1);
}

// sysctl_handle_int, with sysctl_root's permission checks first.
Errno sysctl_handle_node(const SysctlNode& node, SysctlReq& req)
{
    if (req.newptr) {
        if (!(node.flags & CTLFLAG_WR)) return Errno::Perm;
        if ((node.flags & CTLFLAG_ROOTWR) &&
            !priv_check_cred(req.td->td_ucred, Priv::SysctlWrite).ok())
            return Errno::Perm;
    }
    const int value = SysctlRegistry::value_of(node);
    if (const Errno e = req.out(&value, sizeof value); e != Errno::Ok || !req.newptr) return e;
    int v = 0;
    if (const Errno e = req.in(&v, sizeof v); e != Errno::Ok) return e;
    return kernel_sysctl().write(node.name, v, true).error();
}

Errno out_oid(const int* oid, size_t len, SysctlReq& req) { return req.out(oid, len * sizeof(int)); }

Errno out_name(const char* name, SysctlReq& req) { return req.out(name, strlen(name) + 1); }

// {0, 3}: the new value is a name, the old one its numeric name.
Errno sysctl_name2oid(SysctlReq& req)
{
    constexpr size_t MAXNAMELEN = 128;
    if (req.newlen == 0) return Errno::NoEnt;
    if (req.newlen >= MAXNAMELEN) return Errno::NameTooLong;
    char name[MAXNAMELEN] = {};
    if (const Errno e = req.in(name, req.newlen); e != Errno::Ok) return e;
    for (const HandlerNode& h : handler_nodes)
        if (strcmp(h.name, name) == 0) return out_oid(h.oid, h.len, req);
    const SysctlNode* n = kernel_sysctl().find(name);
    if (!n || n->oid_len == 0) return Errno::NoEnt;
    return out_oid(n->oid, n->oid_len, req);
}

// {0, 2, oid...}: the dotted name of oid.
Errno sysctl_name(const int* oid, unsigned len, SysctlReq& req)
{
    for (const HandlerNode& h : handler_nodes)
        if (oid_compare(oid, len, h.oid, h.len) == 0) return out_name(h.name, req);
    const SysctlNode* n = kernel_sysctl().find(oid, len);
    return n ? out_name(n->name, req) : Errno::NoEnt;
}

// {0, 1, oid...}: the registry node that follows oid (kern.proc's
// records are not integers, so a listing skips them).
Errno sysctl_next(const int* oid, unsigned len, SysctlReq& req)
{
    const SysctlNode* best = nullptr;
    for (const SysctlNode& n : kernel_sysctl()) {
        if (n.oid_len == 0 || oid_compare(n.oid, n.oid_len, oid, len) <= 0) continue;
        if (!best || oid_compare(n.oid, n.oid_len, best->oid, best->oid_len) < 0) best = &n;
    }
    return best ? out_oid(best->oid, best->oid_len, req) : Errno::NoEnt;
}

Errno sysctl_meta(const int* name, unsigned namelen, SysctlReq& req)
{
    switch (name[1]) {
    case CTL_SYSCTL_NEXT:
        return sysctl_next(name + 2, namelen - 2, req);
    case CTL_SYSCTL_NAME:
        return sysctl_name(name + 2, namelen - 2, req);
    case CTL_SYSCTL_NAME2OID:
        return sysctl_name2oid(req);
    default:
        return Errno::NoEnt;
    }
}

} // namespace

Errno SysctlReq::out(const void* p, size_t n)
{
    if (oldptr && oldidx < oldlen) {
        const size_t fits = sprig::min(n, oldlen - oldidx);
        if (const Errno e = copyout(p, oldptr + oldidx, fits); e != Errno::Ok) return e;
    }
    oldidx += n;
    return Errno::Ok;
}

Errno SysctlReq::in(void* p, size_t n)
{
    if (!newptr || newlen - newidx < n) return Errno::Inval;
    if (const Errno e = copyin(newptr + newidx, p, n); e != Errno::Ok) return e;
    newidx += n;
    return Errno::Ok;
}

Errno kern_sysctl(const int* name, unsigned namelen, SysctlReq& req)
{
    KASSERT(namelen >= 2 && namelen <= CTL_MAXNAME, "sysctl name of %u parts", namelen);
    if (name[0] == CTL_UNSPEC) return sysctl_meta(name, namelen, req);
    for (const HandlerNode& h : handler_nodes)
        if (has_prefix(name, namelen, h.oid, h.prefix_len))
            return h.handler(name + h.prefix_len, namelen - static_cast<unsigned>(h.prefix_len), req);
    const SysctlNode* n = kernel_sysctl().find(name, namelen);
    return n ? sysctl_handle_node(*n, req) : Errno::NoEnt;
}

Errno user_sysctl(thread* td, uint64_t uname, unsigned namelen, uint64_t uold, uint64_t uoldlenp,
                  uint64_t unew, size_t newlen)
{
    if (namelen < 2 || namelen > CTL_MAXNAME) return Errno::Inval;
    int name[CTL_MAXNAME];
    if (const Errno e = copyin(uname, name, namelen * sizeof(int)); e != Errno::Ok) return e;
    SysctlReq req;
    req.td = td;
    // oldp without oldlenp is a buffer of length 0, as in FreeBSD.
    if (uoldlenp)
        if (const Errno e = copyin(uoldlenp, &req.oldlen, sizeof req.oldlen); e != Errno::Ok) return e;
    req.oldptr = uold;
    req.newptr = unew;
    req.newlen = unew ? newlen : 0;
    Errno e = kern_sysctl(name, namelen, req);
    if (e == Errno::Ok && req.oldptr && req.oldidx > req.oldlen) e = Errno::NoMem;
    if ((e == Errno::Ok || e == Errno::NoMem) && uoldlenp) {
        const Errno e2 = copyout(&req.oldidx, uoldlenp, sizeof req.oldidx);
        if (e2 != Errno::Ok) return e2;
    }
    return e;
}
