// The trace file reader: see ktrace_reader.h.
#include "ktrace_reader.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

namespace ktr {

namespace {

constexpr const char* kTypeNames[] = {
    nullptr,         "KTR_SYSCALL", "KTR_SYSRET",  "KTR_NAMEI",    "KTR_GENIO",
    "KTR_PSIG",      "KTR_CSW",     "KTR_USER",    "KTR_STRUCT",   "KTR_SYSCTL",
    "KTR_PROCCTOR",  "KTR_PROCDTOR", "KTR_CAPFAIL", "KTR_FAULT",   "KTR_FAULTEND",
    "KTR_STRUCT_ARRAY",
};
static_assert(sizeof(kTypeNames) / sizeof(kTypeNames[0]) == KTR_STRUCT_ARRAY + 1);

// ktr_narg of a KTR_SYSCALL body at least 4 bytes long.
int16_t syscall_narg(const uint8_t* body)
{
    int16_t narg;
    memcpy(&narg, body + offsetof(ktr_syscall, ktr_narg), sizeof narg);
    return narg;
}

const char* check_syscall(const uint8_t* body, size_t len)
{
    static char why[96];
    if (len < offsetof(ktr_syscall, ktr_args)) return "KTR_SYSCALL body shorter than its 8-byte head";
    const int narg = syscall_narg(body);
    if (narg < 0 || narg > kMaxSyscallArgs) {
        snprintf(why, sizeof why, "KTR_SYSCALL ktr_narg %d is not 0..%d", narg, kMaxSyscallArgs);
        return why;
    }
    const size_t want = offsetof(ktr_syscall, ktr_args) + size_t(narg) * sizeof(uint64_t);
    if (len != want) {
        snprintf(why, sizeof why, "KTR_SYSCALL body is %zu bytes, %zu for %d arguments", len,
                 want, narg);
        return why;
    }
    return nullptr;
}

// A body of exactly `want` bytes.
const char* check_exact(const char* name, size_t len, size_t want)
{
    static char why[96];
    if (len == want) return nullptr;
    snprintf(why, sizeof why, "%s body is %zu bytes, not %zu", name, len, want);
    return why;
}

} // namespace

const char* type_name(int type)
{
    if (type <= 0 || type > KTR_STRUCT_ARRAY) return nullptr;
    return kTypeNames[type];
}

const char* check_body(int type, const uint8_t* body, size_t len)
{
    switch (type) {
    case KTR_SYSCALL:
        return check_syscall(body, len);
    case KTR_SYSRET:
        return check_exact("KTR_SYSRET", len, sizeof(ktr_sysret));
    case KTR_GENIO:
        return len < sizeof(ktr_genio) ? "KTR_GENIO body shorter than its 8-byte head" : nullptr;
    case KTR_PSIG:
        return check_exact("KTR_PSIG", len, sizeof(ktr_psig));
    default:
        // NAMEI and SYSCTL are bare strings; the others kdump shows only
        // by type and length, so any length will do.
        return type_name(type) ? nullptr : "unknown record type";
    }
}

Reader::~Reader() { free(buf_); }

Status Reader::fail(const char* fmt, ...)
{
    char why[112];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    snprintf(msg_, sizeof msg_, "record %u at offset %llu: %s", index_,
             static_cast<unsigned long long>(offset_), why);
    failed_ = true;
    return Status::Error;
}

// Reads until n bytes or the end (a pipe hands over a record in pieces).
size_t Reader::read_full(void* buf, size_t n, bool* failed)
{
    size_t got = 0;
    *failed = false;
    while (got < n) {
        const long r = src_.read(src_.ctx, static_cast<uint8_t*>(buf) + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            *failed = true;
            break;
        }
        if (r == 0) break;
        got += size_t(r);
    }
    return got;
}

bool Reader::grow(size_t n)
{
    if (n <= cap_) return true;
    size_t cap = cap_ ? cap_ : 1024;
    while (cap < n) cap *= 2;
    void* p = realloc(buf_, cap);
    if (!p) return false;
    buf_ = static_cast<uint8_t*>(p);
    cap_ = cap;
    return true;
}

Status Reader::next(Record* out)
{
    if (failed_) return Status::Error;
    index_++;
    bool bad;
    ktr_header& h = out->hdr;
    const size_t got = read_full(&h, sizeof h, &bad);
    if (bad) return fail("read failed: %s", strerror(errno));
    if (got == 0) return Status::End;
    if (got < sizeof h) return fail("truncated header: %zu of %zu bytes", got, sizeof h);
    if (!(h.ktr_type & KTR_VERSIONED))
        return fail("not a versioned header (ktr_type %#x): an old or foreign file",
                    unsigned(uint16_t(h.ktr_type)));
    if (h.ktr_version != KTR_VERSION1)
        return fail("header version %d, not %d", h.ktr_version, KTR_VERSION1);
    if (h.ktr_len < 0) return fail("negative length %d", h.ktr_len);
    if (h.ktr_len > kMaxRecordLen)
        return fail("length %d is over the %d-byte limit", h.ktr_len, kMaxRecordLen);
    out->type = h.ktr_type & ~KTR_TYPE;
    out->dropped = (h.ktr_type & KTR_DROP) != 0;
    if (!type_name(out->type)) return fail("unknown record type %d", out->type);
    h.ktr_comm[KTR_MAXCOMLEN] = '\0';
    const size_t len = size_t(h.ktr_len);
    if (!grow(len + 1)) return fail("no memory for a %zu-byte body", len);
    const size_t body = read_full(buf_, len, &bad);
    if (bad) return fail("read failed: %s", strerror(errno));
    if (body < len) return fail("truncated %s body: %zu of %zu bytes", type_name(out->type), body, len);
    if (const char* why = check_body(out->type, buf_, len)) return fail("%s", why);
    out->body = buf_;
    out->len = len;
    offset_ += sizeof h + len;
    return Status::Record;
}

} // namespace ktr
