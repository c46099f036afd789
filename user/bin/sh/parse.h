// The shell's parser: a command text (a line, several lines, a whole
// script) into a tree of lists, and-or chains, pipelines and commands.
// Pure (no system calls; memory from an Arena), so the host tests build
// it too.  No fixed limits: words, commands and lines are as long as
// memory allows.
//
// The grammar, a subset of POSIX sh's:
//   list     := and_or { (';' | '&' | newline) and_or } [';' | '&']
//   and_or   := pipeline { ('&&' | '||') pipeline }
//   pipeline := ['!'] command { '|' command }
//   command  := simple | if | while | until | for, then redirections
//   simple   := { NAME=value } { word | redirection }
//   if       := if list then list { elif list then list } [else list] fi
//   while    := (while | until) list do list done
//   for      := for NAME [in word...] (';' | newline) do list done
//   redirection := [n]< w  [n]> w  [n]>> w  [n]>&m  [n]<&m
// Newlines may follow '|', '&&', '||' and the reserved words; '#' starts
// a comment.  Words keep their quotes (expand.h removes them when the
// command runs, after $ expansion).
#pragma once

#include <stddef.h>

#include "arena.h"

namespace sh {

struct Word {
    const char* raw; // as written: quotes, backslashes and $ still there
    Word* next;
};

enum class RedirOp { In, Out, Append, DupIn, DupOut };

struct Redir {
    int fd;             // the descriptor redirected: 0 for <, 1 for >
    RedirOp op;
    const char* target; // a word (raw); for Dup*, the descriptor number
    Redir* next;
};

struct List;

enum class CmdKind { Simple, If, While, Until, For };

struct Command {
    CmdKind kind;
    Word* assigns;      // Simple: NAME=value words before the command name
    Word* words;        // Simple: the command and its arguments; For: the items
    Redir* redirs;      // any kind: applied around the command
    List* cond;         // If, While, Until: the condition
    List* body;         // If: then; While, Until, For: do
    List* else_part;    // If: else (an elif is an If alone in it)
    const char* var;    // For: the variable
    bool for_has_in;    // For: "in" given (else the positional parameters)
    Command* next;      // the next command of the pipeline
};

enum class Join { End, And, Or };

struct Pipeline {
    Command* commands;
    int ncommands;
    bool bang;        // "! a | b": the status negated
    Join join;        // how the next pipeline of the and-or chain follows
    Pipeline* next;
};

struct Item {
    Pipeline* andor;  // the first pipeline of the and-or chain
    bool background;  // ended by '&'
    const char* text; // its source text, for job reports
    Item* next;
};

struct List {
    Item* items;
};

enum class ParseStatus {
    Ok,         // *out is the list (null when there was no command)
    Incomplete, // the text ends inside a quote, a compound or after an operator: more input needed
    Error,      // a syntax error, described by *error
    NoMemory,
};

// Parses the whole text; the tree lives in arena.
ParseStatus parse(const char* text, Arena& arena, List** out, const char** error);

// Whether name is a valid variable name (letters, digits, '_', not a
// digit first), over [name, name + len).
bool valid_name(const char* name, size_t len);

} // namespace sh
