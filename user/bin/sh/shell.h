// The shell's global state, shared by its parts.
#pragma once

#include <signal.h>
#include <sys/types.h>

namespace sh {

struct Shell {
    bool interactive = false; // reading commands from a terminal with prompts
    bool jobctl = false;      // one process group per job, the terminal handed over
    int status = 0;           // $?
    pid_t pid = 0;            // $$
    int argc = 0;             // $0, $1 ... $9, $#
    char** argv = nullptr;
    bool exiting = false;     // the exit builtin ran: stop running commands
    int exit_status = 0;
};

extern Shell g;

// ^C reached the shell (its SIGINT handler), or a foreground job died of
// SIGINT: the command line being run stops, loops included, as in sh.
extern volatile sig_atomic_t g_interrupted;

// The descriptor of the terminal the shell controls (its stdin).
inline constexpr int kTty = 0;

} // namespace sh
