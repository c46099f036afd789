// The name tables behind ktrace_names.h.  The system call table lists
// abi/syscall.h's numbers by their constants, and a host test reads
// abi/syscall.h to hold it to every number there.
#include "ktrace_names.h"

#include <abi/errno.h>
#include <abi/syscall.h>
#include <abi/ucontext.h>

namespace ktr {

namespace {

struct Name {
    int code;
    const char* name;
};

// Ascending by number.
constexpr Name kSyscalls[] = {
    {SYS_exit, "exit"},
    {SYS_fork, "fork"},
    {SYS_read, "read"},
    {SYS_write, "write"},
    {SYS_open, "open"},
    {SYS_close, "close"},
    {SYS_wait4, "wait4"},
    {SYS_unlink, "unlink"},
    {SYS_break, "break"},
    {SYS_getpid, "getpid"},
    {SYS_setuid, "setuid"},
    {SYS_getuid, "getuid"},
    {SYS_geteuid, "geteuid"},
    {SYS_kill, "kill"},
    {SYS_getppid, "getppid"},
    {SYS_dup, "dup"},
    {SYS_pipe, "pipe"},
    {SYS_getegid, "getegid"},
    {SYS_ktrace, "ktrace"},
    {SYS_getgid, "getgid"},
    {SYS_sigaltstack, "sigaltstack"},
    {SYS_ioctl, "ioctl"},
    {SYS_execve, "execve"},
    {SYS_vfork, "vfork"},
    {SYS_munmap, "munmap"},
    {SYS_mprotect, "mprotect"},
    {SYS_getpgrp, "getpgrp"},
    {SYS_setpgid, "setpgid"},
    {SYS_dup2, "dup2"},
    {SYS_gettimeofday, "gettimeofday"},
    {SYS_getrusage, "getrusage"},
    {SYS_rename, "rename"},
    {SYS_mkdir, "mkdir"},
    {SYS_rmdir, "rmdir"},
    {SYS_setsid, "setsid"},
    {SYS_getrlimit, "getrlimit"},
    {SYS_setrlimit, "setrlimit"},
    {SYS___sysctl, "__sysctl"},
    {SYS_clock_gettime, "clock_gettime"},
    {SYS_clock_getres, "clock_getres"},
    {SYS_nanosleep, "nanosleep"},
    {SYS_rfork, "rfork"},
    {SYS_getsid, "getsid"},
    {SYS_sched_yield, "sched_yield"},
    {SYS_sigprocmask, "sigprocmask"},
    {SYS_sigpending, "sigpending"},
    {SYS_kqueue, "kqueue"},
    {SYS_sigaction, "sigaction"},
    {SYS_sigreturn, "sigreturn"},
    {SYS_mmap, "mmap"},
    {SYS_lseek, "lseek"},
    {SYS_pipe2, "pipe2"},
    {SYS_procctl, "procctl"},
    {SYS_fstat, "fstat"},
    {SYS_fstatat, "fstatat"},
    {SYS_getdirentries, "getdirentries"},
    {SYS_kevent, "kevent"},
};
constexpr int kNumSyscalls = sizeof(kSyscalls) / sizeof(kSyscalls[0]);

constexpr bool ascending()
{
    for (int i = 1; i < kNumSyscalls; i++)
        if (kSyscalls[i - 1].code >= kSyscalls[i].code) return false;
    return kSyscalls[kNumSyscalls - 1].code < SYS_MAXSYSCALL;
}
static_assert(ascending(), "kSyscalls: ascending, below SYS_MAXSYSCALL");

// FreeBSD's sys_errlist texts for the errors abi/errno.h has.
constexpr Name kErrnos[] = {
    {int(Errno::Perm), "Operation not permitted"},
    {int(Errno::NoEnt), "No such file or directory"},
    {int(Errno::Srch), "No such process"},
    {int(Errno::Intr), "Interrupted system call"},
    {int(Errno::Io), "Input/output error"},
    {int(Errno::NxIo), "Device not configured"},
    {int(Errno::TooBig), "Argument list too long"},
    {int(Errno::NoExec), "Exec format error"},
    {int(Errno::BadF), "Bad file descriptor"},
    {int(Errno::Child), "No child processes"},
    {int(Errno::DeadLk), "Resource deadlock avoided"},
    {int(Errno::NoMem), "Cannot allocate memory"},
    {int(Errno::Acces), "Permission denied"},
    {int(Errno::Fault), "Bad address"},
    {int(Errno::Busy), "Device busy"},
    {int(Errno::Exist), "File exists"},
    {int(Errno::XDev), "Cross-device link"},
    {int(Errno::NoDev), "Operation not supported by device"},
    {int(Errno::NotDir), "Not a directory"},
    {int(Errno::IsDir), "Is a directory"},
    {int(Errno::Inval), "Invalid argument"},
    {int(Errno::NFile), "Too many open files in system"},
    {int(Errno::MFile), "Too many open files"},
    {int(Errno::NoTty), "Inappropriate ioctl for device"},
    {int(Errno::FBig), "File too large"},
    {int(Errno::NoSpc), "No space left on device"},
    {int(Errno::SPipe), "Illegal seek"},
    {int(Errno::RoFs), "Read-only file system"},
    {int(Errno::Pipe), "Broken pipe"},
    {int(Errno::Range), "Result too large"},
    {int(Errno::Again), "Resource temporarily unavailable"},
    {int(Errno::NameTooLong), "File name too long"},
    {int(Errno::NotEmpty), "Directory not empty"},
    {int(Errno::NoSys), "Function not implemented"},
    {int(Errno::Overflow), "Value too large to be stored in data type"},
};

// Signal-independent codes (FreeBSD's sys/signal.h).
constexpr Name kSiCodes[] = {
    {SI_NOINFO, "SI_NOINFO"}, {SI_USER, "SI_USER"},       {0x10002, "SI_QUEUE"},
    {0x10003, "SI_TIMER"},    {0x10004, "SI_ASYNCIO"},    {0x10005, "SI_MESGQ"},
    {SI_KERNEL, "SI_KERNEL"}, {0x10007, "SI_LWP"},
};
constexpr Name kChldCodes[] = {
    {CLD_EXITED, "CLD_EXITED"}, {CLD_KILLED, "CLD_KILLED"},   {3, "CLD_DUMPED"},
    {4, "CLD_TRAPPED"},         {5, "CLD_STOPPED"},           {6, "CLD_CONTINUED"},
};
constexpr Name kSegvCodes[] = {{SEGV_MAPERR, "SEGV_MAPERR"}, {SEGV_ACCERR, "SEGV_ACCERR"}};
constexpr Name kBusCodes[] = {
    {BUS_ADRALN, "BUS_ADRALN"}, {BUS_ADRERR, "BUS_ADRERR"}, {BUS_OBJERR, "BUS_OBJERR"}};
constexpr Name kIllCodes[] = {{ILL_ILLOPC, "ILL_ILLOPC"}};
constexpr Name kTrapCodes[] = {{TRAP_BRKPT, "TRAP_BRKPT"}};

constexpr const char* kSignals[] = {
    nullptr,  "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGEMT",
    "SIGFPE", "SIGKILL", "SIGBUS",    "SIGSEGV", "SIGSYS",   "SIGPIPE", "SIGALRM", "SIGTERM",
    "SIGURG", "SIGSTOP", "SIGTSTP",   "SIGCONT", "SIGCHLD",  "SIGTTIN", "SIGTTOU", "SIGIO",
    "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGINFO", "SIGUSR1", "SIGUSR2",
};
static_assert(sizeof(kSignals) / sizeof(kSignals[0]) == NSIG && SIGUSR2 == 31 && SIGCHLD == 20);

template <size_t N> const char* find(const Name (&t)[N], int code)
{
    for (const Name& n : t)
        if (n.code == code) return n.name;
    return nullptr;
}

} // namespace

const char* syscall_name(int code) { return find(kSyscalls, code); }
int syscall_count() { return kNumSyscalls; }
int syscall_code_at(int i) { return i >= 0 && i < kNumSyscalls ? kSyscalls[i].code : -1; }

const char* errno_text(int e) { return find(kErrnos, e); }

const char* signal_name(int sig) { return sig > 0 && sig < NSIG ? kSignals[sig] : nullptr; }

const char* sigcode_name(int sig, int code)
{
    if (const char* s = find(kSiCodes, code)) return s;
    switch (sig) {
    case SIGCHLD: return find(kChldCodes, code);
    case SIGSEGV: return find(kSegvCodes, code);
    case SIGBUS: return find(kBusCodes, code);
    case SIGILL: return find(kIllCodes, code);
    case SIGTRAP: return find(kTrapCodes, code);
    default: return nullptr;
    }
}

} // namespace ktr
