#include <kernel/exec/execve.h>

#include <kernel/exec/exec_perm.h>
#include <kernel/exec/kern_exec.h>
#include <kernel/fs/initrd.h>
#include <kernel/fs/vnode.h>
#include <mm/copyio.h>
#include <mm/kmalloc.h>

namespace {

// Everything execve copies in, in one allocation.
struct ExecBuffer {
    char path[EXEC_MAXPATH];
    char strings[EXEC_ARG_MAX];
    const char* argv[EXEC_MAXARGS + 1];
    const char* envp[EXEC_MAXARGS + 1];
};

// Copies the NULL-terminated vector at uvec into out (NULL-terminated),
// its strings into the buffer's remaining room.
Errno copyin_vector(uint64_t uvec, const char** out, size_t* nout, ExecBuffer& b, size_t* used)
{
    size_t n = 0;
    for (; uvec; n++) {
        uint64_t ustr = 0;
        if (const Errno e = fuword(uvec + 8 * n, &ustr); e != Errno::Ok) return e;
        if (!ustr) break;
        if (*nout + n == EXEC_MAXARGS) return Errno::TooBig;
        size_t done = 0;
        const Errno e = copyinstr(ustr, b.strings + *used, sizeof b.strings - *used, &done);
        if (e == Errno::NameTooLong) return Errno::TooBig; // no room left
        if (e != Errno::Ok) return e;
        out[n] = b.strings + *used;
        *used += done;
    }
    out[n] = nullptr;
    *nout += n;
    return Errno::Ok;
}

Errno execve_with(thread* td, ExecBuffer& b, uint64_t upath, uint64_t uargv, uint64_t uenvp)
{
    if (const Errno e = copyinstr(upath, b.path, sizeof b.path, nullptr); e != Errno::Ok) return e;
    size_t used = 0, count = 0;
    if (const Errno e = copyin_vector(uargv, b.argv, &count, b, &used); e != Errno::Ok) return e;
    if (const Errno e = copyin_vector(uenvp, b.envp, &count, b, &used); e != Errno::Ok) return e;
    Result<vnode*> vp = initrd_vget(b.path);
    if (!vp.ok()) return vp.error() == Errno::Inval ? Errno::NoExec : vp.error();
    vnode* v = vp.value();
    Errno e = exec_check_permissions(td, v);
    if (e == Errno::Ok) e = kern_execve(td, ExecArgs{b.path, v->v_data, v->v_size, b.argv, b.envp, v});
    vrele(v);
    return e == Errno::Ok ? Errno::JustReturn : e;
}

} // namespace

Errno user_execve(thread* td, uint64_t upath, uint64_t uargv, uint64_t uenvp)
{
    Result<void*> mem = kmalloc(sizeof(ExecBuffer));
    if (!mem.ok()) return mem.error();
    auto* b = static_cast<ExecBuffer*>(mem.value());
    const Errno e = execve_with(td, *b, upath, uargv, uenvp);
    kfree(b);
    return e;
}
