// The console as a terminal (FreeBSD's /dev/console): one tty over the
// kernel console, its output through cons_putc (which turns '\n' into
// the device's newline, as for kprintf), its input taken from the
// console driver while any file has it open; the rest of the time input
// goes to the kernel monitor's ring, so the monitor works when there is
// no user space.
#pragma once

#include <abi/errno.h>

struct proc;
struct tty;

// The console terminal.
tty* cons_tty();
// Opens the console terminal for reading and writing as descriptors 0, 1
// and 2 of p's table (one file, as FreeBSD's init gets it): what the
// first process starts with.  The descriptors only; the controlling
// terminal is cons_set_ctty's.  Busy when any of 0..2 is in use, NFile,
// NoMem.
Errno cons_open_stdio(proc* p);
// Makes the console the controlling terminal of p's session with p's
// group in the foreground (TIOCSCTTY on p's behalf): EPERM unless p leads
// its session (tty_set_ctty).
Errno cons_set_ctty(proc* p);
