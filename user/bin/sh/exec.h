// Running parsed commands: lists, and-or chains, pipelines, simple
// commands (builtins in the shell, programs in children by fork +
// execve), if/while/until/for, redirections and variable assignments.
#pragma once

#include <stddef.h>

#include "parse.h"

namespace sh {

// Runs the list; returns (and sets $? to) the last status.
int run_list(const List* l);

// The expansion callback: shell variables and $?, $$, $#, $0..$9.
const char* lookup(void* ctx, const char* name, size_t len);

// Parses text and runs it as a whole (sh -c, sh FILE): the status, or 2
// on a syntax error (which runs none of it).
int run_text(const char* text);

} // namespace sh
