// The C string functions the compiler may call on its own (memcpy, memset
// for struct copies and clears) and the few the kernel uses.  The host
// tests use the C library's instead.
//
// GCC turns byte loops into calls to these very functions unless told not
// to: hence the attribute.
#include <stddef.h>
#include <stdint.h>

#define NO_LOOP_CALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))

extern "C" {

NO_LOOP_CALLS void* memcpy(void* dst, const void* src, size_t n)
{
    auto* d = static_cast<unsigned char*>(dst);
    auto* s = static_cast<const unsigned char*>(src);
    // Word copies when both are aligned alike: U74 traps misaligned access.
    if (((reinterpret_cast<uintptr_t>(d) | reinterpret_cast<uintptr_t>(s)) & 7) == 0) {
        // Eight words a turn: the loop's own counting is paid once per
        // 64 bytes (structures of kilobytes are copied at fork).
        for (; n >= 64; n -= 64, d += 64, s += 64) {
            auto* dw = reinterpret_cast<uint64_t*>(d);
            auto* sw = reinterpret_cast<const uint64_t*>(s);
            const uint64_t w0 = sw[0], w1 = sw[1], w2 = sw[2], w3 = sw[3];
            const uint64_t w4 = sw[4], w5 = sw[5], w6 = sw[6], w7 = sw[7];
            dw[0] = w0, dw[1] = w1, dw[2] = w2, dw[3] = w3;
            dw[4] = w4, dw[5] = w5, dw[6] = w6, dw[7] = w7;
        }
        for (; n >= 8; n -= 8, d += 8, s += 8)
            *reinterpret_cast<uint64_t*>(d) = *reinterpret_cast<const uint64_t*>(s);
    }
    while (n--) *d++ = *s++;
    return dst;
}

NO_LOOP_CALLS void* memmove(void* dst, const void* src, size_t n)
{
    auto* d = static_cast<unsigned char*>(dst);
    auto* s = static_cast<const unsigned char*>(src);
    if (d <= s || d >= s + n) return memcpy(dst, src, n);
    while (n--) d[n] = s[n];
    return dst;
}

NO_LOOP_CALLS void* memset(void* dst, int c, size_t n)
{
    auto* d = static_cast<unsigned char*>(dst);
    if ((reinterpret_cast<uintptr_t>(d) & 7) == 0) {
        uint64_t w = static_cast<unsigned char>(c) * 0x0101010101010101ull;
        for (; n >= 64; n -= 64, d += 64) {
            auto* dw = reinterpret_cast<uint64_t*>(d);
            dw[0] = w, dw[1] = w, dw[2] = w, dw[3] = w, dw[4] = w, dw[5] = w, dw[6] = w, dw[7] = w;
        }
        for (; n >= 8; n -= 8, d += 8) *reinterpret_cast<uint64_t*>(d) = w;
    }
    while (n--) *d++ = static_cast<unsigned char>(c);
    return dst;
}

int memcmp(const void* a, const void* b, size_t n)
{
    auto* p = static_cast<const unsigned char*>(a);
    auto* q = static_cast<const unsigned char*>(b);
    for (; n; n--, p++, q++)
        if (*p != *q) return *p - *q;
    return 0;
}

NO_LOOP_CALLS size_t strlen(const char* s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

size_t strnlen(const char* s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n]) n++;
    return n;
}

int strcmp(const char* a, const char* b)
{
    for (; *a && *a == *b; a++, b++) {}
    return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
}

int strncmp(const char* a, const char* b, size_t n)
{
    for (; n && *a && *a == *b; n--, a++, b++) {}
    return n ? static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b) : 0;
}

// Pads with NULs, and leaves dst unterminated when src is n long or more:
// callers copy at most sizeof - 1 into zeroed buffers.
NO_LOOP_CALLS char* strncpy(char* dst, const char* src, size_t n)
{
    size_t i = 0;
    for (; i < n && src[i]; i++) dst[i] = src[i];
    for (; i < n; i++) dst[i] = '\0';
    return dst;
}

char* strchr(const char* s, int c)
{
    for (;; s++) {
        if (*s == static_cast<char>(c)) return const_cast<char*>(s);
        if (!*s) return nullptr;
    }
}

} // extern "C"
