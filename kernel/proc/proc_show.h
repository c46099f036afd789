// The process list as the monitor's `ps` prints it: one line per process,
// live ones then zombies, with the fields a reader of fork wants to see.
#pragma once

void proc_show_all();
