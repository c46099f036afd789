// kdump's record reader and formatter (user/lib/ktrace_reader.cpp,
// ktrace_format.cpp, ktrace_names.cpp, ktrace_points.cpp) over byte
// streams built here: well-formed records must print exactly as
// FreeBSD's kdump(1) prints them (the expected lines are written from
// its format, field by field), and hostile streams (truncated, negative
// or huge lengths, unknown types, bodies that do not fit their type,
// read errors, random bytes) must stop with a message, never a crash.
#include <doctest/doctest.h>

#include <abi/ktrace.h>
#include <abi/syscall.h>
#include <user/lib/ktrace_format.h>
#include <user/lib/ktrace_names.h>
#include <user/lib/ktrace_points.h>
#include <user/lib/ktrace_reader.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace {

using Bytes = std::vector<uint8_t>;

template <class T> void append(Bytes& b, const T& v)
{
    const auto* p = reinterpret_cast<const uint8_t*>(&v);
    b.insert(b.end(), p, p + sizeof v);
}

struct Hdr {
    int16_t type;
    int32_t pid = 42;
    const char* comm = "forkdemo";
    int64_t tid = 100042;
    ktimespec time{5, 123};
    int16_t version = KTR_VERSION1;
    bool versioned = true;
};

// A header saying `len` bytes follow.
void header(Bytes& b, const Hdr& h, int32_t len)
{
    ktr_header k{};
    k.ktr_len = len;
    k.ktr_type = int16_t(h.type | (h.versioned ? KTR_VERSIONED : 0));
    k.ktr_version = h.version;
    k.ktr_pid = h.pid;
    strncpy(k.ktr_comm, h.comm, sizeof k.ktr_comm);
    k.ktr_time = h.time;
    k.ktr_tid = h.tid;
    append(b, k);
}

void body(Bytes& b, const void* p, size_t n)
{
    const auto* q = static_cast<const uint8_t*>(p);
    b.insert(b.end(), q, q + n);
}

void syscall_rec(Bytes& b, Hdr h, int16_t code, std::vector<uint64_t> args)
{
    h.type = KTR_SYSCALL;
    header(b, h, int32_t(8 + 8 * args.size()));
    const int16_t head[4] = {code, int16_t(args.size()), 0, 0};
    body(b, head, sizeof head);
    for (uint64_t a : args) append(b, a);
}

void sysret_rec(Bytes& b, Hdr h, int16_t code, int32_t error, int64_t retval)
{
    h.type = KTR_SYSRET;
    header(b, h, sizeof(ktr_sysret));
    ktr_sysret r{};
    r.ktr_code = code;
    r.ktr_error = error;
    r.ktr_retval = retval;
    append(b, r);
}

void namei_rec(Bytes& b, Hdr h, const std::string& path)
{
    h.type = KTR_NAMEI;
    header(b, h, int32_t(path.size()));
    body(b, path.data(), path.size());
}

void genio_rec(Bytes& b, Hdr h, int fd, bool write, const std::string& data)
{
    h.type = KTR_GENIO;
    header(b, h, int32_t(8 + data.size()));
    ktr_genio g{fd, write ? ktr_uio_rw::UIO_WRITE : ktr_uio_rw::UIO_READ};
    append(b, g);
    body(b, data.data(), data.size());
}

void psig_rec(Bytes& b, Hdr h, int signo, uint64_t action, int code, uint32_t mask0)
{
    h.type = KTR_PSIG;
    header(b, h, sizeof(ktr_psig));
    ktr_psig p{};
    p.signo = signo;
    p.action = action;
    p.code = code;
    p.mask[0] = mask0;
    append(b, p);
}

struct Stream {
    const Bytes* b;
    size_t pos = 0;
    size_t chunk = ~size_t(0); // at most this many bytes a read, as a pipe gives them
    bool fail = false;         // a read that fails at the end instead of returning 0
};

long stream_read(void* ctx, void* buf, size_t n)
{
    auto* s = static_cast<Stream*>(ctx);
    size_t left = s->b->size() - s->pos;
    if (left == 0 && s->fail) {
        errno = EIO;
        return -1;
    }
    n = std::min({n, left, s->chunk});
    if (n) memcpy(buf, s->b->data() + s->pos, n);
    s->pos += n;
    return long(n);
}

void sink_write(void* ctx, const char* s, size_t n) { static_cast<std::string*>(ctx)->append(s, n); }

struct Dump {
    std::string text;
    std::string error; // empty when the stream ended cleanly
    int records = 0;
};

