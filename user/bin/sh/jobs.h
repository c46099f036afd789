// The shell's background jobs: the pids it started with "&" and has not
// yet reaped, so that it can report them when they finish.
#pragma once

#include <sys/types.h>

namespace sh {

// Remembers a background job (its process group and its processes).
void jobs_add(pid_t pgid, const pid_t* pids, int n);

// Reaps whatever background process has finished, without waiting, and
// prints "[pgid] Done" (or the status) when a whole job is over.
void jobs_reap_finished();

// The "wait" builtin: waits for every background job.
void jobs_wait_all();

// Prints a non-zero exit status or the killing signal, "prefix: ..."
// (nothing for exit 0).
void report_status(const char* prefix, int status);

} // namespace sh
