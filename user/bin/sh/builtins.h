// The shell's builtins: exit [n], wait and help, which run in the shell
// itself rather than in a child.
#pragma once

#include "parse.h"

namespace sh {

// Runs the pipeline if it is a builtin (one command, in the foreground);
// false when it is not, for the caller to run as a program.
bool run_builtin(const Pipeline& p);

} // namespace sh