Dump dump(const Bytes& b, ktr::Options o = {}, size_t chunk = ~size_t(0), bool fail = false)
{
    Dump d;
    Stream s{&b, 0, chunk, fail};
    ktr::Reader reader({stream_read, &s});
    ktr::Formatter f(o, {sink_write, &d.text});
    ktr::Record r;
    for (;;) {
        const ktr::Status st = reader.next(&r);
        if (st == ktr::Status::End) break;
        if (st == ktr::Status::Error) {
            d.error = reader.error();
            CHECK(reader.next(&r) == ktr::Status::Error); // it stays stopped
            break;
        }
        f.record(r);
        d.records++;
    }
    return d;
}

Hdr child() { Hdr h; h.pid = 43; h.tid = 100043; return h; }

// A fork seen from both sides, as ktrace -i records it.
Bytes fork_trace()
{
    Bytes b;
    syscall_rec(b, Hdr{}, SYS_fork, {});
    sysret_rec(b, child(), SYS_fork, 0, 0);
    sysret_rec(b, Hdr{}, SYS_fork, 0, 43);
    return b;
}

} // namespace

TEST_CASE("kdump: a fork from both sides, in FreeBSD's columns")
{
    const Dump d = dump(fork_trace());
    CHECK(d.error == "");
    CHECK(d.records == 3);
    CHECK(d.text == "    42 forkdemo CALL  fork\n"
                    "    43 forkdemo RET   fork 0\n"
                    "    42 forkdemo RET   fork 43/0x2b\n");
}

TEST_CASE("kdump: -H adds the thread id, -T the time, -n and -d change the numbers")
{
    ktr::Options o;
    o.threads = true;
    CHECK(dump(fork_trace(), o).text == "    42 100042 forkdemo CALL  fork\n"
                                        "    43 100043 forkdemo RET   fork 0\n"
                                        "    42 100042 forkdemo RET   fork 43/0x2b\n");
    o = {};
    o.time = ktr::Timestamps::Absolute;
    Bytes b;
    syscall_rec(b, Hdr{}, SYS_getpid, {});
    CHECK(dump(b, o).text == "    42 forkdemo 5.000000123 CALL  getpid\n");

    o = {};
    o.fancy = false;
    CHECK(dump(fork_trace(), o).text == "    42 forkdemo CALL  fork\n"
                                        "    43 forkdemo RET   fork 0\n"
                                        "    42 forkdemo RET   fork 0x2b\n");
    Bytes w;
    syscall_rec(w, Hdr{}, SYS_write, {1, 0x1000, 6});
    sysret_rec(w, Hdr{}, SYS_write, 0, 6);
    CHECK(dump(w).text == "    42 forkdemo CALL  write(0x1,0x1000,0x6)\n"
                          "    42 forkdemo RET   write 6\n");
    o = {};
    o.decimal = true;
    CHECK(dump(w, o).text == "    42 forkdemo CALL  write(1,4096,6)\n"
                             "    42 forkdemo RET   write 6\n");
}

TEST_CASE("kdump: -R and -E time since the previous and the first record")
{
    Bytes b;
    Hdr h;
    h.time = {5, 900000000};
    syscall_rec(b, h, SYS_getpid, {});
    h.time = {6, 100000000};
    sysret_rec(b, h, SYS_getpid, 0, 42);
    h.time = {6, 400000000};
    syscall_rec(b, h, SYS_getppid, {});
    ktr::Options o;
    o.time = ktr::Timestamps::Relative;
    CHECK(dump(b, o).text == "    42 forkdemo 0.000000000 CALL  getpid\n"
                             "    42 forkdemo 0.200000000 RET   getpid 42/0x2a\n"
                             "    42 forkdemo 0.300000000 CALL  getppid\n");
    o.time = ktr::Timestamps::Elapsed;
    CHECK(dump(b, o).text == "    42 forkdemo 0.000000000 CALL  getpid\n"
                             "    42 forkdemo 0.200000000 RET   getpid 42/0x2a\n"
                             "    42 forkdemo 0.500000000 CALL  getppid\n");
}

