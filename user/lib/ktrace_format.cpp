// kdump's output format: see ktrace_format.h.  Field widths, the
// decoding of arguments and the two GIO dumps follow FreeBSD's kdump(1).
#include "ktrace_format.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <abi/errno.h>
#include <abi/fcntl.h>
#include <abi/mman.h>
#include <abi/signal.h>
#include <abi/syscall.h>
#include <abi/unistd.h>
#include <abi/wait.h>

#include "ktrace_names.h"

namespace ktr {

struct Flag {
    uint64_t bit;
    const char* name;
};

namespace {

// How a system call argument is shown when decoding (fancy).
enum Kind : uint8_t { Num, Signal, SigHow, RforkFlags, WaitOpts, OpenFlags, OpenMode, Prot,
                      MapFlags, Whence, Mode };

struct Signature {
    int code;
    Kind kinds[4]; // the first arguments; any after are numbers
};

constexpr Signature kSignatures[] = {
    {SYS_kill, {Num, Signal}},
    {SYS_sigaction, {Signal}},
    {SYS_sigprocmask, {SigHow}},
    {SYS_rfork, {RforkFlags}},
    {SYS_wait4, {Num, Num, WaitOpts}},
    {SYS_open, {Num, OpenFlags, OpenMode}},
    {SYS_mmap, {Num, Num, Prot, MapFlags}},
    {SYS_mprotect, {Num, Num, Prot}},
    {SYS_lseek, {Num, Num, Whence}},
    {SYS_mkdir, {Num, Mode}},
};

constexpr Flag kRforkFlags[] = {
    {uint64_t(unsigned(RFPPWAIT)), "RFPPWAIT"}, {RFNAMEG, "RFNAMEG"},   {RFENVG, "RFENVG"},
    {RFFDG, "RFFDG"},       {RFNOTEG, "RFNOTEG"},   {RFPROC, "RFPROC"},   {RFMEM, "RFMEM"},
    {RFNOWAIT, "RFNOWAIT"}, {RFCNAMEG, "RFCNAMEG"}, {RFCENVG, "RFCENVG"}, {RFCFDG, "RFCFDG"},
    {RFTHREAD, "RFTHREAD"}, {RFSIGSHARE, "RFSIGSHARE"}, {RFLINUXTHPN, "RFLINUXTHPN"},
    {RFSTOPPED, "RFSTOPPED"}, {RFHIGHPID, "RFHIGHPID"},
};
constexpr Flag kWaitOpts[] = {
    {WNOHANG, "WNOHANG"}, {WUNTRACED, "WUNTRACED"}, {WCONTINUED, "WCONTINUED"},
    {WNOWAIT, "WNOWAIT"}, {uint64_t(unsigned(WLINUXCLONE)), "WLINUXCLONE"},
};
// After the access mode, which open_flags names first.
constexpr Flag kOpenFlags[] = {
    {O_NONBLOCK, "O_NONBLOCK"}, {O_APPEND, "O_APPEND"}, {O_CREAT, "O_CREAT"},
    {O_TRUNC, "O_TRUNC"},       {O_EXCL, "O_EXCL"},     {O_CLOEXEC, "O_CLOEXEC"},
};
constexpr Flag kProt[] = {{PROT_READ, "PROT_READ"}, {PROT_WRITE, "PROT_WRITE"},
                          {PROT_EXEC, "PROT_EXEC"}};
constexpr Flag kMapFlags[] = {{MAP_SHARED, "MAP_SHARED"}, {MAP_PRIVATE, "MAP_PRIVATE"},
                              {MAP_FIXED, "MAP_FIXED"},   {MAP_ANON, "MAP_ANON"}};

const Signature* signature(int code)
{
    for (const Signature& s : kSignatures)
        if (s.code == code) return &s;
    return nullptr;
}

// A character of a command name, made safe for a terminal.
char printable(char c) { return c >= ' ' && c <= '~' ? c : '?'; }

int64_t nsec_between(const ktimespec& a, const ktimespec& b)
{
    return (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
}

} // namespace

void Formatter::print(const char* fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0) put(buf, size_t(n) < sizeof buf ? size_t(n) : sizeof buf - 1);
}

void Formatter::timestamp(const ktr_header& h)
{
    ktimespec t = h.ktr_time;
    if (o_.time != Timestamps::Absolute) {
        if (!have_prev_) prev_ = t;
        const int64_t ns = nsec_between(prev_, t);
        if (o_.time == Timestamps::Relative) prev_ = t;
        t.tv_sec = ns / 1000000000LL;
        t.tv_nsec = ns % 1000000000LL;
        if (t.tv_nsec < 0) { // before the previous record: a negative span
            t.tv_sec -= 1;
            t.tv_nsec += 1000000000LL;
        }
    }
    have_prev_ = true;
    print("%lld.%09lld ", static_cast<long long>(t.tv_sec), static_cast<long long>(t.tv_nsec));
}

// "   PID COMMAND  " (or "   PID    TID COMMAND  ").
void Formatter::prefix(const ktr_header& h)
{
    print("%6d ", h.ktr_pid);
    if (o_.threads) print("%6lld ", static_cast<long long>(h.ktr_tid > 0 ? h.ktr_tid : 0));
    char comm[KTR_MAXCOMLEN + 1];
    size_t n = 0;
    for (; n < KTR_MAXCOMLEN && h.ktr_comm[n]; n++) comm[n] = printable(h.ktr_comm[n]);
    comm[n] = '\0';
    print("%-8s ", comm);
}

// The prefix, the time, the tag.
void Formatter::header(const Record& r, const char* tag)
{
    const ktr_header& h = r.hdr;
    prefix(h);
    if (o_.time != Timestamps::None) timestamp(h);
    print("%s  ", tag);
}

void Formatter::number(uint64_t v)
{
    if (o_.decimal)
        print("%lld", static_cast<long long>(v));
    else
        print("%#llx", static_cast<unsigned long long>(v));
}

// FreeBSD's print_mask_arg: "0x30<RFPROC|RFMEM>", bits it cannot name
// after "<invalid>".
void Formatter::mask(uint64_t v, const Flag* flags, size_t nflags)
{
    const uint32_t value = uint32_t(v);
    print("%#x<", value);
    uint32_t rest = value;
    bool first = true;
    for (size_t i = 0; i < nflags; i++) {
        if (!(rest & flags[i].bit)) continue;
        print("%s%s", first ? "" : "|", flags[i].name);
        rest &= ~uint32_t(flags[i].bit);
        first = false;
    }
    put('>');
    if (rest) print("<invalid>%u", rest);
}

template <size_t N> constexpr size_t count(const Flag (&)[N]) { return N; }

void Formatter::arg(int kind, uint64_t v)
{
    const int i = int(v);
    switch (kind) {
    case Signal:
        if (const char* s = signal_name(i)) print("%s", s);
        else print("SIG %d", i);
        return;
    case SigHow: {
        static const char* const how[] = {nullptr, "SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK"};
        if (v >= 1 && v <= 3) print("%s", how[v]);
        else number(v);
        return;
    }
    case RforkFlags: return mask(v, kRforkFlags, count(kRforkFlags));
    case WaitOpts: return mask(v, kWaitOpts, count(kWaitOpts));
    case OpenFlags: {
        static const char* const acc[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
        print("%#x<%s", unsigned(i), acc[i & O_ACCMODE]);
        for (const Flag& f : kOpenFlags)
            if (i & f.bit) print("|%s", f.name);
        put('>');
        return;
    }
    case Prot: return mask(v, kProt, count(kProt));
    case MapFlags: return mask(v, kMapFlags, count(kMapFlags));
    case Whence: {
        static const char* const whence[] = {"SEEK_SET", "SEEK_CUR", "SEEK_END"};
        if (v <= 2) print("%s", whence[v]);
        else number(v);
        return;
    }
    case OpenMode:
    case Mode: print("%#o", unsigned(i)); return;
    default: number(v); return;
    }
}

void Formatter::syscall(const Record& r)
{
    ktr_syscall head;
    memcpy(&head, r.body, offsetof(ktr_syscall, ktr_args));
    const char* name = syscall_name(head.ktr_code);
    if (name) print("%s", name);
    else print("[%d]", head.ktr_code);
    const Signature* sig = o_.fancy ? signature(head.ktr_code) : nullptr;
    uint64_t flags = 0;
    for (int i = 0; i < head.ktr_narg; i++) {
        uint64_t v;
        memcpy(&v, r.body + offsetof(ktr_syscall, ktr_args) + size_t(i) * sizeof v, sizeof v);
        const int kind = sig && i < 4 ? sig->kinds[i] : Num;
        if (kind == OpenFlags) flags = v;
        // open's mode means something only when it creates the file.
        if (kind == OpenMode && !(flags & O_CREAT)) continue;
        put(i ? ',' : '(');
        arg(kind, v);
    }
    if (head.ktr_narg) put(')');
    put('\n');
}

void Formatter::sysret(const Record& r)
{
    ktr_sysret ret;
    memcpy(&ret, r.body, sizeof ret);
    const char* name = syscall_name(ret.ktr_code);
    if (name) print("%s ", name);
    else print("[%d] ", ret.ktr_code);
    const int64_t v = ret.ktr_retval;
    if (ret.ktr_error == 0) {
        if (o_.fancy) {
            print("%lld", static_cast<long long>(v));
            if (v < 0 || v > 9) print("/%#llx", static_cast<unsigned long long>(v));
        } else {
            number(uint64_t(v));
        }
    } else if (ret.ktr_error == int(Errno::Restart)) {
        print("RESTART");
    } else if (ret.ktr_error == int(Errno::JustReturn)) {
        print("JUSTRETURN");
    } else {
        print("-1 errno %d", ret.ktr_error);
        if (o_.fancy) {
            if (const char* t = errno_text(ret.ktr_error)) print(" %s", t);
            else print(" Unknown error: %d", ret.ktr_error);
        }
    }
    put('\n');
}

// A NAMEI or SYSCTL string, quoted; bytes a terminal would act on are
// shown as octal escapes.
void Formatter::string(const uint8_t* s, size_t n)
{
    put('"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= ' ' && s[i] <= '~') put(char(s[i]));
        else print("\\%03o", s[i]);
    }
    put('"');
    put('\n');
}

// Text (FreeBSD's visdump): C-style escapes, the data's own line breaks
// kept, continuation lines indented by a tab, folded before column 78.
void Formatter::visdump(const uint8_t* p, size_t n)
{
    constexpr int kScreen = 80;
    print("       \"");
    int col = 8;
    for (size_t i = 0; i < n; i++) {
        char vis[5];
        const uint8_t c = p[i];
        if (c == '\n' || c == '\t' || (c >= ' ' && c <= '~' && c != '\\')) {
            vis[0] = char(c);
            vis[1] = '\0';
        } else if (c == '\\') {
            strcpy(vis, "\\\\");
        } else if (c == '\r') {
            strcpy(vis, "\\r");
        } else if (c == 0 && !(i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '7')) {
            strcpy(vis, "\\0");
        } else {
            snprintf(vis, sizeof vis, "\\%03o", c);
        }
        if (col == 0) {
            put('\t');
            col = 8;
        }
        if (c == '\n') {
            col = 0;
            put('\n');
            continue;
        }
        const int width = c == '\t' ? 8 - (col & 7) : int(strlen(vis));
        if (col + width > kScreen - 2) {
            print("\\\n\t");
            col = 8;
        }
        col += width;
        print("%s", vis);
    }
    if (col == 0) print("       ");
    print("\"\n");
}

// Binary (FreeBSD's hexdump): 16 bytes a line, offset, hex in pairs, text.
void Formatter::hexdump(const uint8_t* p, size_t n)
{
    constexpr size_t kWidth = 16;
    size_t i = 0;
    for (size_t line = 0; line < n; line += kWidth) {
        print("       0x%04zx", line);
        for (i = line; i < line + kWidth; i++) {
            if (i % 2 == 0) put(' ');
            if (i < n) print("%02x", p[i]);
            else print("  ");
        }
        print("  |");
        for (i = line; i < line + kWidth && i < n; i++) put(p[i] >= ' ' && p[i] <= '~' ? char(p[i]) : '.');
        print("|\n");
    }
    if (i % kWidth != 0) put('\n');
}

void Formatter::genio(const Record& r)
{
    ktr_genio g;
    memcpy(&g, r.body, sizeof g);
    const uint8_t* data = r.body + sizeof g;
    size_t n = r.len - sizeof g;
    print("fd %d %s %zu byte%s\n", g.ktr_fd, g.ktr_rw == ktr_uio_rw::UIO_READ ? "read" : "wrote",
          n, n == 1 ? "" : "s");
    if (o_.suppress_data) return;
    if (o_.maxdata > 0 && n > size_t(o_.maxdata)) n = size_t(o_.maxdata);
    bool binary = false;
    for (size_t i = 0; i < n && !binary; i++) {
        const uint8_t c = data[i];
        binary = !((c >= ' ' && c < 127) || c == '\n' || c == '\r' || c == '\0' || c == '\t');
    }
    if (binary) hexdump(data, n);
    else visdump(data, n);
}

void Formatter::psig(const Record& r)
{
    ktr_psig ps;
    memcpy(&ps, r.body, sizeof ps);
    if (const char* s = signal_name(ps.signo)) print("%s ", s);
    else print("SIG %d ", ps.signo);
    if (ps.action == SIG_DFL)
        print("SIG_DFL code=");
    else
        print("caught handler=0x%llx mask=0x%x code=", static_cast<unsigned long long>(ps.action),
              ps.mask[0]);
    if (const char* c = sigcode_name(ps.signo, ps.code)) print("%s\n", c);
    else print("<invalid=%d>\n", ps.code);
}

void Formatter::record(const Record& r)
{
    const ktr_header& h = r.hdr;
    const bool wanted_pid = o_.pid == 0 || h.ktr_pid == o_.pid || h.ktr_tid == o_.pid;
    if (r.dropped && !drop_logged_ && wanted_pid) {
        prefix(h);
        print("Events dropped.\n");
        drop_logged_ = true;
    }
    if (!wanted_pid || !(o_.points & ktrfac(int16_t(r.type)))) return;
    if (r.type == KTR_PROCCTOR || r.type == KTR_PROCDTOR) return; // bookkeeping only
    drop_logged_ = false;
    switch (r.type) {
    case KTR_SYSCALL: header(r, "CALL"); return syscall(r);
    case KTR_SYSRET: header(r, "RET "); return sysret(r);
    case KTR_NAMEI: header(r, "NAMI"); return string(r.body, r.len);
    case KTR_SYSCTL: header(r, "SCTL"); return string(r.body, r.len);
    case KTR_GENIO: header(r, "GIO "); return genio(r);
    case KTR_PSIG: header(r, "PSIG"); return psig(r);
    default: break;
    }
    static const char* const tags[] = {"CSW ", "USER", "STRU", nullptr, nullptr, nullptr,
                                       "CAP ", "PFLT", "PRET", "STRU"};
    header(r, tags[r.type - KTR_CSW]);
    print("%s, %zu bytes (not decoded)\n", type_name(r.type), r.len);
}

} // namespace ktr
