#include <kernel/fs/cpio.h>

#include <string.h>

namespace {

constexpr size_t HEADER = 110;
constexpr size_t FIELD = 8;
// Field order after the 6-byte magic.
enum Field : unsigned { Ino, Mode, Uid, Gid, Nlink, Mtime, Filesize, DevMaj, DevMin, RdevMaj, RdevMin, Namesize, Check };

bool hex_field(const uint8_t* p, uint32_t* out)
{
    uint32_t v = 0;
    for (size_t i = 0; i < FIELD; i++) {
        const uint8_t c = p[i];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return false;
        v = v << 4 | d;
    }
    *out = v;
    return true;
}

constexpr size_t align4(size_t n) { return (n + 3) & ~size_t{3}; }

} // namespace

const char* cpio_skip_prefix(const char* name)
{
    if (name[0] == '.' && name[1] == '/') name += 2;
    while (*name == '/') name++;
    return name;
}

Result<bool> CpioReader::next(CpioEntry* e)
{
    if (error_ != Errno::Ok) return error_;
    if (done_) return false;
    error_ = Errno::Inval; // until the member proves sound
    if (len_ - pos_ < HEADER) return error_;
    const uint8_t* h = base_ + pos_;
    if (memcmp(h, "07070", 5) != 0 || (h[5] != '1' && h[5] != '2')) return error_;
    uint32_t f[13];
    for (unsigned i = 0; i < 13; i++)
        if (!hex_field(h + 6 + i * FIELD, &f[i])) return error_;
    const size_t namesize = f[Namesize], filesize = f[Filesize];
    if (namesize == 0 || namesize > len_ - pos_ - HEADER) return error_;
    const char* name = reinterpret_cast<const char*>(h + HEADER);
    if (strnlen(name, namesize) != namesize - 1) return error_; // one NUL, at the end
    const size_t data_at = align4(pos_ + HEADER + namesize);
    if (data_at > len_ || filesize > len_ - data_at) return error_;
    error_ = Errno::Ok;
    if (strcmp(name, "TRAILER!!!") == 0) {
        done_ = true;
        return false;
    }
    *e = {name, f[Mode], f[Uid], f[Gid], base_ + data_at, filesize};
    pos_ = align4(data_at + filesize);
    if (pos_ > len_) pos_ = len_; // a last member without padding
    return true;
}

Result<CpioEntry> cpio_find(const void* base, size_t len, const char* path)
{
    const char* want = cpio_skip_prefix(path);
    CpioReader r(base, len);
    CpioEntry e;
    while (TRY(r.next(&e)))
        if (strcmp(cpio_skip_prefix(e.name), want) == 0) return e;
    return Errno::NoEnt;
}
