// kern_execve on the host: a forked child replaces its image with a small
// ELF program and checks, through the MMU simulator, what the program
// would find: the argument block at sp (argc, argv, envp, auxv), its text
// where the headers say, its frame at the entry.  A vfork parent is woken
// by the exec and keeps its own address space; failures change nothing;
// close-on-exec descriptors close and shared signal actions are unshared.
#include "cpio_test_util.h"
#include "elf_test_util.h"
#include "proc_test_util.h"

#include <abi/fcntl.h>
#include <arch/mmu_sim.h>
#include <abi/syscall.h>
#include <kernel/exec/execve.h>
#include <kernel/exec/imgact_shell.h>
#include <kernel/exec/kern_exec.h>
#include <kernel/fs/initrd.h>
#include <kernel/fs/vnode.h>
#include <kernel/syscall/syscall.h>
#include <kernel/fs/file.h>
#include <kernel/fs/filedesc.h>
#include <kernel/proc/sigacts.h>
#include <kernel/proc/ucred.h>
#include <mm/copyio.h>
#include <mm/vmspace.h>

#include <cstdio>
#include <string>
#include <string.h>

using namespace proctest;
using elftest::ElfBuilder;

namespace {

std::string g_image;
std::string g_failed; // the first check that failed in the child, if any
vmspace* g_old_space;

#define EXPECT_IN_CHILD(cond)                                   \
    do {                                                        \
        if (!(cond) && g_failed.empty()) g_failed = #cond;      \
    } while (0)

uint64_t word_at(uint64_t va)
{
    uint64_t v = ~uint64_t{0};
    EXPECT_IN_CHILD(fuword(va, &v) == Errno::Ok);
    return v;
}

std::string string_at(uint64_t va)
{
    char buf[64] = {};
    size_t n = 0;
    EXPECT_IN_CHILD(copyinstr(va, buf, sizeof buf, &n) == Errno::Ok);
    return buf;
}

// The checks of exec_child, in a function of their own so that their
// locals are gone before exit1 (which never returns to free them).
void exec_and_check(thread* td)
{
    proc* p = td->td_proc;
    g_old_space = p->p_vmspace;
    static const char* const argv[] = {"prog", "-x", nullptr};
    static const char* const envp[] = {"HOME=/", nullptr};
    const ExecArgs a{"/bin/prog", g_image.data(), g_image.size(), argv, envp};
    EXPECT_IN_CHILD(kern_execve(td, a) == Errno::Ok);
    arch::TrapFrame& tf = *td->td_frame;
    const uint64_t sp = tf.sp();
    EXPECT_IN_CHILD(tf.sepc == 0x10100);
    EXPECT_IN_CHILD(tf.a(0) == sp);
    EXPECT_IN_CHILD(sp % 16 == 0);
    EXPECT_IN_CHILD(p->p_vmspace != g_old_space);
    EXPECT_IN_CHILD(std::string(p->p_comm) == "prog");
    EXPECT_IN_CHILD((p->p_flag & pflag::P_PPWAIT) == 0);
    EXPECT_IN_CHILD(word_at(sp) == 2);
    EXPECT_IN_CHILD(string_at(word_at(sp + 8)) == "prog");
    EXPECT_IN_CHILD(string_at(word_at(sp + 16)) == "-x");
    EXPECT_IN_CHILD(word_at(sp + 24) == 0);
    EXPECT_IN_CHILD(string_at(word_at(sp + 32)) == "HOME=/");
    EXPECT_IN_CHILD(word_at(sp + 40) == 0);
    EXPECT_IN_CHILD(word_at(sp + 48) == AT_PAGESZ);
    EXPECT_IN_CHILD(word_at(sp + 56) == PG);
    EXPECT_IN_CHILD(word_at(sp + 64) == AT_ENTRY);
    EXPECT_IN_CHILD(word_at(sp + 72) == 0x10100);
    EXPECT_IN_CHILD(word_at(sp + 80) == AT_NULL);
    std::string text(16, '\0');
    EXPECT_IN_CHILD(copyin(0x10000, text.data(), text.size()) == Errno::Ok);
    EXPECT_IN_CHILD(text == g_image.substr(0x1000, 16));
}

void exec_child(void*)
{
    exec_and_check(curthread());
    exit1(curthread(), 0);
}

} // namespace

