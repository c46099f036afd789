// The software-interrupt thread for a host test that needs what interrupt
// handlers defer (the terminal's signals): started on a heap stack, and
// stopped and reaped before the test's world comes down.
#pragma once

#include <doctest/doctest.h>

#include <kernel/proc/proc.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/swi.h>

#include <stdlib.h>

struct SwiThread {
    static constexpr size_t STACK = 128 * 1024;
    thread td;
    void* stack = aligned_alloc(16, STACK);

    SwiThread() { swi_start(&td, stack, STACK); }
    ~SwiThread()
    {
        swi_stop();
        // It runs, exits, and the thread that runs next (this one) reaps
        // it before its stack goes.
        for (int i = 0; i < 100 && swi_running(); i++) sched_yield();
        CHECK(!swi_running());
        free(stack);
    }
    SwiThread(const SwiThread&) = delete;
    SwiThread& operator=(const SwiThread&) = delete;
};
