// Fault injection for unwind tests (in the spirit of FreeBSD's fail(9)):
// fail_after(n) lets n more operations succeed, then makes one fail.  A
// negative n turns injection off.  The allocators each carry one.
#pragma once

#include <stdint.h>

class FailPoint {
public:
    void fail_after(long n) { countdown_ = n; }

    // Called before an operation: true when this one must fail.  The
    // injection then turns itself off.
    bool should_fail()
    {
        if (countdown_ != 0) return false;
        countdown_ = -1;
        injected_++;
        return true;
    }
    // Called after an operation succeeded.
    void succeeded()
    {
        if (countdown_ > 0) countdown_--;
    }
    // How many failures were injected so far.
    uint64_t injected() const { return injected_; }

private:
    long countdown_ = -1;
    uint64_t injected_ = 0;
};