TEST_CASE("exec: the new image, its argument block and its frame; the vfork parent wakes and keeps its space")
{
    ProcWorld w;
    MmuSim sim;
    g_image = ElfBuilder().bytes();
    g_failed.clear();
    proc* child = spawn(exec_child, nullptr, RFFDG | RFPROC | RFPPWAIT | RFMEM); // returns once the child exec'd
    const pid_t pid = child->p_pid;
    wait_for(pid);
    CHECK(g_failed == "");
    CHECK(g_old_space == proc0.p_vmspace); // the child shared it until exec
    CHECK(proc0.p_vmspace->vm_refcnt == 1);
    vmspace_activate(nullptr);
}

namespace {

Errno g_exec_error;
void failing_exec_child(void* which)
{
    thread* td = curthread();
    proc* p = td->td_proc;
    vmspace* before = p->p_vmspace;
    static const char* const argv[] = {"prog", nullptr};
    static std::string huge(EXEC_ARG_MAX, 'a');
    static const char* const big_argv[] = {"prog", huge.c_str(), nullptr};
    static const char garbage[] = "#!/bin/sh\n";
    ExecArgs a{"/bin/prog", g_image.data(), g_image.size(), argv, nullptr};
    if (which == nullptr) {
        a.image = garbage;
        a.image_len = sizeof garbage;
    } else {
        a.argv = big_argv;
    }
    g_exec_error = kern_execve(td, a);
    EXPECT_IN_CHILD(p->p_vmspace == before);
    EXPECT_IN_CHILD(std::string(p->p_comm) == "kernel");
    exit1(td, 0);
}

} // namespace

TEST_CASE("exec: ENOEXEC and E2BIG leave the process as it was, with nothing leaked")
{
    ProcWorld w;
    MmuSim sim;
    g_image = ElfBuilder().bytes();
    for (void* which : {static_cast<void*>(nullptr), static_cast<void*>(&w)}) {
        g_failed.clear();
        wait_for(spawn(failing_exec_child, which)->p_pid);
        CHECK(g_failed == "");
        CHECK(g_exec_error == (which ? Errno::TooBig : Errno::NoExec));
    }
    vmspace_activate(nullptr);
}

namespace {

int g_fd_keep, g_fd_close;
void exec_fd_child(void*)
{
    thread* td = curthread();
    proc* p = td->td_proc;
    static const char* const argv[] = {"prog", nullptr};
    EXPECT_IN_CHILD(kern_execve(td, {"prog", g_image.data(), g_image.size(), argv, nullptr}) ==
                    Errno::Ok);
    EXPECT_IN_CHILD(fget_locked(p->p_fd, g_fd_keep) != nullptr);
    EXPECT_IN_CHILD(fget_locked(p->p_fd, g_fd_close) == nullptr);
    EXPECT_IN_CHILD(p->p_sigacts != proc0.p_sigacts);
    EXPECT_IN_CHILD(!sig_caught(p->p_sigacts, SIGUSR1)); // reset to the default
    exit1(td, 0);
}

} // namespace