TEST_CASE("kdump: errors, RESTART, unknown numbers")
{
    Bytes b;
    sysret_rec(b, Hdr{}, SYS_open, 2, -1);
    sysret_rec(b, Hdr{}, SYS_read, 35, -1);
    sysret_rec(b, Hdr{}, SYS_nanosleep, -1, 0);
    sysret_rec(b, Hdr{}, SYS_execve, -2, 0);
    sysret_rec(b, Hdr{}, 999, 0, -1);
    sysret_rec(b, Hdr{}, SYS_write, 93, -1);
    syscall_rec(b, Hdr{}, -5, {7});
    CHECK(dump(b).text == "    42 forkdemo RET   open -1 errno 2 No such file or directory\n"
                          "    42 forkdemo RET   read -1 errno 35 Resource temporarily unavailable\n"
                          "    42 forkdemo RET   nanosleep RESTART\n"
                          "    42 forkdemo RET   execve JUSTRETURN\n"
                          "    42 forkdemo RET   [999] -1/0xffffffffffffffff\n"
                          "    42 forkdemo RET   write -1 errno 93 Unknown error: 93\n"
                          "    42 forkdemo CALL  [-5](0x7)\n");
    ktr::Options o;
    o.fancy = false;
    Bytes e;
    sysret_rec(e, Hdr{}, SYS_open, 2, -1);
    CHECK(dump(e, o).text == "    42 forkdemo RET   open -1 errno 2\n");
}

TEST_CASE("kdump: arguments decoded by name, and not with -n")
{
    Bytes b;
    syscall_rec(b, Hdr{}, SYS_rfork, {0x30});
    syscall_rec(b, Hdr{}, SYS_rfork, {0x10 | 0x100000});
    syscall_rec(b, Hdr{}, SYS_kill, {43, 15});
    syscall_rec(b, Hdr{}, SYS_kill, {43, 200});
    syscall_rec(b, Hdr{}, SYS_sigaction, {20, 0x3000, 0});
    syscall_rec(b, Hdr{}, SYS_sigprocmask, {3, 0x3000, 0});
    syscall_rec(b, Hdr{}, SYS_wait4, {uint64_t(-1), 0x3000, 1, 0});
    syscall_rec(b, Hdr{}, SYS_wait4, {43, 0, 0, 0});
    syscall_rec(b, Hdr{}, SYS_open, {0x2000, 0x601, 0644});
    syscall_rec(b, Hdr{}, SYS_open, {0x2000, 0, 0});
    syscall_rec(b, Hdr{}, SYS_mmap, {0, 0x2000, 3, 0x1002, uint64_t(-1), 0});
    syscall_rec(b, Hdr{}, SYS_lseek, {3, 0, 2});
    CHECK(dump(b).text == "    42 forkdemo CALL  rfork(0x30<RFPROC|RFMEM>)\n"
                          "    42 forkdemo CALL  rfork(0x100010<RFPROC><invalid>1048576)\n"
                          "    42 forkdemo CALL  kill(0x2b,SIGTERM)\n"
                          "    42 forkdemo CALL  kill(0x2b,SIG 200)\n"
                          "    42 forkdemo CALL  sigaction(SIGCHLD,0x3000,0)\n"
                          "    42 forkdemo CALL  sigprocmask(SIG_SETMASK,0x3000,0)\n"
                          "    42 forkdemo CALL  wait4(0xffffffffffffffff,0x3000,0x1<WNOHANG>,0)\n"
                          "    42 forkdemo CALL  wait4(0x2b,0,0<>,0)\n"
                          "    42 forkdemo CALL  open(0x2000,0x601<O_WRONLY|O_CREAT|O_TRUNC>,0644)\n"
                          "    42 forkdemo CALL  open(0x2000,0<O_RDONLY>)\n"
                          "    42 forkdemo CALL  mmap(0,0x2000,0x3<PROT_READ|PROT_WRITE>,"
                          "0x1002<MAP_PRIVATE|MAP_ANON>,0xffffffffffffffff,0)\n"
                          "    42 forkdemo CALL  lseek(0x3,0,SEEK_END)\n");
    ktr::Options o;
    o.fancy = false;
    Bytes n;
    syscall_rec(n, Hdr{}, SYS_kill, {43, 15});
    syscall_rec(n, Hdr{}, SYS_open, {0x2000, 0, 0});
    CHECK(dump(n, o).text == "    42 forkdemo CALL  kill(0x2b,0xf)\n"
                             "    42 forkdemo CALL  open(0x2000,0,0)\n");
}

