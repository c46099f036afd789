#include <kernel/proc/init_exec.h>

#include <abi/wait.h>
#include <kernel/machdep.h>
#include <kernel/proc/vm_machdep.h>
#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/debug/monitor.h>
#include <kernel/exec/exec_perm.h>
#include <kernel/exec/kern_exec.h>
#include <kernel/fs/initrd.h>
#include <kernel/fs/vnode.h>
#include <kernel/proc/init_main.h>
#include <kernel/proc/proc.h>
#include <kernel/sched/priority.h>
#include <kernel/sched/sleep.h>
#include <kernel/tty/tty_cons.h>
#include <lib/kassert.h>
#include <mm/intr_off.h>

namespace {
const char* g_init_path = nullptr;
} // namespace

InitChoice init_choose(const CmdLine& cmdline)
{
    if (cmdline.has("monitor")) return {nullptr, "the boot argument monitor"};
    if (const char* path = cmdline.get("init")) return {path, nullptr};
    if (!initrd_present()) return {nullptr, "no initrd"};
    if (!initrd_lookup(INIT_DEFAULT_PATH).ok()) return {nullptr, "no /bin/init in the initrd"};
    return {INIT_DEFAULT_PATH, nullptr};
}

void init_release(const char* path)
{
    KASSERT(path && initproc, "init_release(%s) without init", path ? path : "null");
    IntrOff off;
    g_init_path = path;
    wakeup(initproc);
}

const char* init_released_path() { return g_init_path; }

[[noreturn]] void start_userland(const CmdLine& cmdline)
{
    const InitChoice c = init_choose(cmdline);
    if (!c.path) {
        kprintf("init: %s: the kernel monitor has the console\n", c.reason);
        monitor_run();
    }
    init_release(c.path);
    IntrOff off;
    for (;;) (void)tsleep(&proc0, PWAIT, "swapper", 0);
}

namespace {

// init="/bin/prog a b": the program and its arguments, split at blanks
// into buf (argv[0] is the path).
constexpr size_t INIT_MAX_ARGS = 16;
struct InitArgv {
    char buf[256];
    const char* argv[INIT_MAX_ARGS + 1] = {};
};

void split_init_words(const char* line, InitArgv& a)
{
    size_t n = 0, len = 0;
    bool in_word = false;
    for (const char* s = line; *s && len + 1 < sizeof a.buf; s++) {
        const bool blank = *s == ' ' || *s == '\t';
        if (blank) {
            if (in_word) a.buf[len++] = '\0';
            in_word = false;
            continue;
        }
        if (!in_word) {
            if (n == INIT_MAX_ARGS) break;
            a.argv[n++] = &a.buf[len];
        }
        in_word = true;
        a.buf[len++] = *s;
    }
    a.buf[len] = '\0';
    a.argv[n] = nullptr;
}

} // namespace

[[noreturn]] void init_exec(thread* td, const char* line)
{
    InitArgv a;
    split_init_words(line, a);
    const char* path = a.argv[0] ? a.argv[0] : "";
    KASSERT(td->td_proc == initproc, "init_exec from pid %d", td->td_proc->p_pid);
    // As FreeBSD's init, the first program finds the console on 0, 1 and
    // 2 and makes its own session and controlling terminal.
    if (const Errno e = cons_open_stdio(td->td_proc); e != Errno::Ok) {
        kprintf("init: cannot open the console: %s\n", errno_name(e));
        init_exited(W_EXITCODE(127, 0));
    }
    Result<vnode*> vp = initrd_vget(path);
    Errno e = vp.ok() ? Errno::Ok : vp.error();
    if (e == Errno::Ok) {
        vnode* v = vp.value();
        e = exec_check_permissions(td, v);
        if (e == Errno::Ok) e = kern_execve(td, ExecArgs{path, v->v_data, v->v_size, a.argv, nullptr, v});
        vrele(v);
    }
    if (e != Errno::Ok) {
        kprintf("init: cannot run %s: %s\n", path, errno_name(e));
        init_exited(W_EXITCODE(127, 0));
    }
    kprintf("init: running %s\n", line);
    arch::cpu_user_return(td);
}

int init_exit_code(int xstat)
{
    if (WIFSIGNALED(xstat)) return 128 + WTERMSIG(xstat);
    return WEXITSTATUS(xstat);
}

[[noreturn]] void init_exited(int xstat)
{
    const int code = init_exit_code(xstat);
    kprintf("SPRIG EXIT status=%d\n", code);
    arch::halt(code != 0);
}
