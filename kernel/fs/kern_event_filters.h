// The filters kern_event.cpp dispatches to: EVFILT_READ and EVFILT_WRITE
// on pipes, the terminal and regular files (kern_event_fd.cpp), EVFILT_PROC and
// EVFILT_SIGNAL (kern_event_proc.cpp).
#pragma once

#include <kernel/fs/kern_event.h>

extern const filterops read_filtops;
extern const filterops write_filtops;
extern const filterops proc_filtops;
extern const filterops sig_filtops;