TEST_CASE("kdump: NAMI, PSIG and the drop notice")
{
    Bytes b;
    namei_rec(b, Hdr{}, "/bin/forkdemo");
    namei_rec(b, Hdr{}, std::string("a\033b", 3));
    psig_rec(b, Hdr{}, 20, 0x10a4, 1, 0);
    psig_rec(b, Hdr{}, 30, 0x10a4, 0x10001, 0x20000);
    psig_rec(b, Hdr{}, 9, 0, 0x10001, 0);
    psig_rec(b, Hdr{}, 11, 0, 77, 0);
    Hdr dropped;
    dropped.type = int16_t(KTR_NAMEI | KTR_DROP);
    header(b, dropped, 4);
    body(b, "/tmp", 4);
    CHECK(dump(b).text == "    42 forkdemo NAMI  \"/bin/forkdemo\"\n"
                          "    42 forkdemo NAMI  \"a\\033b\"\n"
                          "    42 forkdemo PSIG  SIGCHLD caught handler=0x10a4 mask=0x0 code=CLD_EXITED\n"
                          "    42 forkdemo PSIG  SIGUSR1 caught handler=0x10a4 mask=0x20000 code=SI_USER\n"
                          "    42 forkdemo PSIG  SIGKILL SIG_DFL code=SI_USER\n"
                          "    42 forkdemo PSIG  SIGSEGV SIG_DFL code=<invalid=77>\n"
                          "    42 forkdemo Events dropped.\n"
                          "    42 forkdemo NAMI  \"/tmp\"\n");
}

TEST_CASE("kdump: GIO text keeps its lines, binary is a hex dump")
{
    Bytes b;
    genio_rec(b, Hdr{}, 1, true, "hello\n");
    genio_rec(b, Hdr{}, 0, false, "a\tb\\c\r");
    genio_rec(b, Hdr{}, 1, true, "one\ntwo");
    genio_rec(b, Hdr{}, 1, true, "x");
    CHECK(dump(b).text == "    42 forkdemo GIO   fd 1 wrote 6 bytes\n"
                          "       \"hello\n"
                          "       \"\n"
                          "    42 forkdemo GIO   fd 0 read 6 bytes\n"
                          "       \"a\tb\\\\c\\r\"\n"
                          "    42 forkdemo GIO   fd 1 wrote 7 bytes\n"
                          "       \"one\n"
                          "\ttwo\"\n"
                          "    42 forkdemo GIO   fd 1 wrote 1 byte\n"
                          "       \"x\"\n");
    Bytes h;
    genio_rec(h, Hdr{}, 3, true, std::string("\x01\x02" "A", 3));
    CHECK(dump(h).text == "    42 forkdemo GIO   fd 3 wrote 3 bytes\n"
                          "       0x0000 0102 41                                  |..A|\n"
                          "\n");
    Bytes full;
    std::string sixteen;
    for (int i = 0; i < 16; i++) sixteen += char(0x80 + i);
    genio_rec(full, Hdr{}, 3, true, sixteen);
    CHECK(dump(full).text == "    42 forkdemo GIO   fd 3 wrote 16 bytes\n"
                             "       0x0000 8081 8283 8485 8687 8889 8a8b 8c8d 8e8f  |................|\n");
    ktr::Options o;
    o.maxdata = 2;
    CHECK(dump(b, o).text.find("       \"he\"\n") != std::string::npos);
    o = {};
    o.suppress_data = true;
    CHECK(dump(h, o).text == "    42 forkdemo GIO   fd 3 wrote 3 bytes\n");
}

TEST_CASE("kdump: a long text line is folded before column 78")
{
    Bytes b;
    genio_rec(b, Hdr{}, 1, true, std::string(80, 'a'));
    const std::string t = dump(b).text;
    // 8 columns of indent and quote, then 70 characters to column 78.
    const std::string first = "       \"" + std::string(70, 'a') + "\\\n";
    const std::string second = "\t" + std::string(10, 'a') + "\"\n";
    CHECK(t == "    42 forkdemo GIO   fd 1 wrote 80 bytes\n" + first + second);
}

TEST_CASE("kdump: -t and -p choose records; PROCCTOR and PROCDTOR print nothing")
{
    Bytes b = fork_trace();
    namei_rec(b, child(), "/bin/sh");
    Hdr ctor;
    ctor.type = KTR_PROCCTOR;
    header(b, ctor, 4);
    append(b, uint32_t(0x1234));
    Hdr dtor;
    dtor.type = KTR_PROCDTOR;
    header(b, dtor, 0);
    ktr::Options o;
    o.points = ktr::getpoints("n");
    CHECK(dump(b, o).text == "    43 forkdemo NAMI  \"/bin/sh\"\n");
    o = {};
    o.pid = 43;
    CHECK(dump(b, o).text == "    43 forkdemo RET   fork 0\n"
                             "    43 forkdemo NAMI  \"/bin/sh\"\n");
    CHECK(dump(b).records == 6);
}

