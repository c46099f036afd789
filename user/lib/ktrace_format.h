// kdump's text for each record, in FreeBSD's kdump(1) format:
//
//     PID COMMAND  CALL  fork
//     PID COMMAND  RET   fork 42/0x2a
//     PID COMMAND  RET   open -1 errno 2 No such file or directory
//     PID COMMAND  NAMI  "/bin/forkdemo"
//     PID COMMAND  GIO   fd 1 wrote 6 bytes
//            "hello
//            "
//     PID COMMAND  PSIG  SIGCHLD caught handler=0x10a4 mask=0x0 code=CLD_EXITED
//
// Pure: the text goes to a write callback, so the host tests check it.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ktrace_points.h"
#include "ktrace_reader.h"

namespace ktr {

enum class Timestamps { None, Absolute, Relative, Elapsed }; // -T, -R, -E

struct Options {
    bool threads = false;  // -H: a thread id column after the pid
    bool fancy = true;     // -n turns off decoding (names of flags, errno texts)
    bool decimal = false;  // -d: arguments and returns in decimal
    bool suppress_data = false; // -s: no GIO data
    Timestamps time = Timestamps::None;
    int points = ALL_POINTS; // -t: the record types to show
    int32_t pid = 0;         // -p: only this process (or thread); 0 for all
    long maxdata = 0;        // -m: at most this much GIO data per record (0: all)
};

struct Sink {
    void (*write)(void* ctx, const char* s, size_t n);
    void* ctx;
};

class Formatter {
public:
    Formatter(const Options& o, Sink out) : o_(o), out_(out) {}
    void record(const Record& r);

private:
    void print(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
    void put(const char* s, size_t n) { out_.write(out_.ctx, s, n); }
    void put(char c) { put(&c, 1); }
    void prefix(const ktr_header& h);
    void header(const Record& r, const char* tag);
    void timestamp(const ktr_header& h);
    void number(uint64_t v);
    void arg(int kind, uint64_t v);
    void syscall(const Record& r);
    void sysret(const Record& r);
    void string(const uint8_t* s, size_t n);
    void genio(const Record& r);
    void visdump(const uint8_t* p, size_t n);
    void hexdump(const uint8_t* p, size_t n);
    void psig(const Record& r);
    void mask(uint64_t v, const struct Flag* flags, size_t nflags);

    Options o_;
    Sink out_;
    bool drop_logged_ = false;
    bool have_prev_ = false;
    ktimespec prev_{};
};

} // namespace ktr
