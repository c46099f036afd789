#include <kernel/fs/initrd.h>

#include <new>
#include <string.h>
#include <kernel/fs/initrd_index.h>
#include <kernel/fs/vnode.h>
#include <mm/kmalloc.h>

namespace {

const void* g_base = nullptr;
size_t g_len = 0;

// Every vnode made, found by the member's data (one per member, however
// the path was spelt).
List<vnode, &vnode::v_list> g_vnodes;

// The members by name, built by the first initrd_vget (which allocates
// anyway); until then, or without the memory for it, lookups walk the
// archive.
InitrdIndex g_index;

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

// The vnode already made for member e, or null.
vnode* vnode_of(const CpioEntry& e)
{
    for (vnode* v : g_vnodes)
        if (v->v_name == e.name) return v;
    return nullptr;
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
    g_index.clear();
    vnodes_free();
    g_base = base;
    g_len = base ? len : 0;
}

bool initrd_present() { return g_base != nullptr; }

Result<CpioEntry> initrd_lookup(const char* path)
{
    if (!g_base) return Errno::NoEnt;
    if (g_index.built()) return TRY(g_index.find(path))->e;
    return cpio_find(g_base, g_len, path);
}

namespace {

// The member's vnode, made if it is the first time, with a reference.
Result<vnode*> vget_entry(const CpioEntry& e, vnode** cache)
{
    vnode* vp = cache && *cache ? *cache : vnode_of(e);
    if (!vp) vp = TRY(vnode_make(e));
    if (cache) *cache = vp;
    vref(vp);
    return vp;
}

} // namespace

Result<vnode*> initrd_vget(const char* path)
{
    if (!g_base) return Errno::NoEnt;
    if (cpio_skip_prefix(path)[0] == '\0')
        return vget_entry(CpioEntry{g_root_name, S_IFDIR | 0755, 0, 0, nullptr, 0}, nullptr);
    if (!g_index.built()) (void)g_index.build(g_base, g_len); // NoMem: the walk below
    if (!g_index.built()) return vget_entry(TRY(cpio_find(g_base, g_len, path)), nullptr);
    InitrdIndex::Slot* s = TRY(g_index.find(path));
    return vget_entry(s->e, &s->vp);
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
