#include <kernel/exec/execve.h>

#include <kernel/exec/exec_perm.h>
#include <kernel/exec/imgact_shell.h>
#include <kernel/exec/kern_exec.h>
#include <kernel/fs/initrd.h>
#include <kernel/fs/vnode.h>
#include <kernel/ktrace/ktrace.h>
#include <mm/copyio.h>
#include <mm/kmalloc.h>

#include <string.h>

namespace {

// Everything execve copies in, in one allocation.
struct ExecBuffer {
    char path[EXEC_MAXPATH];
    char strings[EXEC_ARG_MAX];
    const char* argv[EXEC_MAXARGS + 1];
    const char* envp[EXEC_MAXARGS + 1];
    ShellLine shell; // a script's "#!" line
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

// argv becomes: interpreter [argument] script-path argv[1..].  E2BIG
// when the two or three new strings or pointers do not fit.
Errno shell_args(ExecBuffer& b, size_t* count, size_t* used)
{
    const char* added[3] = {b.shell.interp, b.shell.arg, b.path};
    const size_t nadd = b.shell.has_arg ? 3 : 2;
    if (!b.shell.has_arg) added[1] = b.path;
    size_t argc = 0;
    while (b.argv[argc]) argc++;
    const size_t keep = argc ? argc - 1 : 0; // argv[0] is replaced
    if (*count - argc + keep + nadd > EXEC_MAXARGS) return Errno::TooBig;
    for (size_t k = 0; k < nadd; k++) *used += strlen(added[k]) + 1;
    if (*used > sizeof b.strings) return Errno::TooBig;
    // The pointers may point at the shell line and the path: both live
    // in the buffer for as long as the strings do.
    memmove(b.argv + nadd, b.argv + (argc ? 1 : 0), (keep + 1) * sizeof b.argv[0]);
    for (size_t k = 0; k < nadd; k++) b.argv[k] = added[k];
    *count = *count - argc + keep + nadd;
    return Errno::Ok;
}

// The program at path, checked for the caller: held.
Result<vnode*> exec_lookup(thread* td, const char* path)
{
    if (KTRPOINT(td, KTR_NAMEI)) ktrnamei(td, path); // FreeBSD's exec looks up through namei
    Result<vnode*> vp = initrd_vget(path);
    if (!vp.ok()) return vp.error() == Errno::Inval ? Errno::NoExec : vp.error();
    if (const Errno e = exec_check_permissions(td, vp.value()); e != Errno::Ok) {
        vrele(vp.value());
        return e;
    }
    return vp;
}

Errno execve_with(thread* td, ExecBuffer& b, uint64_t upath, uint64_t uargv, uint64_t uenvp)
{
    if (const Errno e = copyinstr(upath, b.path, sizeof b.path, nullptr); e != Errno::Ok) return e;
    size_t used = 0, count = 0;
    if (const Errno e = copyin_vector(uargv, b.argv, &count, b, &used); e != Errno::Ok) return e;
    if (const Errno e = copyin_vector(uenvp, b.envp, &count, b, &used); e != Errno::Ok) return e;
    Result<vnode*> vp = exec_lookup(td, b.path);
    if (!vp.ok()) return vp.error();
    vnode* v = vp.value();
    const char* run_path = b.path;
    if (imgact_is_script(v->v_data, v->v_size)) {
        // The script needed its execute bit (checked); now its interpreter.
        Errno e = imgact_shell_parse(v->v_data, v->v_size, &b.shell);
        if (e == Errno::Ok) e = shell_args(b, &count, &used);
        vrele(v);
        if (e != Errno::Ok) return e;
        vp = exec_lookup(td, b.shell.interp);
        if (!vp.ok()) return vp.error();
        v = vp.value();
        run_path = b.shell.interp;
        if (imgact_is_script(v->v_data, v->v_size)) { // no interpreted interpreters
            vrele(v);
            return Errno::NoExec;
        }
    }
    const Errno e = kern_execve(td, ExecArgs{run_path, v->v_data, v->v_size, b.argv, b.envp, v});
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
