// The shell's parser: one pass over the line, words copied (without
// their quotes) into the pipeline's own buffer.
#include "parse.h"

namespace sh {
namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool op(char c) { return c == '|' || c == '&'; }
bool separator(char c) { return c == ';'; }

// Copies the word at *r into *w (quotes removed, NUL added) and moves
// both on.  False on an unclosed quote.
bool take_word(const char*& r, char*& w)
{
    char quote = 0;
    while (*r && (quote || (!blank(*r) && !op(*r) && !separator(*r)))) {
        if (quote && *r == quote) {
            quote = 0;
            r++;
        } else if (!quote && (*r == '\'' || *r == '"')) {
            quote = *r++;
        } else {
            *w++ = *r++;
        }
    }
    *w++ = '\0';
    return quote == 0;
}

Command* new_command(Pipeline* out)
{
    if (out->ncommands == kMaxCommands) return nullptr;
    Command* cmd = &out->commands[out->ncommands++];
    cmd->argc = 0;
    cmd->argv[0] = nullptr;
    return cmd;
}

} // namespace

ParseError parse_line(const char* line, Pipeline* out, const char** rest)
{
    if (rest) *rest = nullptr;
    out->ncommands = 0;
    out->background = false;
    size_t len = 0;
    while (line[len]) {
        if (++len >= static_cast<size_t>(kMaxLine)) return ParseError::TooLong;
    }
    Command* cmd = nullptr; // the command words go to; null after an operator
    bool after_pipe = false;
    const char* r = line;
    char* w = out->words;
    for (;;) {
        while (blank(*r)) r++;
        if (!*r) break;
        if (out->background) return ParseError::AfterAmpersand;
        if (separator(*r)) {
            if (!cmd) return ParseError::EmptyCommand; // "; a", "a ;; b", "a | ; b"
            if (rest) *rest = r + 1;
            return ParseError::None;
        }
        if (op(*r)) {
            if (!cmd) return ParseError::EmptyCommand; // "| a", "a || b", "&"
            out->background = *r == '&';
            after_pipe = *r == '|';
            cmd = nullptr;
            r++;
            continue;
        }
        if (!cmd && !(cmd = new_command(out))) return ParseError::TooManyCommands;
        if (cmd->argc == kMaxArgs) return ParseError::TooManyArgs;
        cmd->argv[cmd->argc++] = w;
        cmd->argv[cmd->argc] = nullptr;
        after_pipe = false;
        if (!take_word(r, w)) return ParseError::OpenQuote;
    }
    if (after_pipe) return ParseError::EmptyCommand; // "a |"
    return out->ncommands ? ParseError::None : ParseError::Empty;
}

ParseError check_list(const char* line, Pipeline* scratch)
{
    bool any = false;
    for (const char* r = line; r;) {
        const ParseError e = parse_line(r, scratch, &r);
        if (e == ParseError::Empty) break; // only at the end of the line
        if (e != ParseError::None) return e;
        any = true;
    }
    return any ? ParseError::None : ParseError::Empty;
}

const char* parse_error_text(ParseError e)
{
    switch (e) {
    case ParseError::None: return "no error";
    case ParseError::Empty: return "empty line";
    case ParseError::TooManyArgs: return "too many arguments";
    case ParseError::TooManyCommands: return "too many commands in a pipeline";
    case ParseError::EmptyCommand: return "syntax error: a command is missing next to '|', '&' or ';'";
    case ParseError::AfterAmpersand: return "syntax error: '&' must end the line";
    case ParseError::OpenQuote: return "syntax error: unterminated quote";
    case ParseError::TooLong: return "line too long";
    }
    return "?";
}

} // namespace sh
