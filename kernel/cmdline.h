// The kernel command line (/chosen/bootargs): words separated by blanks,
// each `key=value` or a bare `flag`, e.g.
//     console=ttyS0 init="/bin/sh -x" kern.maxproc=40 selftest debug
//
// Rules, decided here:
// - Blanks are space, tab, CR and LF.  A double quote anywhere in a word
//   starts or ends a quoted stretch, in which blanks and '=' are ordinary
//   characters; the quotes themselves are removed.  There are no escapes.
// - The first '=' outside quotes splits key from value.  `key=` and
//   `key=""` have the empty value; a bare `flag` has no value (nullptr).
// - A key named more than once: the last word naming it decides, for
//   get() and has() alike ("debug=1 debug" leaves debug a bare flag).
// - has(name) is true when the name appears at all, bare or with a value:
//   it asks "was it mentioned", get() asks "with what value".
//
// The parser copies the words into its own fixed buffer (no allocation),
// so the original string need not outlive it.  On an error parse() keeps
// every word before the offending one (for too many words: the first
// MAX_WORDS) and drops the rest; error() then names the problem.  The boot
// code prints that and carries on with what was kept: a typo on the
// command line should not stop the machine.
#pragma once

#include <lib/result.h>
#include <stddef.h>
#include <stdint.h>

class CmdLine {
public:
    // Characters of text kept at most, one NUL per word included: any line
    // shorter than this fits.
    static constexpr size_t MAX_TEXT = 1024;
    static constexpr size_t MAX_WORDS = 64;

    struct Entry {
        const char* key;   // never null, never empty
        const char* value; // null for a bare flag
    };

    CmdLine() = default;
    CmdLine(const CmdLine&) = delete;
    CmdLine& operator=(const CmdLine&) = delete;

    // Replaces the table with the words of line (null or empty: none).
    // Errors: Errno::TooBig, the text does not fit in MAX_TEXT or there
    // are more than MAX_WORDS words; Errno::Inval, a word with an empty key
    // ("=x") or an unterminated quote.
    Result<void> parse(const char* line);
    // What went wrong in the last parse(), or null when nothing did.
    const char* error() const { return error_; }

    // The value of key; null when key is absent or a bare flag.
    const char* get(const char* key) const;
    // Whether the name appears, bare or as a key.
    bool has(const char* name) const;
    // The value of key as a number: decimal, or hexadecimal after 0x/0X,
    // no sign, no suffix.  Errno::NoEnt: key absent or bare; Errno::Inval:
    // empty or malformed; Errno::Range: above UINT64_MAX.
    Result<uint64_t> get_u64(const char* key) const;

    // Every word in command-line order, duplicates included.
    size_t size() const { return count_; }
    const Entry& operator[](size_t i) const;
    const Entry* begin() const { return entries_; }
    const Entry* end() const { return entries_ + count_; }

private:
    // The last entry whose key is name, or null.
    const Entry* find(const char* name) const;
    // Copies one word starting at *pos into the text buffer and the table;
    // advances *pos past it.  Leaves the table unchanged on an error.
    Result<void> take_word(const char** pos);
    Result<void> fail(Errno e, const char* why);

    char text_[MAX_TEXT] = {};
    size_t used_ = 0;
    Entry entries_[MAX_WORDS] = {};
    size_t count_ = 0;
    const char* error_ = nullptr;
};

// Parses a whole string as a number by get_u64()'s rules.
Result<uint64_t> parse_u64(const char* s);

// The kernel's own command line (the device tree's /chosen bootargs),
// parsed once at boot; later subsystems read their switches here
// (init=, kern.maxproc=, crash= ...).
CmdLine& kernel_cmdline();
