#include <kernel/exec/kern_exec.h>

#include <arch/pte.h>
#include <kernel/exec/elf.h>
#include <kernel/exec/elf_load.h>
#include <kernel/exec/sharedpage.h>
#include <kernel/fs/filedesc.h>
#include <kernel/fs/vnode.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/proc_zones.h>
#include <kernel/proc/sigacts.h>
#include <kernel/proc/sigset.h>
#include <kernel/proc/vm_machdep.h>
#include <kernel/sched/sleep.h>
#include <kernel/vm/vm_trap.h>
#include <lib/kassert.h>
#include <mm/copyio.h>
#include <mm/intr_off.h>
#include <mm/vmspace.h>

#include <string.h>

namespace {

constexpr uint64_t STACK_TOP = SHAREDPAGE; // the shared page right above, as in FreeBSD

size_t count(const char* const* v)
{
    size_t n = 0;
    while (v && v[n]) n++;
    return n;
}

// The argument block: from sp up, argc, argv[], NULL, envp[], NULL, the
// auxiliary vector, then the strings.  Returns its size in bytes, and the
// strings' share in *strings.
uint64_t block_size(const ExecArgs& a, size_t argc, size_t envc, size_t* strings)
{
    *strings = 0;
    for (size_t i = 0; i < argc; i++) *strings += strlen(a.argv[i]) + 1;
    for (size_t i = 0; i < envc; i++) *strings += strlen(a.envp[i]) + 1;
    const size_t words = 1 + argc + 1 + envc + 1 + 3 * 2;
    return words * sizeof(uint64_t) + *strings;
}

// Writes the block into the (active) new space; returns sp or an error.
Errno write_block(const ExecArgs& a, size_t argc, size_t envc, uint64_t entry, uint64_t* sp_out)
{
    size_t strings = 0;
    const size_t size = block_size(a, argc, envc, &strings);
    if (size > EXEC_ARG_MAX) return Errno::TooBig;
    const uint64_t sp = (STACK_TOP - size) & ~uint64_t{15};
    // The block's pages first: a page that cannot be had is ENOMEM here,
    // where copyout would call it EFAULT (the caller's arguments were fine).
    for (uint64_t va = sp & ~(arch::PAGE_SIZE - 1); va < STACK_TOP; va += arch::PAGE_SIZE)
        if (const Errno e = vm_fault_user_access(va, VM_PROT_WRITE); e != Errno::Ok) return e;
    uint64_t str = sp + (size - strings);
    uint64_t word = sp;
    auto put = [&word](uint64_t v) { const Errno e = suword(word, v); word += 8; return e; };
    auto put_string = [&](const char* s, Errno* e) {
        const size_t n = strlen(s) + 1;
        if (*e == Errno::Ok) *e = copyout(s, str, n);
        if (*e == Errno::Ok) *e = put(str);
        str += n;
    };
    Errno e = put(argc);
    for (size_t i = 0; i < argc; i++) put_string(a.argv[i], &e);
    if (e == Errno::Ok) e = put(0);
    for (size_t i = 0; i < envc; i++) put_string(a.envp[i], &e);
    const uint64_t tail[] = {0, AT_PAGESZ, arch::PAGE_SIZE, AT_ENTRY, entry, AT_NULL, 0};
    for (uint64_t v : tail)
        if (e == Errno::Ok) e = put(v);
    *sp_out = sp;
    return e;
}

// The last component of a path, for p_comm.
const char* basename_of(const char* path)
{
    const char* b = path;
    for (const char* p = path; *p; p++)
        if (*p == '/' && p[1]) b = p + 1;
    return b;
}

// Builds the new space; on success the process runs in it.
Errno build_space(thread* td, const ExecArgs& a, const ElfImage& img, uint64_t* sp)
{
    proc* p = td->td_proc;
    vmspace* old = p->p_vmspace;
    Result<vmspace*> nv = vmspace_alloc(*old->vm_zone, *old->vm_commit);
    if (!nv.ok()) return nv.error();
    vmspace* vm = nv.value();
    Errno e = Errno::Ok;
    if (auto r = elf_load(vm, a.image, a.image_len, img); !r.ok()) e = r.error();
    if (e == Errno::Ok) {
        auto r = vmspace_map_anon(vm, STACK_TOP - EXEC_STACK_SIZE, EXEC_STACK_SIZE,
                                  VM_PROT_READ | VM_PROT_WRITE);
        if (!r.ok()) e = r.error();
        vm->vm_ssize = EXEC_STACK_SIZE / arch::PAGE_SIZE;
    }
    if (e == Errno::Ok)
        if (auto r = sharedpage_map(vm); !r.ok()) e = r.error();
    if (e == Errno::Ok) {
        // Written as the process itself would: in the new space, faults
        // resolved by its own map.
        p->p_vmspace = vm;
        vmspace_activate(vm);
        e = write_block(a, count(a.argv), count(a.envp), img.entry, sp);
        if (e != Errno::Ok) {
            p->p_vmspace = old;
            vmspace_activate(old);
        }
    }
    if (e != Errno::Ok) {
        vmspace_free(vm);
        return e;
    }
    vmspace_free(old); // a vfork parent keeps its own reference
    return Errno::Ok;
}

// The thread and process half of execsigs: no signal stack, and nothing
// pending that the reset actions now ignore.
void exec_sigstate_reset(thread* td)
{
    td->td_sigstk = sigaltstack{};
    td->td_sigstk.ss_flags = SS_DISABLE;
    td->td_pflags &= ~tdpflag::TDP_ALTSTACK;
    IntrOff off;
    sigsetnand(td->td_proc->p_siglist, td->td_proc->p_sigacts->ps_sigignore);
}

} // namespace