TEST_CASE("exec: close-on-exec descriptors close; shared signal actions are unshared, then reset")
{
    ProcWorld w;
    MmuSim sim;
    g_image = ElfBuilder().bytes();
    g_failed.clear();
    for (int* fd : {&g_fd_keep, &g_fd_close}) {
        *fd = install_new_file(proc0.p_fd, fd == &g_fd_close ? O_CLOEXEC : 0).fd;
    }
    sigaction act{};
    act.sa_handler = 0x10000;
    REQUIRE(kern_sigaction_set(proc0.p_sigacts, SIGUSR1, &act, nullptr).ok());
    wait_for(spawn(exec_fd_child, nullptr, RFFDG | RFPROC | RFSIGSHARE)->p_pid);
    CHECK(g_failed == "");
    CHECK(sig_caught(proc0.p_sigacts, SIGUSR1)); // the parent's action stays
    CHECK(proc0.p_sigacts->ps_refcnt == 1);
    act.sa_handler = SIG_DFL;
    REQUIRE(kern_sigaction_set(proc0.p_sigacts, SIGUSR1, &act, nullptr).ok());
    for (int fd : {g_fd_keep, g_fd_close}) CHECK(fdclose(proc0.p_fd, fd) == Errno::Ok);
    vmspace_activate(nullptr);
}

namespace {

// The execve system call from a child: its arguments in its own memory,
// the program in an initrd.
std::string g_archive;
Errno g_enoent, g_efault, g_toolong;
uint64_t g_ok_t0, g_ok_sepc, g_ok_argc;
std::string g_text_name;
uint32_t g_text_refs;

void setup_and_call(thread* td)
{
    vmspace* vm = td->td_proc->p_vmspace;
    const uint64_t at = 0x300000;
    EXPECT_IN_CHILD(vmspace_map_anon(vm, at, 2 * PG, VM_PROT_READ | VM_PROT_WRITE).ok());
    vmspace_activate(vm);
    const char path[] = "/bin/prog", missing[] = "/bin/nope";
    EXPECT_IN_CHILD(copyout(path, at, sizeof path) == Errno::Ok);
    EXPECT_IN_CHILD(copyout(missing, at + 64, sizeof missing) == Errno::Ok);
    const uint64_t argv[] = {at, at + 64, 0}; // {"/bin/prog", "/bin/nope"}
    EXPECT_IN_CHILD(copyout(argv, at + 128, sizeof argv) == Errno::Ok);
    std::string longpath(EXEC_MAXPATH + 10, 'p');
    EXPECT_IN_CHILD(copyout(longpath.c_str(), at + PG, longpath.size() + 1) == Errno::Ok);
    arch::TrapFrame& tf = *td->td_frame;
    auto call = [&](uint64_t upath, uint64_t uargv) {
        tf = {};
        tf.t0() = SYS_execve;
        tf.a(0) = upath;
        tf.a(1) = uargv;
        syscall(td);
        return tf.t0() ? static_cast<Errno>(tf.a(0)) : Errno::Ok;
    };
    g_enoent = call(at + 64, at + 128);
    g_efault = call(0x500000, at + 128);
    g_toolong = call(at + PG, at + 128);
    call(at, at + 128);
    g_ok_t0 = tf.t0();
    g_ok_sepc = tf.sepc;
    uint64_t argc = 0;
    EXPECT_IN_CHILD(fuword(tf.sp(), &argc) == Errno::Ok);
    g_ok_argc = argc;
    const vnode* text = td->td_proc->p_textvp;
    g_text_name = text ? text->v_name : "";
    g_text_refs = text ? vrefcnt(text) : 0;
}

void execve_child(void*)
{
    setup_and_call(curthread());
    exit1(curthread(), 0);
}

} // namespace

TEST_CASE("execve: the system call copies its arguments in, finds the program, or says why not")
{
    ProcWorld w;
    MmuSim sim;
    g_image = ElfBuilder().bytes();
    g_failed.clear();
    // An initrd holding bin/prog.
    g_archive = cpiotest::archive({cpiotest::member("bin/prog", g_image, 0100755)});
    initrd_set(g_archive.data(), g_archive.size());

    wait_for(spawn(execve_child)->p_pid);
    CHECK(g_failed == "");
    CHECK(g_enoent == Errno::NoEnt);
    CHECK(g_efault == Errno::Fault);
    CHECK(g_toolong == Errno::NameTooLong);
    CHECK(g_ok_t0 == 0);       // left as exec set it: the frame starts the program
    CHECK(g_ok_sepc == 0x10100);
    CHECK(g_ok_argc == 2);
    // The text reference moved to the program's vnode, held by the
    // process alone, and went with its exit.
    CHECK(g_text_name == "bin/prog");
    CHECK(g_text_refs == 1);
    vnode* vp = initrd_vget("/bin/prog").value();
    CHECK(vrefcnt(vp) == 1);
    vrele(vp);
    initrd_set(nullptr, 0);
    vmspace_activate(nullptr);
}

