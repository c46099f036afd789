// A consumer of the process_fork event: the last few forks, kept for the
// monitor's `forks` command and for tests (what `ktrace -t f` would show
// on FreeBSD, in miniature).  Registering it is how boot shows that the
// event registry works: the log fills only through the event.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <kernel/proc/proc.h>

struct ForkRecord {
    uint64_t tick = 0;
    pid_t parent = 0;
    pid_t child = 0;
    int flags = 0;
    char comm[20] = {};
};

class ForkLog {
public:
    static constexpr size_t CAPACITY = 16;

    // Hooks the log to process_fork_event(); unregister() unhooks it.
    void register_handler();
    void unregister_handler();

    // Records seen in all, and the i-th most recent (0 = newest), i < size().
    uint64_t total() const { return total_; }
    size_t size() const { return total_ < CAPACITY ? static_cast<size_t>(total_) : CAPACITY; }
    const ForkRecord& recent(size_t i) const;
    void print() const;

private:
    static void on_fork(void* self, proc* p1, proc* p2, int flags);

    ForkRecord ring_[CAPACITY];
    uint64_t total_ = 0;
};

ForkLog& fork_log();