TEST_CASE("kdump: the command column: padded to 8, cut at 19, unprintables shown as ?")
{
    Bytes b;
    Hdr h;
    h.comm = "sh";
    syscall_rec(b, h, SYS_getpid, {});
    h.comm = "a_very_long_command_name";
    syscall_rec(b, h, SYS_getpid, {});
    // A comm with no NUL at all: the reader must not run past it.
    Hdr raw;
    raw.type = KTR_NAMEI;
    Bytes r;
    header(r, raw, 1);
    ktr_header* k = reinterpret_cast<ktr_header*>(r.data());
    memset(k->ktr_comm, '\a', sizeof k->ktr_comm);
    body(r, "x", 1);
    b.insert(b.end(), r.begin(), r.end());
    CHECK(dump(b).text == "    42 sh       CALL  getpid\n"
                          "    42 a_very_long_command CALL  getpid\n"
                          "    42 ??????????????????? NAMI  \"x\"\n");
}

TEST_CASE("kdump: a stream read a byte at a time prints the same")
{
    Bytes b = fork_trace();
    genio_rec(b, Hdr{}, 1, true, "hello\n");
    CHECK(dump(b, {}, 1).text == dump(b).text);
    CHECK(dump(b, {}, 7).records == 4);
}

TEST_CASE("kdump reader: an empty stream ends at once")
{
    const Dump d = dump(Bytes{});
    CHECK(d.error == "");
    CHECK(d.records == 0);
    CHECK(d.text == "");
}

TEST_CASE("kdump reader: hostile streams stop with a message naming the record")
{
    SUBCASE("a header cut short")
    {
        Bytes b = fork_trace();
        b.resize(b.size() + 10, 0);
        const Dump d = dump(b);
        CHECK(d.records == 3);
        CHECK(d.error == "record 4 at offset 232: truncated header: 10 of 64 bytes");
    }
    SUBCASE("a body cut short")
    {
        Bytes b = fork_trace();
        b.resize(b.size() - 3);
        const Dump d = dump(b);
        CHECK(d.records == 2);
        CHECK(d.error == "record 3 at offset 152: truncated KTR_SYSRET body: 13 of 16 bytes");
    }
    SUBCASE("a negative length")
    {
        Bytes b;
        header(b, Hdr{KTR_NAMEI}, -5);
        CHECK(dump(b).error == "record 1 at offset 0: negative length -5");
    }
    SUBCASE("a huge length is refused before any allocation")
    {
        Bytes b;
        header(b, Hdr{KTR_NAMEI}, 0x7fffffff);
        CHECK(dump(b).error ==
              "record 1 at offset 0: length 2147483647 is over the 1048576-byte limit");
    }
    SUBCASE("unknown types")
    {
        Bytes b;
        header(b, Hdr{99}, 0);
        CHECK(dump(b).error == "record 1 at offset 0: unknown record type 99");
        Bytes z;
        header(z, Hdr{0}, 0);
        CHECK(dump(z).error == "record 1 at offset 0: unknown record type 0");
    }
    SUBCASE("an unversioned or other-version header")
    {
        Hdr h{KTR_NAMEI};
        h.versioned = false;
        Bytes b;
        header(b, h, 0);
        CHECK(dump(b).error ==
              "record 1 at offset 0: not a versioned header (ktr_type 0x3): an old or foreign file");
        h = Hdr{KTR_NAMEI};
        h.version = 2;
        Bytes v;
        header(v, h, 0);
        CHECK(dump(v).error == "record 1 at offset 0: header version 2, not 1");
    }
    SUBCASE("bodies that do not fit their type")
    {
        Bytes b;
        header(b, Hdr{KTR_SYSRET}, 8);
        b.resize(b.size() + 8);
        CHECK(dump(b).error == "record 1 at offset 0: KTR_SYSRET body is 8 bytes, not 16");
        Bytes p;
        header(p, Hdr{KTR_PSIG}, 41);
        p.resize(p.size() + 41);
        CHECK(dump(p).error == "record 1 at offset 0: KTR_PSIG body is 41 bytes, not 40");
        Bytes g;
        header(g, Hdr{KTR_GENIO}, 4);
        g.resize(g.size() + 4);
        CHECK(dump(g).error == "record 1 at offset 0: KTR_GENIO body shorter than its 8-byte head");
    }
    SUBCASE("system call records with a wrong argument count")
    {
        for (int16_t narg : {int16_t(-1), int16_t(9), int16_t(0x7fff)}) {
            Bytes b;
            header(b, Hdr{KTR_SYSCALL}, 8);
            const int16_t head[4] = {SYS_write, narg, 0, 0};
            body(b, head, sizeof head);
            CAPTURE(narg);
            CHECK(dump(b).error == "record 1 at offset 0: KTR_SYSCALL ktr_narg " +
                                       std::to_string(narg) + " is not 0..8");
        }
        Bytes b;
        header(b, Hdr{KTR_SYSCALL}, 16);
        const int16_t head[4] = {SYS_write, 3, 0, 0};
        body(b, head, sizeof head);
        append(b, uint64_t(1));
        CHECK(dump(b).error ==
              "record 1 at offset 0: KTR_SYSCALL body is 16 bytes, 32 for 3 arguments");
        Bytes s;
        header(s, Hdr{KTR_SYSCALL}, 2);
        s.resize(s.size() + 2);
        CHECK(dump(s).error ==
              "record 1 at offset 0: KTR_SYSCALL body shorter than its 8-byte head");
    }
    SUBCASE("a read error")
    {
        const Dump d = dump(fork_trace(), {}, ~size_t(0), true);
        CHECK(d.records == 3);
        CHECK(d.error == std::string("record 4 at offset 232: read failed: ") + strerror(EIO));
    }
}

