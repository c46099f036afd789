// The shell's command-line parser: words, pipelines and "&".  Pure (no
// system calls, no libc), so the host tests build it too.
#pragma once

#include <stddef.h>

namespace sh {

inline constexpr int kMaxArgs = 32;     // words in one command
inline constexpr int kMaxCommands = 8;  // commands in one pipeline
inline constexpr int kMaxLine = 1024;   // characters in one line

struct Command {
    char* argv[kMaxArgs + 1]; // argc words, then a null pointer
    int argc;
};

// a | b | c [&]
struct Pipeline {
    Command commands[kMaxCommands];
    int ncommands;
    bool background;
    // The words, each NUL-terminated: at most the line's characters plus
    // one NUL per word, and a word needs at least one character.
    char words[2 * kMaxLine];
};

enum class ParseError {
    None,
    Empty,           // nothing but blanks: not an error to show
    TooManyArgs,     // a command with more than kMaxArgs words
    TooManyCommands, // more than kMaxCommands in a pipeline
    EmptyCommand,    // "| a", "a |", "a || b", "&" alone
    AfterAmpersand,  // anything after the "&"
    OpenQuote,       // a quote without its closing quote
    TooLong,         // a line of kMaxLine characters or more
};

// Splits `line` (NUL-terminated) into a pipeline whose argv point into
// out->words.  Words are separated by blanks; '|' and '&' are operators
// with or without blanks around them; '...' and "..." make one word of
// what they hold (so '' is an empty word).
ParseError parse_line(const char* line, Pipeline* out);

// What to print for an error ("syntax error near '|'" ...).
const char* parse_error_text(ParseError e);

} // namespace sh
