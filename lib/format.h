// printf-style formatting for a kernel without a C library: %d %i %u %x %X
// %o %p %s %c %% with the flags '-', '0' and '#' (0x for %x), a field width (or *), and the
// length modifiers hh h l ll z t j.  Output goes to a sink, one character
// at a time, so the same code serves the console and fixed buffers.
#pragma once

#include <stdarg.h>
#include <stddef.h>

using FormatSink = void (*)(void* ctx, char c);

// Returns the number of characters produced.
int vformat(FormatSink sink, void* ctx, const char* fmt, va_list ap);

// snprintf: always NUL-terminates when n > 0; returns the length the whole
// output would have had.
int snformat(char* buf, size_t n, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnformat(char* buf, size_t n, const char* fmt, va_list ap);
