// A trace file's records, one at a time (FreeBSD's ktr_header followed
// by ktr_len bytes of body), for kdump and truss.  Pure: the bytes come
// through a read callback, so the host tests feed it well-formed and
// hostile streams.  Anything malformed (a truncated header or body, a
// length that is negative or huge, an unknown type, a body whose size
// does not fit its type) stops the reader with a message naming the
// record and its offset; it never reads past what it was given.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <abi/ktrace.h>

namespace ktr {

// No record the kernel writes comes near this (GENIO is bounded to a
// page); a larger ktr_len is garbage, not a reason to allocate.
inline constexpr int32_t kMaxRecordLen = 1 << 20;
// FreeBSD's system calls take at most 8 register arguments.
inline constexpr int kMaxSyscallArgs = 8;

// Where the bytes come from: read up to n bytes into buf, return how
// many (0 at the end), or -1 with errno set.
struct Source {
    long (*read)(void* ctx, void* buf, size_t n);
    void* ctx;
};

struct Record {
    ktr_header hdr;      // as read (ktr_comm NUL-terminated by the reader)
    int type;            // ktr_type without KTR_DROP and KTR_VERSIONED
    bool dropped;        // KTR_DROP: records were lost before this one
    const uint8_t* body; // ktr_len bytes, valid until the next call
    size_t len;
};

enum class Status { Record, End, Error };

class Reader {
public:
    explicit Reader(Source src) : src_(src) {}
    ~Reader();
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    // The next record, End after the last whole one, or Error (then
    // error() says why, and every later call is Error too).
    Status next(Record* out);
    const char* error() const { return msg_; }

private:
    size_t read_full(void* buf, size_t n, bool* failed);
    Status fail(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
    bool grow(size_t n);

    Source src_;
    uint8_t* buf_ = nullptr;
    size_t cap_ = 0;
    uint64_t offset_ = 0; // of the record being read
    unsigned index_ = 0;  // its number, from 1
    bool failed_ = false;
    char msg_[160] = "";
};

// Why a body of len bytes cannot be a record of this type (nullptr if it
// can); type is without the flag bits.
const char* check_body(int type, const uint8_t* body, size_t len);

// The record type's name as FreeBSD's headers spell it ("KTR_SYSCALL"),
// nullptr for a type FreeBSD does not define.
const char* type_name(int type);

} // namespace ktr
