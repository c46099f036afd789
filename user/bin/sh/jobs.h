// The shell's jobs: the pipelines it started in the background or that
// stopped, as many as memory allows, each a process group with its
// processes.  Reported ("[n] Done  text", "[n] Stopped  text") before the
// next prompt; jobs, fg and bg act on them.
#pragma once

#include <sys/types.h>

namespace sh {

// A job started with '&': tracked and announced as "[n] pgid".
void job_background(pid_t pgid, const pid_t* pids, int n, const char* text);

// Waits for a foreground job's processes (the terminal handed to pgid
// while it runs, with job control); a job that stops is kept as a
// stopped job.  Returns the status for $?: the last process's exit
// status, 128 + the signal that killed or stopped it.
int wait_foreground(pid_t pgid, const pid_t* pids, int n, const char* text, int* raw = nullptr);

// Reaps what finished or stopped, without waiting, and reports it.
void jobs_reap_finished();

// The builtins: wait (every job), jobs, fg [%n], bg [%n]; each returns
// its status.
int builtin_wait();
int builtin_jobs();
int builtin_fg(const char* which);
int builtin_bg(const char* which);

// The status's words for a report ("exit 3", "killed by SIGINT"), or
// nothing for exit 0: "prefix: words".
void report_status(const char* prefix, int status);

// The status for $? (exit status, or 128 + signal).
int shell_status(int wait_status);

} // namespace sh
