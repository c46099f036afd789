#include <kernel/ktrace/ktr_narg.h>

#include <abi/syscall.h>

namespace {

struct Narg {
    int code;
    int narg;
};

// FreeBSD's prototypes (syscalls.master), for the calls Sprig has.
constexpr Narg nargs[] = {
    {SYS_exit, 1},         {SYS_fork, 0},          {SYS_read, 3},         {SYS_write, 3},
    {SYS_open, 3},         {SYS_close, 1},         {SYS_wait4, 4},        {SYS_unlink, 1},
    {SYS_break, 1},        {SYS_getpid, 0},        {SYS_setuid, 1},       {SYS_getuid, 0},
    {SYS_geteuid, 0},      {SYS_kill, 2},          {SYS_getppid, 0},      {SYS_dup, 1},
    {SYS_pipe, 0},         {SYS_getegid, 0},       {SYS_ktrace, 4},       {SYS_getgid, 0},
    {SYS_sigaltstack, 2},  {SYS_ioctl, 3},         {SYS_execve, 3},       {SYS_vfork, 0},
    {SYS_munmap, 2},       {SYS_mprotect, 3},      {SYS_getpgrp, 0},      {SYS_setpgid, 2},
    {SYS_dup2, 2},         {SYS_setsid, 0},        {SYS_gettimeofday, 2}, {SYS_getrusage, 2},
    {SYS_rename, 2},       {SYS_mkdir, 2},         {SYS_rmdir, 1},        {SYS_getrlimit, 2},
    {SYS_setrlimit, 2},    {SYS___sysctl, 6},      {SYS_clock_gettime, 2}, {SYS_clock_getres, 2},
    {SYS_nanosleep, 2},    {SYS_rfork, 1},         {SYS_getsid, 1},       {SYS_sched_yield, 0},
    {SYS_sigprocmask, 3},  {SYS_sigpending, 1},    {SYS_kqueue, 0},       {SYS_sigaction, 3},
    {SYS_sigreturn, 1},    {SYS_mmap, 6},          {SYS_lseek, 3},        {SYS_pipe2, 2},
    {SYS_procctl, 4},      {SYS_fstat, 2},         {SYS_fstatat, 4},      {SYS_getdirentries, 4},
    {SYS_kevent, 6},
};

struct NargTable {
    signed char n[SYS_MAXSYSCALL];
};

constexpr NargTable make_table()
{
    NargTable t{};
    for (signed char& n : t.n) n = 6;
    for (const Narg& a : nargs) t.n[a.code] = static_cast<signed char>(a.narg);
    return t;
}

constexpr NargTable table = make_table();

} // namespace

int ktr_narg(unsigned long code) { return code < SYS_MAXSYSCALL ? table.n[code] : 6; }