namespace {

// A child execs `g_exec_path` from its own memory, as uid g_exec_uid.
const char* g_exec_path;
uint32_t g_exec_uid;
Errno g_exec_result;

void exec_path_child(void*)
{
    thread* td = curthread();
    td->td_ucred->cr_uid = g_exec_uid; // this child's credential alone
    vmspace* vm = td->td_proc->p_vmspace;
    const uint64_t at = 0x300000;
    EXPECT_IN_CHILD(vmspace_map_anon(vm, at, PG, VM_PROT_READ | VM_PROT_WRITE).ok());
    vmspace_activate(vm);
    EXPECT_IN_CHILD(copyout(g_exec_path, at, strlen(g_exec_path) + 1) == Errno::Ok);
    arch::TrapFrame& tf = *td->td_frame;
    tf = {};
    tf.t0() = SYS_execve;
    tf.a(0) = at;
    syscall(td);
    g_exec_result = tf.t0() ? static_cast<Errno>(tf.a(0)) : Errno::Ok;
    exit1(td, 0);
}

Errno exec_as(const char* path, uint32_t uid)
{
    g_exec_path = path;
    g_exec_uid = uid;
    g_exec_result = Errno::Inval;
    proc* p = spawn(exec_path_child);
    // Its own credential: the test changes cr_uid in place.
    crfree(p->p_thread->td_ucred);
    p->p_thread->td_ucred = crdup(p->p_ucred).release_value();
    wait_for(p->p_pid);
    return g_exec_result;
}

} // namespace

TEST_CASE("execve: EACCES unless the effective uid may execute the file; root needs an execute bit")
{
    ProcWorld w;
    MmuSim sim;
    g_image = ElfBuilder().bytes();
    g_failed.clear();
    g_archive = cpiotest::archive({cpiotest::member("bin/data", g_image, 0100644),
                                   cpiotest::member("bin/rootonly", g_image, 0100700),
                                   cpiotest::member("bin/prog", g_image, 0100755),
                                   cpiotest::member("bin", "", 040755)});
    initrd_set(g_archive.data(), g_archive.size());
    CHECK(exec_as("/bin/data", 0) == Errno::Acces);      // a valid ELF, but no x bit
    CHECK(exec_as("/bin/data", 1000) == Errno::Acces);
    CHECK(exec_as("/bin/rootonly", 1000) == Errno::Acces);
    CHECK(exec_as("/bin/rootonly", 0) == Errno::Ok);
    CHECK(exec_as("/bin/prog", 1000) == Errno::Ok);
    CHECK(exec_as("/bin", 0) == Errno::Acces);           // not a regular file
    CHECK(g_failed == "");
    initrd_set(nullptr, 0);
    vmspace_activate(nullptr);
}

