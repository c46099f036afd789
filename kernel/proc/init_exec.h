// The first program (FreeBSD's start_init): once the boot's self-tests
// are done, init (pid 1) leaves its kernel loop and execs the program the
// boot argument init=PATH names, /bin/init by default.  When that program
// exits, the system is over: the kernel prints `SPRIG EXIT status=N` (a
// marker scripts read; N is the exit code, or 128 + the signal that
// killed it) and powers off.  So `init=/bin/foo` runs one program and
// reports its result.
//
// The boot argument `monitor` keeps init in the kernel and gives the
// console to the kernel monitor instead, as does a missing /bin/init when
// no init= was given.
#pragma once

#include <stddef.h>

class CmdLine;
struct thread;

// The program init execs when no init= is given.
inline constexpr const char* INIT_DEFAULT_PATH = "/bin/init";

// What the boot does after the self-tests.
struct InitChoice {
    const char* path;   // the first program, or null: the kernel monitor
    const char* reason; // why the monitor (null when path is set)
};
// Chooses from the command line and the initrd: init=PATH is run even
// when the initrd lacks it (the exec's error is then reported as init's
// exit, status 127); the default runs only when the initrd has it.
InitChoice init_choose(const CmdLine& cmdline);

// The end of the boot (thread0, after the self-tests): init_choose(),
// then either the kernel monitor on the console, or init_release() and
// thread0 sleeps for good (FreeBSD's proc0 becomes the swapper).
[[noreturn]] void start_userland(const CmdLine& cmdline);
// Boot (thread0): init stops reaping in the kernel and execs path once it
// has no children left.
void init_release(const char* path);
// Init's side: the path init_release() gave, or null while there is none.
const char* init_released_path();
// In init's thread: opens the console as descriptors 0, 1 and 2, execs
// the program `line` names, and leaves for user mode.  The line is split
// at blanks: the first word is the path, the others (up to 15) its
// arguments, so init="/bin/soaktest 600" passes 600.  A failed exec is
// reported and ends the system as init's exit would, with status 127.
[[noreturn]] void init_exec(thread* td, const char* line);

// The N of `SPRIG EXIT status=N` for a wait status: the exit code, or
// 128 + the signal (as a shell reports it).
int init_exit_code(int xstat);
// exit1 of init: prints the marker and powers off (the failure reset
// reason when N is not 0).
[[noreturn]] void init_exited(int xstat);
