// ktracetest's trace reader: see ktracetest_records.h.
#include "ktracetest_records.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <user/lib/ktrace_reader.h>

namespace kt {

namespace {

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

} // namespace

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
