// Errors without exceptions: a function that can fail returns Result<T>,
// which holds either a T or an Errno.  TRY(expr) returns the error from the
// enclosing function, or yields the value.
#pragma once

#include <abi/errno.h>
#include <lib/kassert.h>
#include <lib/utility.h>

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : value_(sprig::move(value)), error_(Errno::Ok) {}
    Result(Errno error) : value_(), error_(error)
    {
        KASSERT(error != Errno::Ok, "Result made from Errno::Ok without a value");
    }

    bool ok() const { return error_ == Errno::Ok; }
    Errno error() const { return error_; }
    T& value()
    {
        KASSERT(ok(), "value() of a failed Result (%s)", errno_name(error_));
        return value_;
    }
    const T& value() const
    {
        KASSERT(ok(), "value() of a failed Result (%s)", errno_name(error_));
        return value_;
    }
    T release_value() { return sprig::move(value()); }

private:
    T value_;
    Errno error_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() : error_(Errno::Ok) {}
    Result(Errno error) : error_(error) {}
    bool ok() const { return error_ == Errno::Ok; }
    Errno error() const { return error_; }
    void release_value() const {}

private:
    Errno error_;
};

// GCC statement expression: the value of the last line is the expression's.
#define TRY(expr)                                        \
    ({                                                   \
        auto _try_result = (expr);                       \
        if (!_try_result.ok()) return _try_result.error(); \
        _try_result.release_value();                     \
    })
