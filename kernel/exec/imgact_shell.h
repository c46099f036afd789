// Interpreted programs (FreeBSD's imgact_shell.c): a file that starts
// with "#!" names its interpreter on that first line, with at most one
// optional argument after it.  execve runs the interpreter with
//   interpreter [argument] script-path original-argv[1..]
// An interpreter that is itself a script is refused (ENOEXEC, as FreeBSD
// refuses it), so there is no loop to bound.
#pragma once

#include <stddef.h>
#include <abi/errno.h>

// The longest "#!" line taken, newline excluded (FreeBSD bounds it by
// MAXSHELLCMDLEN): a longer one is ENAMETOOLONG.
inline constexpr size_t SHELL_LINE_MAX = 255;

struct ShellLine {
    char interp[SHELL_LINE_MAX + 1]; // the interpreter's path
    char arg[SHELL_LINE_MAX + 1];    // its argument ("" when none)
    bool has_arg;
};

// Whether image starts with "#!".
bool imgact_is_script(const void* image, size_t len);

// Parses the first line of a "#!" image into *out: blanks (spaces, tabs)
// around the interpreter's path are skipped, and what follows it on the
// line, trimmed, is the one argument (FreeBSD 8 passes it whole, blanks
// and all).  ENOEXEC when no interpreter is named, ENAMETOOLONG when the
// line has no newline within SHELL_LINE_MAX bytes (a file that ends
// without one ends the line).
Errno imgact_shell_parse(const void* image, size_t len, ShellLine* out);
