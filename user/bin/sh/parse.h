// The shell's command-line parser: words, pipelines, "&" and lists of
// pipelines separated by ";".  Pure (no system calls, no libc), so the
// host tests build it too.
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
    EmptyCommand,    // "| a", "a |", "a || b", "&" alone, "; a", "a ;; b"
    AfterAmpersand,  // anything after the "&", ";" too (as in sh)
    OpenQuote,       // a quote without its closing quote
    TooLong,         // a line of kMaxLine characters or more
};

// Splits `line` (NUL-terminated) into a pipeline whose argv point into
// out->words.  Words are separated by blanks; '|', '&' and ';' are
// operators with or without blanks around them; '...' and "..." make one
// word of what they hold (so '' is an empty word).  The pipeline ends at
// the first ';' outside quotes or at the end of the line: *rest (if
// given) gets what follows that ';', or null at the end.  Empty for a
// pipeline of nothing at the end of the line ("a ;" ends in one), but
// EmptyCommand before a ';'.
ParseError parse_line(const char* line, Pipeline* out, const char** rest = nullptr);

// Parses every pipeline of the line in turn (into *scratch), so that a
// syntax error anywhere stops the whole line before any of it runs, as
// in sh: the first error, None, or Empty when the line has no command.
ParseError check_list(const char* line, Pipeline* scratch);

// What to print for an error ("syntax error near '|'" ...).
const char* parse_error_text(ParseError e);

} // namespace sh
