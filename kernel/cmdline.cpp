#include <kernel/cmdline.h>

#include <string.h>

namespace {

constexpr size_t NO_VALUE = ~size_t{0};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The digit's value in base, or -1 when it is not one.
int digit_value(char c, unsigned base)
{
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    return d >= 0 && static_cast<unsigned>(d) < base ? d : -1;
}

} // namespace

Result<uint64_t> parse_u64(const char* s)
{
    if (!s || !*s) return Errno::Inval;
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        if (!*s) return Errno::Inval;
    }
    // Scan to the end even after an overflow, so "99...9z" is malformed
    // rather than out of range.
    uint64_t v = 0;
    bool overflow = false;
    for (; *s; s++) {
        int d = digit_value(*s, base);
        if (d < 0) return Errno::Inval;
        if (v > (UINT64_MAX - static_cast<uint64_t>(d)) / base) overflow = true;
        v = v * base + static_cast<uint64_t>(d);
    }
    if (overflow) return Errno::Range;
    return v;
}

Result<void> CmdLine::fail(Errno e, const char* why)
{
    error_ = why;
    return e;
}

Result<void> CmdLine::parse(const char* line)
{
    count_ = 0;
    used_ = 0;
    error_ = nullptr;
    if (!line) return {};
    const char* p = line;
    for (;;) {
        while (is_blank(*p)) p++;
        if (!*p) return {};
        TRY(take_word(&p));
    }
}

Result<void> CmdLine::take_word(const char** pos)
{
    if (count_ == MAX_WORDS)
        return fail(Errno::TooBig, "command line: too many words, kept the first 64");
    static_assert(MAX_WORDS == 64, "the message above names MAX_WORDS");

    const char* p = *pos;
    size_t out = used_;
    size_t value = NO_VALUE; // where the value starts in text_
    bool quoted = false;
    for (; *p && (quoted || !is_blank(*p)); p++) {
        char c = *p;
        if (c == '"') {
            quoted = !quoted;
            continue;
        }
        if (c == '=' && !quoted && value == NO_VALUE) {
            c = '\0';
            value = out + 1;
        }
        // Keep one byte for the word's closing NUL.
        if (out + 1 >= MAX_TEXT) {
            *pos = p;
            return fail(Errno::TooBig, "command line: too long, kept the words before the cut");
        }
        text_[out++] = c;
    }
    *pos = p;
    if (quoted) return fail(Errno::Inval, "command line: unterminated quote, dropped the last word");
    size_t key_end = value == NO_VALUE ? out : value - 1;
    if (key_end == used_)
        return fail(Errno::Inval, "command line: a word with an empty key, dropped it and the rest");
    text_[out++] = '\0';

    entries_[count_++] = {&text_[used_], value == NO_VALUE ? nullptr : &text_[value]};
    used_ = out;
    return {};
}

const CmdLine::Entry& CmdLine::operator[](size_t i) const
{
    KASSERT(i < count_, "entry %zu of %zu", i, count_);
    return entries_[i];
}

const CmdLine::Entry* CmdLine::find(const char* name) const
{
    if (!name) return nullptr;
    for (size_t i = count_; i-- > 0;)
        if (strcmp(entries_[i].key, name) == 0) return &entries_[i];
    return nullptr;
}

const char* CmdLine::get(const char* key) const
{
    const Entry* e = find(key);
    return e ? e->value : nullptr;
}

bool CmdLine::has(const char* name) const { return find(name) != nullptr; }

Result<uint64_t> CmdLine::get_u64(const char* key) const
{
    const char* v = get(key);
    if (!v) return Errno::NoEnt;
    return parse_u64(v);
}

CmdLine& kernel_cmdline()
{
    static CmdLine cmdline;
    return cmdline;
}
