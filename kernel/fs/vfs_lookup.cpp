#include <kernel/fs/vfs_lookup.h>

#include <string.h>
#include <kernel/fs/tmpfs.h>
#include <kernel/fs/vaccess.h>
#include <kernel/ktrace/ktrace.h>
#include <lib/kassert.h>

namespace {

// Rewrites path as its components joined by '/', with no leading slash,
// "." dropped and ".." taking the previous component away.
Errno canonicalize(char* path, nameidata* nd)
{
    const size_t len = strlen(path);
    nd->ni_trailing_slash = len > 0 && path[len - 1] == '/';
    size_t out = 0;
    for (size_t i = 0; i < len;) {
        while (i < len && path[i] == '/') i++;
        const size_t start = i;
        while (i < len && path[i] != '/') i++;
        const size_t n = i - start;
        if (n == 0) break;
        if (n > NAME_MAX) return Errno::NameTooLong;
        const bool dot = n == 1 && path[start] == '.';
        const bool dotdot = n == 2 && path[start] == '.' && path[start + 1] == '.';
        nd->ni_lastdot = dot || dotdot;
        if (dot) continue;
        if (dotdot) {
            while (out > 0 && path[out - 1] != '/') out--;
            if (out > 0) out--; // the separator before it
            continue;
        }
        if (out > 0) path[out++] = '/';
        memmove(path + out, path + start, n);
        out += n;
    }
    path[out] = '\0';
    nd->ni_path = path;
    return Errno::Ok;
}

// The next component of p: its length (0 at the end).
size_t component(const char* p)
{
    size_t n = 0;
    while (p[n] && p[n] != '/') n++;
    return n;
}

Errno tmpfs_walk(const char* rest, const ucred* cred, nameidata* nd)
{
    tmpfs_node* dir = tmpfs_root_mount()->tm_root;
    if (*rest == '\0') { // /tmp itself
        nd->ni_vp = dir;
        nd->ni_name = "tmp";
        nd->ni_namelen = 3;
        return Errno::Ok;
    }
    for (;;) {
        if (!vaccess(TMPFS_TO_VP(dir), VEXEC, cred).ok()) return Errno::Acces;
        const size_t n = component(rest);
        tmpfs_dirent* de = tmpfs_dir_lookup(dir, rest, n);
        if (rest[n] == '\0') {
            nd->ni_dvp = dir;
            nd->ni_de = de;
            nd->ni_vp = de ? de->td_node : nullptr;
            nd->ni_name = rest;
            nd->ni_namelen = n;
            return Errno::Ok;
        }
        if (!de) return Errno::NoEnt;
        if (TMPFS_TO_VP(de->td_node)->v_type != VType::VDIR) return Errno::NotDir;
        dir = de->td_node;
        rest += n + 1;
    }
}

} // namespace

Errno namei(char* path, const ucred* cred, nameidata* nd)
{
    *nd = nameidata{};
    ktrnamei_point(path); // the path as given, before it is made canonical
    if (path[0] == '\0') return Errno::NoEnt;
    if (const Errno e = canonicalize(path, nd); e != Errno::Ok) return e;
    const bool in_tmp = strncmp(path, "tmp", 3) == 0 && (path[3] == '\0' || path[3] == '/');
    if (!in_tmp || !tmpfs_root_mount()) return Errno::Ok;
    nd->ni_tmpfs = true;
    const Errno e = tmpfs_walk(path[3] ? path + 4 : path + 3, cred, nd);
    if (e != Errno::Ok) return e;
    if (nd->ni_trailing_slash && nd->ni_vp && TMPFS_TO_VP(nd->ni_vp)->v_type != VType::VDIR)
        return Errno::NotDir;
    return Errno::Ok;
}