namespace {
// The text reference moves from the old program's vnode to the new one's.
void exec_set_text(proc* p, vnode* vp)
{
    if (vp) vref(vp);
    if (p->p_textvp) vrele(p->p_textvp);
    p->p_textvp = vp;
}
} // namespace

Errno kern_execve(thread* td, const ExecArgs& a)
{
    proc* p = td->td_proc;
    KASSERT(td == curthread(), "exec on behalf of another thread");
    Result<ElfImage> img = elf_parse(a.image, a.image_len);
    if (!img.ok()) return img.error();
    // Shared signal actions (RFSIGSHARE) are unshared first: the reset
    // below must not reach the other processes.
    sigacts* newsigacts = nullptr;
    if (sigacts_shared(p->p_sigacts)) {
        Result<sigacts*> r = sigacts_alloc(proc_zones().sigacts);
        if (!r.ok()) return r.error();
        newsigacts = r.value();
    }
    uint64_t sp = 0;
    if (const Errno e = build_space(td, a, img.value(), &sp); e != Errno::Ok) {
        if (newsigacts) sigacts_free(newsigacts);
        return e;
    }
    // From here on nothing can fail.
    if (newsigacts) {
        sigacts_copy(newsigacts, p->p_sigacts);
        sigacts_free(p->p_sigacts);
        p->p_sigacts = newsigacts;
    }
    execsigs_reset(p->p_sigacts);
    exec_sigstate_reset(td);
    if (p->p_fd) fdcloseexec(p->p_fd);
    strncpy(p->p_comm, basename_of(a.path), sizeof p->p_comm - 1);
    p->p_comm[sizeof p->p_comm - 1] = 0;
    strncpy(td->td_name, p->p_comm, sizeof td->td_name - 1);
    p->p_acflag &= static_cast<uint16_t>(~AFORK);
    exec_set_text(p, a.textvp);
    {
        IntrOff off;
        p->p_flag = (p->p_flag & ~pflag::P_PPWAIT) | pflag::P_EXEC; // P_EXEC: for setpgid
        cv_broadcast(&p->p_pwait);
    }
    arch::exec_setregs(td, img.value().entry, sp);
    knote_exec(&p->p_klist);
    return Errno::Ok;
}
