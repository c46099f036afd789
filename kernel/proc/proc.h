// Processes and threads, kept apart as FreeBSD keeps them (sys/proc.h):
// a process owns the resources (credentials, limits, address space,
// descriptors, signal actions), a thread is what runs (kernel stack,
// saved context, scheduling state).  Sprig has one thread per process,
// but nothing here assumes a thread is its process.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <abi/signal.h>
#include <arch/context.h>
#include <arch/vm_machdep.h>
#include <kernel/fs/kern_event.h>
#include <kernel/proc/rusage.h>
#include <kernel/sched/sleep.h>
#include <lib/list.h>
#include <mm/kstack.h>

struct proc;
struct ucred;
struct plimit;
struct pgrp;
struct session;
struct sigacts;
struct filedesc;
struct filedesc_to_leader;
struct vmspace;
struct vnode;
struct ktr_sink;

using pid_t = int32_t;

// Process states (p_state).
enum class ProcState : uint8_t {
    New,    // PRS_NEW: being made by fork1, not yet visible to the scheduler
    Normal, // PRS_NORMAL
    Zombie, // PRS_ZOMBIE: exited, waiting for its parent's wait
};

// p_flag bits: the seed's names.
namespace pflag {
inline constexpr uint32_t P_HADTHREADS = 0x00080; // has had threads
inline constexpr uint32_t P_SYSTEM = 0x00200;     // system process: no signals, no stats
inline constexpr uint32_t P_INMEM = 0x10000000;   // loaded into memory (always, in Sprig)
inline constexpr uint32_t P_PPWAIT = 0x00010;     // parent waits for the child's exec/exit (vfork)
inline constexpr uint32_t P_CONTROLT = 0x00002;   // has a controlling terminal
inline constexpr uint32_t P_SUGID = 0x00100;      // had set-id privileges since the last exec
inline constexpr uint32_t P_WEXIT = 0x02000;      // working on exiting
inline constexpr uint32_t P_EXEC = 0x04000;       // has exec'd (setpgid refuses its parent)
inline constexpr uint32_t P_KTHREAD = 0x00004;    // kernel process
inline constexpr uint32_t P_PROTECTED = 0x100000; // never an OOM victim (procctl PROC_SPROTECT)
// Job control (kern_sig.cpp sets them; wait4 reports and clears).
inline constexpr uint32_t P_WAITED = 0x01000;      // the current stop was reported by wait4
inline constexpr uint32_t P_CONTINUED = 0x10000;   // continued by SIGCONT, not yet reported
inline constexpr uint32_t P_STOPPED_SIG = 0x20000; // stopped by a signal (p_xstat holds it)
} // namespace pflag

// td_pflags bits (FreeBSD's TDP_*).
namespace tdpflag {
inline constexpr uint32_t TDP_ALTSTACK = 0x00000020; // has a signal stack (sigaltstack)
} // namespace tdpflag

// td_flags bits (FreeBSD's TDF_*).
namespace tdflag {
inline constexpr uint32_t TDF_SINTR = 0x00000008;      // sleeping, and a signal may end the sleep
inline constexpr uint32_t TDF_NEEDSIGCHK = 0x00020000; // a signal may be deliverable: check
} // namespace tdflag

// p_acflag: accounting flags.
inline constexpr uint16_t AFORK = 0x01; // forked, has not exec'd

// Process statistics (FreeBSD's struct pstats): a forked child starts with
// these zeroed and its own start time.
struct pstats {
    uint64_t p_start = 0;    // ticks since boot when the process began
    uint64_t p_runticks = 0; // ticks its threads ran, exited ones included
    rusage_ext p_rux;        // its exited threads' usage
    rusage_ext p_crux;       // its reaped children's, theirs included
};

// Thread states (td_state), FreeBSD's TDS_*.
enum class ThreadState : uint8_t {
    Inactive,  // TDS_INACTIVE: being set up, or dead
    Inhibited, // TDS_INHIBITED: sleeping
    RunQ,      // TDS_RUNQ: on a run queue
    Running,   // TDS_RUNNING: on the CPU
};

struct thread {
    proc* td_proc = nullptr;
    char td_name[20] = {};
    ThreadState td_state = ThreadState::Inactive;

    // Scheduling (kernel/sched/).
    ListNode td_runq;               // on a run queue
    uint8_t td_priority = 0;        // current; lower runs first
    uint8_t td_base_pri = 0;        // what td_priority returns to after a sleep
    int32_t td_slice = 0;           // ticks left before preemption
    bool td_timeshare = false;      // priority follows td_estcpu
    uint32_t td_estcpu = 0;         // recent CPU use, decays every second
    uint64_t td_estcpu_sec = 0;     // the second td_estcpu was last decayed in
    uint64_t td_runticks = 0;       // ticks run in all
    bool td_owepreempt = false;     // switch at the next preemption point

