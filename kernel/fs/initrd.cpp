#include <kernel/fs/initrd.h>

#include <new>
#include <string.h>
#include <kernel/fs/vnode.h>
#include <mm/kmalloc.h>

namespace {

const void* g_base = nullptr;
size_t g_len = 0;

// Every vnode made, found by the member's data (one per member, however
// the path was spelt).
List<vnode, &vnode::v_list> g_vnodes;

constexpr uint32_t S_IFMT = 0170000, S_IFDIR = 0040000;

// The root directory, which the archive does not list (its name is this
// string, by address).
const char g_root_name[] = "";

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
    vp->v_fileid = initrd_fileid(e);
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
    const CpioEntry e = cpio_skip_prefix(path)[0] == '\0' && g_base
                            ? CpioEntry{g_root_name, S_IFDIR | 0755, 0, 0, nullptr, 0}
                            : TRY(initrd_lookup(path));
    vnode* vp = nullptr;
    for (vnode* v : g_vnodes)
        if (v->v_name == e.name) vp = v;
    if (!vp) vp = TRY(vnode_make(e));
    vref(vp);
    return vp;
}

size_t initrd_vnode_count() { return g_vnodes.size(); }

uint64_t initrd_fileid(const CpioEntry& e)
{
    if (e.name == g_root_name) return 2;
    return uint64_t(reinterpret_cast<uintptr_t>(e.name) - reinterpret_cast<uintptr_t>(g_base)) + 3;
}

namespace {

// Whether name (a member's, prefix skipped) is directly in dir ("" for
// the root): the rest after "dir/" has no slash.
const char* child_name(const char* name, const char* dir)
{
    const size_t n = strlen(dir);
    if (n > 0) {
        if (strncmp(name, dir, n) != 0 || name[n] != '/') return nullptr;
        name += n + 1;
    }
    if (name[0] == '\0' || strchr(name, '/')) return nullptr;
    return name;
}

} // namespace

Result<bool> initrd_dir_entry(const char* dir, uint64_t index, CpioEntry* e, const char** name)
{
    if (!g_base) return false;
    CpioReader r(g_base, g_len);
    while (TRY(r.next(e))) {
        const char* child = child_name(cpio_skip_prefix(e->name), cpio_skip_prefix(dir));
        if (child && index-- == 0) {
            *name = child;
            return true;
        }
    }
    return false;
}
