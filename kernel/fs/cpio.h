// The initrd's format: a cpio archive in the "newc" layout (magic 070701,
// or 070702 with checksums), as Linux's initramfs and Debian's tools write
// it.  Each member is a 110-byte header of hexadecimal fields, the name
// (NUL included) padded to a multiple of 4, then the data padded to 4;
// the member "TRAILER!!!" ends the archive.  Member data is therefore only
// 4-byte aligned: programs are copied into pages, never mapped in place.
//
// The reader trusts nothing: a bad magic, a field that is not hex, a name
// without its NUL or a size running past the archive is Inval, and no
// byte outside [base, base + len) is ever read.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <lib/result.h>

struct CpioEntry {
    const char* name;    // NUL-terminated, inside the archive
    uint32_t mode;       // type and permission bits (S_IFREG 0100000 ...)
    uint32_t uid, gid;   // owner and group
    const uint8_t* data; // inside the archive
    size_t size;
};

class CpioReader {
public:
    CpioReader(const void* base, size_t len)
        : base_(static_cast<const uint8_t*>(base)), len_(len) {}

    // The next member: true and *e filled, false at the trailer, or Inval.
    // After false or an error, every later call returns the same.
    Result<bool> next(CpioEntry* e);

private:
    const uint8_t* base_;
    size_t len_;
    size_t pos_ = 0;
    bool done_ = false;
    Errno error_ = Errno::Ok;
};

// The member called `path` ("bin/init" or "/bin/init": a leading slash is
// ignored, as is a leading "./" in the archive).  NoEnt when absent, Inval
// for a malformed archive.
Result<CpioEntry> cpio_find(const void* base, size_t len, const char* path);
// name without a leading "./" or slashes: how members are compared.
const char* cpio_skip_prefix(const char* name);
