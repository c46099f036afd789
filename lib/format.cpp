#include <lib/format.h>

#include <stdint.h>

namespace {

struct Out {
    FormatSink sink;
    void* ctx;
    int count = 0;
    void put(char c)
    {
        sink(ctx, c);
        count++;
    }
    void pad(int n, char c)
    {
        while (n-- > 0) put(c);
    }
};

struct Spec {
    bool left = false;
    bool zero = false;
    bool alt = false; // '#': 0x before hex
    int width = 0;
    int length = 0; // 0 int, 1 long, 2 long long, -1 short, -2 char
    bool size_t_len = false;
};

int digits_of(uint64_t v, unsigned base, bool upper, char* buf)
{
    const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    do {
        buf[n++] = set[v % base];
        v /= base;
    } while (v);
    return n; // reversed
}

void put_number(Out& out, const Spec& spec, uint64_t mag, bool negative, unsigned base,
                bool upper, const char* prefix)
{
    char buf[24];
    int n = digits_of(mag, base, upper, buf);
    int plen = 0;
    while (prefix[plen]) plen++;
    int len = n + plen + (negative ? 1 : 0);
    int fill = spec.width > len ? spec.width - len : 0;
    if (!spec.left && !spec.zero) out.pad(fill, ' ');
    if (negative) out.put('-');
    for (int i = 0; i < plen; i++) out.put(prefix[i]);
    if (!spec.left && spec.zero) out.pad(fill, '0');
    while (n > 0) out.put(buf[--n]);
    if (spec.left) out.pad(fill, ' ');
}

void put_string(Out& out, const Spec& spec, const char* s)
{
    if (!s) s = "(null)";
    int len = 0;
    while (s[len]) len++;
    int fill = spec.width > len ? spec.width - len : 0;
    if (!spec.left) out.pad(fill, ' ');
    for (int i = 0; i < len; i++) out.put(s[i]);
    if (spec.left) out.pad(fill, ' ');
}

uint64_t fetch_unsigned(const Spec& spec, va_list& ap)
{
    if (spec.size_t_len) return va_arg(ap, size_t);
    switch (spec.length) {
    case 2: return va_arg(ap, unsigned long long);
    case 1: return va_arg(ap, unsigned long);
    case -1: return static_cast<unsigned short>(va_arg(ap, unsigned));
    case -2: return static_cast<unsigned char>(va_arg(ap, unsigned));
    default: return va_arg(ap, unsigned);
    }
}

int64_t fetch_signed(const Spec& spec, va_list& ap)
{
    if (spec.size_t_len) return va_arg(ap, long);
    switch (spec.length) {
    case 2: return va_arg(ap, long long);
    case 1: return va_arg(ap, long);
    case -1: return static_cast<short>(va_arg(ap, int));
    case -2: return static_cast<signed char>(va_arg(ap, int));
    default: return va_arg(ap, int);
    }
}

// Parses flags, width and length after a '%'; returns the conversion char.
const char* parse_spec(const char* p, Spec& spec, va_list& ap)
{
    for (;; p++) {
        if (*p == '-') spec.left = true;
        else if (*p == '0') spec.zero = true;
        else if (*p == '#') spec.alt = true;
        else break;
    }
    if (*p == '*') {
        spec.width = va_arg(ap, int);
        if (spec.width < 0) {
            spec.left = true;
            spec.width = -spec.width;
        }
        p++;
    }
    while (*p >= '0' && *p <= '9') spec.width = spec.width * 10 + (*p++ - '0');
    for (;; p++) {
        if (*p == 'l') spec.length = spec.length >= 1 ? 2 : 1;
        else if (*p == 'h') spec.length = spec.length <= -1 ? -2 : -1;
        else if (*p == 'z' || *p == 't' || *p == 'j') spec.size_t_len = true;
        else break;
    }
    return p;
}

void convert(Out& out, Spec& spec, char conv, va_list& ap)
{
    switch (conv) {
    case 'd':
    case 'i': {
        int64_t v = fetch_signed(spec, ap);
        uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
        put_number(out, spec, mag, v < 0, 10, false, "");
        break;
    }
    case 'u': put_number(out, spec, fetch_unsigned(spec, ap), false, 10, false, ""); break;
    case 'x':
        put_number(out, spec, fetch_unsigned(spec, ap), false, 16, false, spec.alt ? "0x" : "");
        break;
    case 'X': put_number(out, spec, fetch_unsigned(spec, ap), false, 16, true, ""); break;
    case 'o': put_number(out, spec, fetch_unsigned(spec, ap), false, 8, false, ""); break;
    case 'p':
        put_number(out, spec, reinterpret_cast<uintptr_t>(va_arg(ap, void*)), false, 16, false,
                   "0x");
        break;
    case 's': put_string(out, spec, va_arg(ap, const char*)); break;
    case 'c': out.put(static_cast<char>(va_arg(ap, int))); break;
    case '%': out.put('%'); break;
    default: // unknown conversion: show it rather than guess
        out.put('%');
        out.put(conv);
        break;
    }
}

} // namespace

int vformat(FormatSink sink, void* ctx, const char* fmt, va_list ap)
{
    Out out{sink, ctx};
    va_list args;
    va_copy(args, ap);
    for (const char* p = fmt; *p; p++) {
        if (*p != '%') {
            out.put(*p);
            continue;
        }
        Spec spec;
        p = parse_spec(p + 1, spec, args);
        if (!*p) break;
        convert(out, spec, *p, args);
    }
    va_end(args);
    return out.count;
}

namespace {
struct Buffer {
    char* buf;
    size_t cap;
    size_t len;
};
void buffer_sink(void* ctx, char c)
{
    auto* b = static_cast<Buffer*>(ctx);
    if (b->len + 1 < b->cap) b->buf[b->len] = c;
    b->len++;
}
} // namespace

int vsnformat(char* buf, size_t n, const char* fmt, va_list ap)
{
    Buffer b{buf, n, 0};
    int count = vformat(buffer_sink, &b, fmt, ap);
    if (n > 0) buf[b.len < n ? b.len : n - 1] = '\0';
    return count;
}

int snformat(char* buf, size_t n, const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int count = vsnformat(buf, n, fmt, ap);
    va_end(ap);
    return count;
}
