// ktrace(2), ktrace(1) and kdump(1) from user mode: a trace inherited
// across fork (the child's first record is the fork's return with 0),
// vfork and rfork(RFPROC|RFMEM), and not inherited without
// KTRFAC_INHERIT; a trace kept across exec, after the tracer exits and
// after the caller closed the descriptor it named; another user's
// process refused (EPERM); a sink that fails (a pipe nobody reads, a full
// /tmp) stops the trace, not the process; hostile arguments; and the two
// commands end to end (a command traced, a running process started and
// stopped, usage errors, kdump on junk).
#include "check.h"
#include "helpers.h"

#include <abi/syscall.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ktrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <user/lib/ktrace_reader.h>

using namespace suite;

namespace {

// A trace file as the cases see it, read with kdump's reader.
namespace kt {

struct Rec {
    int type;        // KTR_* without the flag bits
    bool dropped;    // KTR_DROP
    int pid;
    char comm[20];
    int code;        // SYSCALL, SYSRET: the call's number
    int narg;        // SYSCALL
    uint64_t arg0;   // SYSCALL: the first argument
    int error;       // SYSRET: FreeBSD's errno
    int64_t ret;     // SYSRET
    char path[64];   // NAMEI: the path (cut to fit)
};

struct Trace {
    static constexpr int kMax = 600;
    Rec rec[kMax];
    int n = 0;           // records read (at most kMax; more are counted, not kept)
    int total = 0;
    char error[160] = ""; // why the file is not a clean run of records, or ""
};

long fd_read(void* ctx, void* buf, size_t n) { return read(*static_cast<int*>(ctx), buf, n); }

void fill(const ktr::Record& r, Rec* out)
{
    memset(out, 0, sizeof *out);
    out->type = r.type;
    out->dropped = r.dropped;
    out->pid = r.hdr.ktr_pid;
    snprintf(out->comm, sizeof out->comm, "%s", r.hdr.ktr_comm);
    if (r.type == KTR_SYSCALL) {
        ktr_syscall s;
        memcpy(&s, r.body, r.len < sizeof s ? r.len : sizeof s);
        out->code = s.ktr_code;
        out->narg = s.ktr_narg;
        out->arg0 = s.ktr_narg ? s.ktr_args[0] : 0;
    } else if (r.type == KTR_SYSRET) {
        ktr_sysret s;
        memcpy(&s, r.body, sizeof s);
        out->code = s.ktr_code;
        out->error = s.ktr_error;
        out->ret = s.ktr_retval;
    } else if (r.type == KTR_NAMEI) {
        const size_t n = r.len < sizeof out->path - 1 ? r.len : sizeof out->path - 1;
        memcpy(out->path, r.body, n);
    }
}

void read_trace_fd(int fd, Trace* t)
{
    t->n = t->total = 0;
    t->error[0] = '\0';
    ktr::Reader reader({fd_read, &fd});
    ktr::Record r;
    ktr::Status st;
    while ((st = reader.next(&r)) == ktr::Status::Record) {
        if (t->n < Trace::kMax) fill(r, &t->rec[t->n++]);
        t->total++;
    }
    if (st == ktr::Status::Error) snprintf(t->error, sizeof t->error, "%s", reader.error());
}

bool read_trace(const char* path, Trace* t)
{
    const int fd = open(path, O_RDONLY);
    if (fd < 0) return false;
    read_trace_fd(fd, t);
    close(fd);
    return true;
}

} // namespace kt

constexpr int kCalls = KTRFAC_SYSCALL | KTRFAC_SYSRET;

kt::Trace g_trace; // large: kept out of the stack

// A new, empty trace file (ktrace(2) needs one that exists).
void make_file(const char* path)
{
    if (unlink(path) != 0) CHECK(errno == ENOENT);
    const int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
    CHECK(fd >= 0);
    CHECK_OK(close(fd));
}

const kt::Trace& read_file(const char* path)
{
    CHECK(kt::read_trace(path, &g_trace));
    if (g_trace.error[0]) fail("%s: %s", path, g_trace.error);
    CHECK(g_trace.n < kt::Trace::kMax);
    return g_trace;
}

// The first record of pid, or null.
const kt::Rec* first_of(const kt::Trace& t, int pid)
{
    for (int i = 0; i < t.n; i++)
        if (t.rec[i].pid == pid) return &t.rec[i];
    return nullptr;
}

// The first record of pid with this type and code, or null.
const kt::Rec* find(const kt::Trace& t, int pid, int type, int code)
{
    for (int i = 0; i < t.n; i++) {
        const kt::Rec& r = t.rec[i];
        if (r.pid == pid && r.type == type && r.code == code) return &r;
    }
    return nullptr;
}

int count_of(const kt::Trace& t, int pid)
{
    int n = 0;
    for (int i = 0; i < t.n; i++) n += t.rec[i].pid == pid;
    return n;
}

// A child of ours tracing itself into path with facs; it runs f (which
// forks in the cases below) and exits with f's result.
template <class F>
pid_t traced_child(const char* path, int facs, F f)
{
    return spawn([path, facs, f] {
        CHECK_OK(ktrace(path, KTROP_SET, facs, getpid()));
        return f();
    });
}

// The traced parent's fork-like call returned the child's pid (ret), and
// the child's first record is SYS_fork's return with 0, as FreeBSD's
// fork_return writes it for every kind of fork.
void check_fork_seen_from_both_sides(const kt::Trace& t, int parent, int call)
{
    const kt::Rec* ret = find(t, parent, KTR_SYSRET, call);
    CHECK(ret != nullptr);
    CHECK_EQ(ret->error, 0);
    CHECK(ret->ret > 0);
    const int child = int(ret->ret);
    const kt::Rec* first = first_of(t, child);
    CHECK(first != nullptr);
    CHECK_EQ(first->type, KTR_SYSRET);
    CHECK_EQ(first->code, SYS_fork);
    CHECK_EQ(first->ret, 0);
    CHECK_EQ(first->error, 0);
    CHECK(find(t, child, KTR_SYSCALL, SYS_exit) != nullptr);
    CHECK(find(t, parent, KTR_SYSCALL, call) != nullptr);
}

// The traced process of the fork cases: a child that calls getppid and
// exits; its exit code.
int fork_a_child_calling_getppid()
{
    const pid_t c = fork();
    if (c == 0) {
        (void)getppid();
        _exit(0);
    }
    return exit_code_of(c);
}

void inherit_follows_fork()
{
    const char* f = "/tmp/kt-inherit";
    make_file(f);
    const pid_t p = traced_child(f, kCalls | KTRFAC_INHERIT, fork_a_child_calling_getppid);
    check_child_ok(p);
    const kt::Trace& t = read_file(f);
    check_fork_seen_from_both_sides(t, p, SYS_fork);
    const int child = int(find(t, p, KTR_SYSRET, SYS_fork)->ret);
    CHECK(find(t, child, KTR_SYSCALL, SYS_getppid) != nullptr);
    CHECK(find(t, child, KTR_SYSRET, SYS_getppid)->ret == p);
}

void no_inherit_leaves_the_child_untraced()
{
    const char* f = "/tmp/kt-noinherit";
    make_file(f);
    const pid_t p = traced_child(f, kCalls, fork_a_child_calling_getppid);
    check_child_ok(p);
    const kt::Trace& t = read_file(f);
    const kt::Rec* ret = find(t, p, KTR_SYSRET, SYS_fork);
    CHECK(ret != nullptr);
    CHECK(ret->ret > 0);
    CHECK_EQ(count_of(t, int(ret->ret)), 0);
    CHECK(find(t, p, KTR_SYSCALL, SYS_wait4) != nullptr);
}

void inherit_follows_vfork()
{
    const char* f = "/tmp/kt-vfork";
    make_file(f);
    const pid_t p = traced_child(f, kCalls | KTRFAC_INHERIT, [] {
        const pid_t c = vfork();
        if (c == 0) _exit(0);
        return exit_code_of(c);
    });
    check_child_ok(p);
    check_fork_seen_from_both_sides(read_file(f), p, SYS_vfork);
}

alignas(16) char g_stack[16384];

int rfork_body(void*) { return 0; }

void inherit_follows_rfork_mem()
{
    const char* f = "/tmp/kt-rfork";
    make_file(f);
    const pid_t p = traced_child(f, kCalls | KTRFAC_INHERIT, [] {
        const pid_t c = rfork_thread(RFPROC | RFMEM, g_stack + sizeof g_stack, rfork_body, nullptr);
        if (c < 0) return 90;
        return exit_code_of(c);
    });
    check_child_ok(p);
    check_fork_seen_from_both_sides(read_file(f), p, SYS_rfork);
}

// exec keeps the trace; records after it carry the new command's name.
// The paths open and exec look up are NAMI records.
void trace_kept_across_exec()
{
    const char* f = "/tmp/kt-exec";
    make_file(f);
    const pid_t p = spawn([f] {
        CHECK_OK(ktrace(f, KTROP_SET, kCalls | KTRFAC_NAMEI, getpid()));
        const int fd = open("/etc/suite/not-elf", O_RDONLY);
        CHECK(fd >= 0);
        CHECK_OK(close(fd));
        char* const argv[] = {const_cast<char*>("true"), nullptr};
        execv("/bin/true", argv);
        return 99;
    });
    check_child_ok(p);
    const kt::Trace& t = read_file(f);
    const kt::Rec* call = find(t, p, KTR_SYSCALL, SYS_execve);
    CHECK(call != nullptr);
    bool opened = false, execed = false;
    for (int i = 0; i < t.n; i++) {
        if (t.rec[i].pid != p || t.rec[i].type != KTR_NAMEI) continue;
        opened |= strcmp(t.rec[i].path, "/etc/suite/not-elf") == 0;
        execed |= strcmp(t.rec[i].path, "/bin/true") == 0;
    }
    CHECK(opened);
    CHECK(execed);
    // exec's return (EJUSTRETURN: the new image's registers are set) is
    // the first record under the new name.
    const kt::Rec* ret = find(t, p, KTR_SYSRET, SYS_execve);
    CHECK(ret != nullptr);
    CHECK_EQ(ret->error, -2);
    CHECK(strcmp(ret->comm, "true") == 0);
    const kt::Rec* exit_call = find(t, p, KTR_SYSCALL, SYS_exit);
    CHECK(exit_call != nullptr);
    CHECK(exit_call > call);
    CHECK(strcmp(exit_call->comm, "true") == 0);
}

// The process that started the trace exits before the traced one runs:
// the trace (and its file) outlive it.
void trace_outlives_the_tracer()
{
    const char* f = "/tmp/kt-tracer";
    make_file(f);
    Pipe gate;
    const pid_t target = spawn([&gate] {
        gate.close_w();
        char c;
        if (read(gate.r, &c, 1) != 1) return 98;
        (void)getppid();
        return 0;
    });
    const pid_t tracer = spawn([f, target] {
        CHECK_OK(ktrace(f, KTROP_SET, kCalls, target));
        return 0;
    });
    check_child_ok(tracer);
    gate.close_r();
    write_num(gate.w, 1);
    check_child_ok(target);
    const kt::Trace& t = read_file(f);
    CHECK(find(t, target, KTR_SYSCALL, SYS_getppid) != nullptr);
    CHECK(find(t, target, KTR_SYSCALL, SYS_exit) != nullptr);
    CHECK_EQ(count_of(t, tracer), 0);
}

// "/dev/fd/N" names an open descriptor; closing it afterwards does not
// end the trace (the trace holds the file).
void trace_outlives_the_closed_descriptor()
{
    const char* f = "/tmp/kt-closed";
    make_file(f);
    const pid_t p = spawn([f] {
        const int fd = open(f, O_WRONLY);
        CHECK(fd >= 0);
        char name[32];
        snprintf(name, sizeof name, "/dev/fd/%d", fd);
        CHECK_OK(ktrace(name, KTROP_SET, kCalls, getpid()));
        CHECK_OK(close(fd));
        (void)getppid();
        return 0;
    });
    check_child_ok(p);
    const kt::Trace& t = read_file(f);
    const kt::Rec* closed = find(t, p, KTR_SYSRET, SYS_close);
    CHECK(closed != nullptr);
    CHECK_EQ(closed->error, 0);
    const kt::Rec* later = find(t, p, KTR_SYSCALL, SYS_getppid);
    CHECK(later != nullptr);
    CHECK(later > closed);
}

// Tracing another user's process: EPERM (root's process, from uid 1000).
void another_users_process_is_eperm()
{
    const pid_t root_proc = getpid();
    const pid_t p = spawn([root_proc] {
        CHECK_OK(setuid(1000));
        const char* f = "/tmp/kt-uid1000";
        make_file(f);
        CHECK_ERR(ktrace(f, KTROP_SET, kCalls, root_proc), EPERM);
        CHECK_ERR(ktrace(f, KTROP_SET, kCalls, 1), EPERM);
        CHECK_ERR(ktrace(f, KTROP_CLEAR, kCalls, root_proc), EPERM);
        // Its own process it may trace: the file was not the problem.
        CHECK_OK(ktrace(f, KTROP_SET, kCalls, getpid()));
        return 0;
    });
    check_child_ok(p);
}

// A pipe sink whose reader goes away: the failed write ends the trace,
// and the traced process goes on (no SIGPIPE for a record it never wrote).
void closed_pipe_sink_stops_the_trace_not_the_process()
{
    Pipe sink, gate;
    const pid_t p = spawn([&sink, &gate] {
        sink.close_r();
        gate.close_w();
        char name[32];
        snprintf(name, sizeof name, "/dev/fd/%d", sink.w);
        CHECK_OK(ktrace(name, KTROP_SET, kCalls, getpid()));
        sink.close_w();
        char c;
        if (read(gate.r, &c, 1) != 1) return 97;
        for (int i = 0; i < 20; i++) (void)getppid();
        return 0;
    });
    sink.close_w();
    gate.close_r();
    // Records flow while someone reads: the close and the gate's read.
    ktr_header h;
    CHECK_EQ(read(sink.r, &h, sizeof h), ssize_t(sizeof h));
    CHECK((h.ktr_type & KTR_VERSIONED) != 0);
    CHECK_EQ(h.ktr_pid, p);
    sink.close_r();
    write_num(gate.w, 1);
    const int st = wait_for(p);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
}

// /tmp full: records that cannot be written are dropped whole (the file
// stays a clean run of records) and the process goes on.
void full_tmp_stops_the_trace_not_the_process()
{
    const char* f = "/tmp/kt-full";
    const char* filler = "/tmp/kt-filler";
    make_file(f);
    Pipe ready, gate;
    const pid_t p = traced_child(f, kCalls | KTRFAC_GENIO, [&ready, &gate] {
        ready.close_r();
        gate.close_w();
        write_num(ready.w, 1); // traced from here on
        char c;
        if (read(gate.r, &c, 1) != 1) return 97;
        // Far more than the trace file's last page can still take.
        for (int i = 0; i < 100; i++) (void)getppid();
        return 0;
    });
    ready.close_w();
    gate.close_r();
    CHECK_EQ(read_num(ready.r), 1);
    const int fd = open(filler, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    CHECK(fd >= 0);
    static char chunk[65536];
    memset(chunk, 'x', sizeof chunk);
    ssize_t w;
    while ((w = write(fd, chunk, sizeof chunk)) > 0) {}
    const int e = errno;
    CHECK_OK(close(fd));
    CHECK_EQ(w, -1);
    CHECK_EQ(e, ENOSPC);
    write_num(gate.w, 1);
    const int st = wait_for(p);
    CHECK_OK(unlink(filler));
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    const kt::Trace& t = read_file(f); // whole records only
    CHECK(find(t, p, KTR_SYSCALL, SYS_write) != nullptr); // the ready byte, before the fill
    CHECK(find(t, p, KTR_SYSCALL, SYS_exit) == nullptr); // lost: /tmp was full
}

void hostile_arguments()
{
    const pid_t p = spawn([] {
        const char* f = "/tmp/kt-args";
        make_file(f);
        const pid_t me = getpid();
        CHECK_ERR(ktrace(reinterpret_cast<const char*>(1), KTROP_SET, kCalls, me), EFAULT);
        CHECK_ERR(ktrace(f, 3, kCalls, me), EINVAL);
        CHECK_ERR(ktrace(f, KTROP_SET | 0x100, kCalls, me), EINVAL);
        CHECK_ERR(ktrace(f, KTROP_SET, 0, me), EINVAL);
        CHECK_ERR(ktrace(f, KTROP_SET, kCalls | 0x08000000 << 1, me), EINVAL);
        pid_t gone = 99990;
        while (kill(gone, 0) == 0 || errno != ESRCH) gone++;
        CHECK_ERR(ktrace(f, KTROP_SET, kCalls, gone), ESRCH);
        CHECK_ERR(ktrace("/tmp/kt-missing", KTROP_SET, kCalls, me), ENOENT);
        CHECK_ERR(ktrace("/tmp", KTROP_SET, kCalls, me), EISDIR);
        CHECK_ERR(ktrace("/bin/true", KTROP_SET, kCalls, me), EROFS);
        CHECK_ERR(ktrace("/dev/fd/77", KTROP_SET, kCalls, me), EBADF);
        static char longname[1100];
        memset(longname, 'a', sizeof longname - 1);
        longname[0] = '/';
        CHECK_ERR(ktrace(longname, KTROP_SET, kCalls, me), ENAMETOOLONG);
        // Nothing above started a trace: the file is still empty.
        CHECK(kt::read_trace(f, &g_trace));
        CHECK_EQ(g_trace.total, 0);
        return 0;
    });
    check_child_ok(p);
}

Ran g_ran;

// ktrace -i -t c forkdemo, then kdump: the fork from both sides.
void commands_trace_and_print_a_fork()
{
    const char* trace[] = {"/bin/ktrace", "-i", "-t", "c", "-f", "/tmp/kt-cmd",
                           "/bin/forkdemo", nullptr};
    run_capture(trace, &g_ran);
    CHECK(WIFEXITED(g_ran.status) && WEXITSTATUS(g_ran.status) == 0);
    const char* dump[] = {"/bin/kdump", "-f", "/tmp/kt-cmd", nullptr};
    run_capture(dump, &g_ran);
    CHECK(WIFEXITED(g_ran.status) && WEXITSTATUS(g_ran.status) == 0);
    const char* call = strstr(g_ran.out, " forkdemo CALL  fork\n");
    CHECK(call != nullptr);
    long parent = 0, child = 0;
    const char* line = call;
    while (line > g_ran.out && line[-1] != '\n') line--;
    CHECK(sscanf(line, "%ld", &parent) == 1);
    char want[96];
    snprintf(want, sizeof want, " forkdemo RET   fork ");
    bool child_seen = false, parent_seen = false;
    for (const char* s = strstr(g_ran.out, want); s; s = strstr(s + 1, want)) {
        const char* l = s;
        while (l > g_ran.out && l[-1] != '\n') l--;
        long pid = 0, ret = -1;
        CHECK(sscanf(l, "%ld forkdemo RET   fork %ld", &pid, &ret) == 2);
        if (pid == parent) {
            parent_seen = true;
            child = ret;
        } else if (ret == 0) {
            child_seen = true;
            CHECK(pid != parent);
        }
    }
    CHECK(parent_seen && child_seen);
    snprintf(want, sizeof want, "%6ld forkdemo RET   fork 0\n", child);
    CHECK(strstr(g_ran.out, want) != nullptr);
    // kdump adds the hex form of a value above 9.
    if (child > 9)
        snprintf(want, sizeof want, "%6ld forkdemo RET   fork %ld/%#lx\n", parent, child,
                 static_cast<unsigned long>(child));
    else
        snprintf(want, sizeof want, "%6ld forkdemo RET   fork %ld\n", parent, child);
    CHECK(strstr(g_ran.out, want) != nullptr);
}

// ktrace -p starts tracing a running process, ktrace -c -p stops it: its
// calls between the two are in the file, the ones after are not.
void commands_start_and_stop_a_running_process()
{
    const char* f = "/tmp/kt-p";
    Pipe go, done, last;
    const pid_t target = spawn([&go, &done, &last] {
        go.close_w();
        done.close_r();
        last.close_w();
        char c;
        if (read(go.r, &c, 1) != 1) return 97;
        (void)getppid();
        write_num(done.w, 1);
        if (read(last.r, &c, 1) != 1) return 96;
        (void)getpid();
        return 0;
    });
    go.close_r();
    done.close_w();
    last.close_r();
    char pid[16];
    snprintf(pid, sizeof pid, "%d", int(target));
    const char* start[] = {"/bin/ktrace", "-t", "c", "-f", f, "-p", pid, nullptr};
    run_capture(start, &g_ran);
    CHECK(WIFEXITED(g_ran.status) && WEXITSTATUS(g_ran.status) == 0);
    write_num(go.w, 1);
    CHECK_EQ(read_num(done.r), 1);
    const char* stop[] = {"/bin/ktrace", "-c", "-f", f, "-p", pid, nullptr};
    run_capture(stop, &g_ran);
    CHECK(WIFEXITED(g_ran.status) && WEXITSTATUS(g_ran.status) == 0);
    write_num(last.w, 1);
    check_child_ok(target);
    const kt::Trace& t = read_file(f);
    CHECK(find(t, target, KTR_SYSCALL, SYS_getppid) != nullptr);
    CHECK(find(t, target, KTR_SYSCALL, SYS_getpid) == nullptr);
    CHECK(find(t, target, KTR_SYSCALL, SYS_exit) == nullptr);
    // Usage errors (status 2): a command and -p both, -c with a command,
    // an unknown facility letter.
    const char* both[] = {"/bin/ktrace", "-p", pid, "/bin/true", nullptr};
    run_capture(both, &g_ran);
    CHECK_EQ(WEXITSTATUS(g_ran.status), 2);
    const char* clear_cmd[] = {"/bin/ktrace", "-c", "/bin/true", nullptr};
    run_capture(clear_cmd, &g_ran);
    CHECK_EQ(WEXITSTATUS(g_ran.status), 2);
    const char* letter[] = {"/bin/ktrace", "-t", "cx", "/bin/true", nullptr};
    run_capture(letter, &g_ran);
    CHECK_EQ(WEXITSTATUS(g_ran.status), 2);
    // A file it cannot make: a message and status 1, the command not run.
    const char* rofs[] = {"/bin/ktrace", "-f", "/bin/kt", "/bin/echo", "ran", nullptr};
    run_capture(rofs, &g_ran);
    CHECK_EQ(WEXITSTATUS(g_ran.status), 1);
    CHECK(strstr(g_ran.out, "ran") == nullptr);
}

// kdump on what is not a trace: a message and exit 1; an empty trace: no
// output, exit 0; a missing file: exit 1.
void kdump_refuses_what_is_not_a_trace()
{
    const char* junk = "/tmp/kt-junk";
    const int fd = open(junk, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    CHECK(fd >= 0);
    char bytes[100];
    for (size_t i = 0; i < sizeof bytes; i++) bytes[i] = char(i * 37 + 11);
    CHECK_EQ(write(fd, bytes, sizeof bytes), ssize_t(sizeof bytes));
    CHECK_OK(close(fd));
    const char* bad[] = {"/bin/kdump", "-f", junk, nullptr};
    run_capture(bad, &g_ran);
    CHECK(WIFEXITED(g_ran.status));
    CHECK_EQ(WEXITSTATUS(g_ran.status), 1);
    make_file("/tmp/kt-empty");
    const char* empty[] = {"/bin/kdump", "-f", "/tmp/kt-empty", nullptr};
    run_capture(empty, &g_ran);
    CHECK(WIFEXITED(g_ran.status));
    CHECK_EQ(WEXITSTATUS(g_ran.status), 0);
    CHECK_EQ(g_ran.out[0], 0);
    const char* missing[] = {"/bin/kdump", "-f", "/tmp/kt-nothing-here", nullptr};
    run_capture(missing, &g_ran);
    CHECK_EQ(WEXITSTATUS(g_ran.status), 1);
}

const Case cases[] = {
    {"KTRFAC_INHERIT: fork's child traced, its first record RET fork 0", inherit_follows_fork},
    {"without KTRFAC_INHERIT the child is not traced", no_inherit_leaves_the_child_untraced},
    {"KTRFAC_INHERIT across vfork", inherit_follows_vfork},
    {"KTRFAC_INHERIT across rfork(RFPROC|RFMEM)", inherit_follows_rfork_mem},
    {"the trace is kept across exec, under the new name", trace_kept_across_exec},
    {"the trace outlives the process that set it", trace_outlives_the_tracer},
    {"/dev/fd/N: the trace outlives the closed descriptor", trace_outlives_the_closed_descriptor},
    {"another user's process: EPERM", another_users_process_is_eperm},
    {"a pipe sink nobody reads ends the trace, not the process", closed_pipe_sink_stops_the_trace_not_the_process},
    {"a full /tmp ends the trace, not the process; whole records only", full_tmp_stops_the_trace_not_the_process},
    {"ktrace(2): bad pointer, ops, facilities, pid, files, names", hostile_arguments},
    {"ktrace -i -t c forkdemo; kdump: the fork from both sides", commands_trace_and_print_a_fork},
    {"ktrace -p starts a running process's trace, ktrace -c -p stops it; usage errors", commands_start_and_stop_a_running_process},
    {"kdump: junk exits 1, an empty trace prints nothing, a missing file exits 1", kdump_refuses_what_is_not_a_trace},
};

} // namespace

int main(int argc, char** argv) { return run("ktracetest", cases, argc, argv); }
