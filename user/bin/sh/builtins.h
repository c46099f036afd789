// The shell's builtins, which run in the shell itself rather than in a
// child: exit, wait, jobs, fg, bg, export, unset, ':' and help.
#pragma once

namespace sh {

bool is_builtin(const char* name);
// Runs builtin argv[0]; returns its status.
int run_builtin(int argc, char** argv);

} // namespace sh
