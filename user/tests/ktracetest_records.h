// ktracetest's view of a trace file, read with kdump's reader
// (user/lib/ktrace_reader.h) in a file of its own: the reader's
// abi/ktrace.h brings abi/signal.h into the global namespace, which a
// file that includes <signal.h> cannot have.
#pragma once

#include <stdint.h>

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

// Reads the trace file at path into *t; false if it could not be opened.
bool read_trace(const char* path, Trace* t);
// The same from a descriptor (a pipe), until its end.
void read_trace_fd(int fd, Trace* t);

} // namespace kt
