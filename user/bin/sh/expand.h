// Word expansion when a command runs: parameters ($NAME, ${NAME}, $?,
// $$, $#, $0..$9) replaced, unquoted results split at blanks into
// fields, then quotes and backslashes removed.  No globbing, no command
// substitution, no arithmetic.  Pure: variables come from a callback, so
// the host tests build it too.
#pragma once

#include <stddef.h>

namespace sh {

// The value of parameter name[0, len) ("HOME", "?", "1"), or null when unset.
using Lookup = const char* (*)(void* ctx, const char* name, size_t len);

// A growing array of malloc'ed strings, null-terminated (an argv).
struct Fields {
    char** v = nullptr;
    int n = 0;
    int cap = 0;
    ~Fields();
    bool push(const char* s, size_t len);
    void clear();
};

// Appends raw's fields to out (none for an unquoted expansion of
// nothing); false when out of memory.
bool expand_word(const char* raw, Lookup lookup, void* ctx, Fields* out);

// raw as one string, never split (assignments, redirection targets):
// malloc'ed, or null when out of memory.
char* expand_one(const char* raw, Lookup lookup, void* ctx);

} // namespace sh