TEST_CASE("kdump reader: random bytes and mutated traces never crash it")
{
    std::mt19937 rng(19);
    const Bytes good = [] {
        Bytes b = fork_trace();
        genio_rec(b, Hdr{}, 1, true, "hello\n");
        psig_rec(b, Hdr{}, 20, 0x10a4, 1, 0);
        syscall_rec(b, Hdr{}, SYS_mmap, {0, 0x2000, 3, 0x1002, uint64_t(-1), 0});
        return b;
    }();
    int errors = 0, clean = 0;
    for (int round = 0; round < 3000; round++) {
        Bytes b = good;
        const int flips = 1 + int(rng() % 8);
        for (int i = 0; i < flips; i++) b[rng() % b.size()] = uint8_t(rng());
        if (round % 3 == 0) b.resize(rng() % (b.size() + 1));
        const Dump d = dump(b, {}, 1 + rng() % 100);
        (d.error.empty() ? clean : errors)++;
    }
    CHECK(errors > 0);
    CHECK(clean > 0);
}

TEST_CASE("kdump names: every number in abi/syscall.h has its FreeBSD name")
{
    std::ifstream in(SPRIG_SRCDATA "/../../abi/syscall.h");
    REQUIRE(in.good());
    int seen = 0;
    for (std::string line; std::getline(in, line);) {
        char name[64];
        int code;
        if (std::sscanf(line.c_str(), "inline constexpr int SYS_%63[A-Za-z0-9_] = %d", name, &code) != 2)
            continue;
        if (std::string(name) == "MAXSYSCALL") continue;
        CAPTURE(name);
        REQUIRE(ktr::syscall_name(code) != nullptr);
        CHECK(std::string(ktr::syscall_name(code)) == name);
        seen++;
    }
    CHECK(seen > 50);
    CHECK(ktr::syscall_count() == seen);
    CHECK(ktr::syscall_name(0) == nullptr);
    CHECK(ktr::syscall_name(SYS_MAXSYSCALL) == nullptr);
    CHECK(std::string(ktr::syscall_name(SYS___sysctl)) == "__sysctl");
}

TEST_CASE("ktrace -t letters")
{
    CHECK(ktr::getpoints("c") == (KTRFAC_SYSCALL | KTRFAC_SYSRET));
    CHECK(ktr::getpoints("cn") == (KTRFAC_SYSCALL | KTRFAC_SYSRET | KTRFAC_NAMEI));
    CHECK(ktr::getpoints("is") == (KTRFAC_GENIO | KTRFAC_PSIG));
    CHECK(ktr::getpoints("+") == ktr::DEF_POINTS);
    CHECK((ktr::DEF_POINTS & KTRFAC_CSW) == 0);
    CHECK(ktr::getpoints("a") == ktr::ALL_POINTS);
    CHECK((ktr::getpoints("w") & KTRFAC_CSW) != 0);
    CHECK(ktr::getpoints("") == -1);
    CHECK(ktr::getpoints(nullptr) == -1);
    CHECK(ktr::getpoints("cx") == -1);
    CHECK(ktr::getpoints("C") == -1);
}
