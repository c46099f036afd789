#include <kernel/fs/initrd.h>

#include <new>
#include <kernel/fs/vnode.h>
#include <mm/kmalloc.h>

namespace {

const void* g_base = nullptr;
size_t g_len = 0;

// Every vnode made, found by the member's data (one per member, however
// the path was spelt).
List<vnode, &vnode::v_list> g_vnodes;

constexpr uint32_t S_IFMT = 0170000, S_IFDIR = 0040000;

void vnodes_free()
{
    while (vnode* vp = g_vnodes.pop_front()) {
        KASSERT(vp->v_usecount == 0, "initrd replaced while %s is in use (%u references)",
                vp->v_name, vp->v_usecount);
        vp->~vnode();
        kfree(vp);
    }
}

Result<vnode*> vnode_make(const CpioEntry& e)
{
    void* mem = TRY(kmalloc(sizeof(vnode)));
    vnode* vp = new (mem) vnode;
    vp->v_name = e.name;
    vp->v_type = (e.mode & S_IFMT) == S_IFDIR ? VType::VDIR : VType::VREG;
    vp->v_mode = static_cast<uint16_t>(e.mode & 07777);
    vp->v_uid = e.uid;
    vp->v_gid = e.gid;
    vp->v_data = e.data;
    vp->v_size = e.size;
    g_vnodes.push_back(vp);
    return vp;
}

} // namespace

void initrd_set(const void* base, size_t len)
{
    vnodes_free();
    g_base = base;
    g_len = base ? len : 0;
}

bool initrd_present() { return g_base != nullptr; }

Result<CpioEntry> initrd_lookup(const char* path)
{
    if (!g_base) return Errno::NoEnt;
    return cpio_find(g_base, g_len, path);
}

Result<vnode*> initrd_vget(const char* path)
{
    const CpioEntry e = TRY(initrd_lookup(path));
    vnode* vp = nullptr;
    for (vnode* v : g_vnodes)
        if (v->v_name == e.name) vp = v;
    if (!vp) vp = TRY(vnode_make(e));
    vref(vp);
    return vp;
}

size_t initrd_vnode_count() { return g_vnodes.size(); }
