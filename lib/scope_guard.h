// Runs a function at scope exit unless dismissed: the unwind half of a
// fallible set-up ("free the page unless we got all the way").
#pragma once

#include <lib/utility.h>

template <typename F>
class [[nodiscard]] ScopeGuard {
public:
    explicit ScopeGuard(F f) : f_(sprig::move(f)) {}
    ~ScopeGuard()
    {
        if (armed_) f_();
    }
    void dismiss() { armed_ = false; }
    ScopeGuard(const ScopeGuard&) = delete;
    ScopeGuard& operator=(const ScopeGuard&) = delete;

private:
    F f_;
    bool armed_ = true;
};