    // Sleeping (kernel/sched/sleep.cpp).
    ListNode td_slpq;               // on a sleep queue
    const void* td_wchan = nullptr; // what it sleeps on
    const char* td_wmesg = nullptr; // why, for ps and the debugger
    uint64_t td_sleep_until = 0;    // tick of its timeout, 0 for none
    bool td_timedout = false;
    bool td_interrupted = false;    // a signal ended the sleep (sleepq_abort)
    uint32_t td_flags = 0;          // tdflag::TDF_*

    // What the thread acts with: a reference to its process's credential
    // (crhold) taken at fork, so one system call sees one set of ids.
    ucred* td_ucred = nullptr;

    // Signals (kernel/proc/kern_sig.cpp): blocked ones and the signal stack.
    ksigset_t td_sigmask = {};
    sigaltstack td_sigstk = {};
    uint32_t td_pflags = 0; // tdpflag::TDP_*

    // Machine state: the saved context, the kernel stack it runs on (in
    // the kernel-stack region, guard page below), the user frame at the
    // stack's top, what a system call returns.
    arch::Context td_pcb;
    arch::MdThread td_md;
    void* td_kstack = nullptr;      // lowest address the context runs on
    size_t td_kstack_size = 0;
    KStack td_kstack_obj;           // the stack fork1 allocated (none for thread0)
    arch::TrapFrame* td_frame = nullptr;
    uint64_t td_retval[2] = {};

    // What the thread runs first (fork_exit calls it): fork_return for a
    // forked user process, the function given to kproc_create otherwise.
    void (*td_callout)(void*) = nullptr;
    void* td_callout_arg = nullptr;

    // Resource usage (rusage.h; at the end: the assembly's offsets above
    // stay put).
    rusage_ext td_rux;         // user/system ticks, faults, switches
    uint32_t td_faultmark = 0; // v_vm_faults when it last began to run
};

struct proc {
    ListNode p_list;     // on allproc or zombproc
    ListNode p_hash;     // on its pid hash chain
    ListNode p_sibling;  // on its parent's p_children

    pid_t p_pid = 0;
    ProcState p_state = ProcState::New;
    uint32_t p_flag = 0;
    char p_comm[20] = {};

    proc* p_pptr = nullptr;   // parent
    List<proc, &proc::p_sibling> p_children;

    pgrp* p_pgrp = nullptr;   // process group (kernel/proc/pgrp.h)
    ListNode p_pglist;        // on p_pgrp->pg_members

    ucred* p_ucred = nullptr;
    plimit* p_limit = nullptr;
    pstats p_stats;

    // Signals: actions (shared under RFSIGSHARE), pending set, and what
    // the parent gets at exit (SIGCHLD, or SIGUSR1 under RFLINUXTHPN).
    sigacts* p_sigacts = nullptr;
    ksigset_t p_siglist = {};
    int p_sigparent = 0;

    filedesc* p_fd = nullptr;               // descriptor table
    filedesc_to_leader* p_fdtol = nullptr;  // leader bookkeeping of a shared table
    vmspace* p_vmspace = nullptr;           // address space
    vnode* p_textvp = nullptr;              // the program it runs, referenced

    // rfork(RFTHREAD) peers: p_leader heads a list through p_peers.
    proc* p_leader = nullptr;
    proc* p_peers = nullptr;

    cv p_pwait{"ppwait"};       // the vfork parent sleeps here until P_PPWAIT clears
    int p_lock = 0;             // PHOLD count: reaping waits until it is 0 (proc_hold.h)
    uint64_t p_swtick = 0;      // tick it was made
    uint16_t p_acflag = 0;      // accounting: AFORK
    thread* p_thread = nullptr; // the one thread
    int p_xstat = 0;            // exit status for wait (W_EXITCODE); the stop signal while stopped
    klist p_klist;              // knotes watching it (EVFILT_PROC, EVFILT_SIGNAL)
    // ktrace (kernel/ktrace/ktrace.h): the facilities traced (KTRFAC_*,
    // with KTRFAC_ROOT/INHERIT/DROP) and where the records go, referenced
    // (FreeBSD's p_traceflag and p_tracevp + p_tracecred).
    int p_traceflag = 0;
    ktr_sink* p_tracesink = nullptr;
};

// The session of p (FreeBSD's p_session, through its process group).
session* proc_session(const proc* p);

// The thread on the CPU (the scheduler's; read inline, as FreeBSD's
// curthread is, because every path reads it).
extern thread* sched_curthread;
inline thread* curthread() { return sched_curthread; }
