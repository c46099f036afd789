// What one run of the invariant checker found (kernel/debug/invariants.h): each
// check reports a broken invariant here with what and where, the report
// prints one line for it on the console and counts it.  A report made
// with panic_on_violation stops the kernel at the first one instead, for a
// boot that must not carry on past a corruption.
#pragma once

#include <stdarg.h>
#include <stdint.h>

class InvariantReport {
public:
    explicit InvariantReport(bool panic_on_violation = false) : panic_(panic_on_violation) {}

    // One broken invariant of subsystem `what` ("zone", "proc", ...).
    void violation(const char* what, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
    // A check that could not run (no memory for its scratch space): printed,
    // not counted.
    void skipped(const char* what, const char* why);

    unsigned violations() const { return count_; }
    unsigned skips() const { return skips_; }
    // Silences the console lines (host tests that plant many corruptions);
    // the count is kept either way.
    void set_quiet(bool quiet) { quiet_ = quiet; }
    // The text of the last violation.
    const char* last() const { return last_; }
    // Also hands each violation's text to fn (host tests check what was
    // named).
    using Sink = void (*)(const char* text, void* arg);
    void set_sink(Sink fn, void* arg) { sink_ = fn, sink_arg_ = arg; }

private:
    bool panic_;
    bool quiet_ = false;
    unsigned count_ = 0;
    unsigned skips_ = 0;
    char last_[160] = {};
    Sink sink_ = nullptr;
    void* sink_arg_ = nullptr;
};