namespace {

// A child execs g_exec_path with argv {"name", "a1", "a2"} and records the
// new program's argv as "argc:arg|arg|...".
std::string g_new_argv;

void exec_script_child(void*)
{
    thread* td = curthread();
    vmspace* vm = td->td_proc->p_vmspace;
    const uint64_t at = 0x300000;
    EXPECT_IN_CHILD(vmspace_map_anon(vm, at, PG, VM_PROT_READ | VM_PROT_WRITE).ok());
    vmspace_activate(vm);
    EXPECT_IN_CHILD(copyout(g_exec_path, at, strlen(g_exec_path) + 1) == Errno::Ok);
    const char strs[] = "name\0a1\0a2";
    EXPECT_IN_CHILD(copyout(strs, at + 512, sizeof strs) == Errno::Ok);
    const uint64_t argv[] = {at + 512, at + 517, at + 520, 0};
    EXPECT_IN_CHILD(copyout(argv, at + 256, sizeof argv) == Errno::Ok);
    arch::TrapFrame& tf = *td->td_frame;
    tf = {};
    tf.t0() = SYS_execve;
    tf.a(0) = at;
    tf.a(1) = at + 256;
    syscall(td);
    g_exec_result = tf.t0() ? static_cast<Errno>(tf.a(0)) : Errno::Ok;
    g_new_argv.clear();
    if (g_exec_result == Errno::Ok) {
        uint64_t argc = 0;
        EXPECT_IN_CHILD(fuword(tf.sp(), &argc) == Errno::Ok);
        g_new_argv = std::to_string(argc) + ":";
        for (uint64_t i = 0; i < argc; i++) {
            uint64_t p = 0;
            char s[300] = {};
            EXPECT_IN_CHILD(fuword(tf.sp() + 8 * (i + 1), &p) == Errno::Ok);
            EXPECT_IN_CHILD(copyinstr(p, s, sizeof s, nullptr) == Errno::Ok);
            g_new_argv += std::string(i ? "|" : "") + s;
        }
        g_text_name = td->td_proc->p_textvp ? td->td_proc->p_textvp->v_name : "";
    }
    exit1(td, 0);
}

Errno exec_script(const char* path)
{
    g_exec_path = path;
    g_exec_result = Errno::Inval;
    wait_for(spawn(exec_script_child)->p_pid);
    return g_exec_result;
}

} // namespace

TEST_CASE("execve: a #! script runs its interpreter with its argument, the script's path and the arguments")
{
    ProcWorld w;
    MmuSim sim;
    g_image = ElfBuilder().bytes();
    g_failed.clear();
    g_archive = cpiotest::archive({
        cpiotest::member("bin/sh", g_image, 0100755),
        cpiotest::member("bin/withArg", "#!  /bin/sh   -x y  \r\necho hi\n", 0100755),
        cpiotest::member("bin/noArg", "#!/bin/sh\n", 0100755),
        cpiotest::member("bin/noNewline", "#!/bin/sh", 0100755),
        cpiotest::member("bin/notExec", "#!/bin/sh\n", 0100644),
        cpiotest::member("bin/nested", "#!/bin/noArg\n", 0100755),
        cpiotest::member("bin/noInterp", "#!   \n", 0100755),
        cpiotest::member("bin/missing", "#!/bin/nope arg\n", 0100755),
        cpiotest::member("bin/interpData", "#!/etc/data\n", 0100755),
        cpiotest::member("etc/data", g_image, 0100644),
        cpiotest::member("bin/long", "#!/bin/sh " + std::string(SHELL_LINE_MAX, 'a') + "\n", 0100755),
    });
    initrd_set(g_archive.data(), g_archive.size());
    CHECK(exec_script("/bin/withArg") == Errno::Ok);
    CHECK(g_new_argv == "5:/bin/sh|-x y|/bin/withArg|a1|a2"); // argv[0] "name" replaced
    CHECK(g_text_name == "bin/sh");
    CHECK(exec_script("/bin/noArg") == Errno::Ok);
    CHECK(g_new_argv == "4:/bin/sh|/bin/noArg|a1|a2");
    CHECK(exec_script("/bin/noNewline") == Errno::Ok);
    CHECK(g_new_argv == "4:/bin/sh|/bin/noNewline|a1|a2");
    CHECK(exec_script("/bin/notExec") == Errno::Acces);    // the script's own x bit
    CHECK(exec_script("/bin/interpData") == Errno::Acces); // and the interpreter's
    CHECK(exec_script("/bin/nested") == Errno::NoExec);    // no interpreted interpreters
    CHECK(exec_script("/bin/noInterp") == Errno::NoExec);
    CHECK(exec_script("/bin/missing") == Errno::NoEnt);
    CHECK(exec_script("/bin/long") == Errno::NameTooLong);
    CHECK(g_failed == "");
    initrd_set(nullptr, 0);
    vmspace_activate(nullptr);
}
