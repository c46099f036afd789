#include "expand.h"

#include <stdlib.h>
#include <string.h>

#include "parse.h"

namespace sh {

Fields::~Fields() { clear(); }

void Fields::clear()
{
    for (int i = 0; i < n; i++) free(v[i]);
    free(v);
    v = nullptr;
    n = cap = 0;
}

bool Fields::push(const char* s, size_t len)
{
    if (n + 2 > cap) {
        const int ncap = cap ? cap * 2 : 8;
        char** nv = static_cast<char**>(realloc(v, sizeof(char*) * static_cast<size_t>(ncap)));
        if (!nv) return false;
        v = nv;
        cap = ncap;
    }
    char* d = static_cast<char*>(malloc(len + 1));
    if (!d) return false;
    memcpy(d, s, len);
    d[len] = '\0';
    v[n++] = d;
    v[n] = nullptr;
    return true;
}

namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }
bool name_char(char c, bool first)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
}

// The field being built.
class Builder {
public:
    Builder(Fields* out, bool split) : out_(out), split_(split) {}
    ~Builder() { free(buf_); }
    Builder(const Builder&) = delete;
    Builder& operator=(const Builder&) = delete;

    bool add(char c)
    {
        if (len_ + 1 >= cap_) {
            const size_t ncap = cap_ ? cap_ * 2 : 64;
            char* nb = static_cast<char*>(realloc(buf_, ncap));
            if (!nb) return false;
            buf_ = nb;
            cap_ = ncap;
        }
        buf_[len_++] = c;
        started_ = true;
        return true;
    }
    void start() { started_ = true; } // a quoted empty string is still a field
    // An expansion's value: split at blanks unless quoted.
    bool value(const char* s, bool quoted)
    {
        for (; s && *s; s++) {
            if (split_ && !quoted && blank(*s)) {
                if (!end_field()) return false;
            } else if (!add(*s)) {
                return false;
            }
        }
        return true;
    }
    bool end_field()
    {
        if (!started_) return true;
        const bool ok = out_->push(buf_ ? buf_ : "", len_);
        len_ = 0;
        started_ = false;
        return ok;
    }

private:
    Fields* out_;
    bool split_;
    char* buf_ = nullptr;
    size_t len_ = 0, cap_ = 0;
    bool started_ = false;
};

// A parameter at p (just after '$'): its value into b; *p moved past it.
bool parameter(const char*& p, Lookup lookup, void* ctx, Builder& b, bool quoted)
{
    const char* name = p;
    size_t len = 0;
    if (*p == '{') {
        const char* close = strchr(p, '}');
        if (!close) return b.add('$'); // "${" unclosed: literal
        name = p + 1;
        len = static_cast<size_t>(close - name);
        p = close + 1;
    } else if (*p == '?' || *p == '$' || *p == '#' || (*p >= '0' && *p <= '9')) {
        len = 1;
        p++;
    } else if (name_char(*p, true)) {
        while (name_char(p[len], len == 0)) len++;
        p += len;
    } else {
        return b.add('$'); // a lone '$' stays
    }
    return b.value(lookup(ctx, name, len), quoted);
}

bool expand(const char* raw, Lookup lookup, void* ctx, Builder& b)
{
    for (const char* p = raw; *p;) {
        const char c = *p++;
        if (c == '\\') {
            if (*p && !b.add(*p++)) return false;
            b.start();
        } else if (c == '\'') {
            b.start();
            while (*p && *p != '\'')
                if (!b.add(*p++)) return false;
            if (*p) p++;
        } else if (c == '"') {
            b.start();
            while (*p && *p != '"') {
                if (*p == '\\' && p[1] && strchr("$`\"\\\n", p[1])) {
                    if (!b.add(p[1])) return false;
                    p += 2;
                } else if (*p == '$') {
                    p++;
                    if (!parameter(p, lookup, ctx, b, true)) return false;
                } else if (!b.add(*p++)) {
                    return false;
                }
            }
            if (*p) p++;
        } else if (c == '$') {
            if (!parameter(p, lookup, ctx, b, false)) return false;
        } else if (!b.add(c)) {
            return false;
        }
    }
    return b.end_field();
}

} // namespace

bool expand_word(const char* raw, Lookup lookup, void* ctx, Fields* out)
{
    Builder b(out, true);
    return expand(raw, lookup, ctx, b);
}

char* expand_one(const char* raw, Lookup lookup, void* ctx)
{
    Fields f;
    Builder b(&f, false);
    if (!expand(raw, lookup, ctx, b)) return nullptr;
    if (f.n == 0) return static_cast<char*>(calloc(1, 1));
    char* s = f.v[0];
    f.v[0] = nullptr;
    f.n = 0; // the field is the caller's now
    free(f.v);
    f.v = nullptr;
    return s;
}

} // namespace sh
