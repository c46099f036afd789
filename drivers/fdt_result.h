// Errors of the device-tree reader: an Errno for code that only branches on
// the kind of failure, plus a human-readable reason (a string literal) and,
// where one is known, the node concerned, so that boot code can panic with
// "device tree: /soc/serial@10000000: reg runs past the property".
//
// FdtResult<T> has the shape of Result<T> (ok(), error() -> Errno, value(),
// release_value()), so TRY() works in a function returning Result<U> (the
// reason is dropped there); FDT_TRY() forwards the whole FdtError.
#pragma once

#include <abi/errno.h>
#include <lib/kassert.h>
#include <lib/utility.h>
#include <stdint.h>

// A node is its structure-block offset (of its FDT_BEGIN_NODE token); the
// value type is small and only means something together with its Fdt.
struct FdtNode {
    static constexpr uint32_t kNone = 0xffffffffu;
    uint32_t offset = kNone;

    constexpr bool valid() const { return offset != kNone; }
    constexpr bool operator==(const FdtNode&) const = default;
};

struct FdtError {
    Errno code = Errno::Inval; // Inval: malformed; NoEnt: absent; NoSpc: table full
    const char* reason = "";   // a string literal, never null
    FdtNode node;              // the node concerned, or none
};

// The usual way to make one: fdt_error("reason"), fdt_error("reason", node).
constexpr FdtError fdt_error(const char* reason, FdtNode node = {}, Errno code = Errno::Inval)
{
    return FdtError{code, reason, node};
}

template <typename T>
class [[nodiscard]] FdtResult {
public:
    FdtResult(T value) : value_(sprig::move(value)) {}
    FdtResult(FdtError error) : value_(), error_(error)
    {
        KASSERT(error.code != Errno::Ok, "FdtResult made from Errno::Ok (%s)", error.reason);
    }

    bool ok() const { return error_.code == Errno::Ok; }
    Errno error() const { return error_.code; }
    const char* reason() const { return error_.reason; }
    const FdtError& fdt_error() const { return error_; }

    T& value()
    {
        KASSERT(ok(), "value() of a failed FdtResult (%s)", error_.reason);
        return value_;
    }
    const T& value() const
    {
        KASSERT(ok(), "value() of a failed FdtResult (%s)", error_.reason);
        return value_;
    }
    T release_value() { return sprig::move(value()); }

private:
    T value_;
    FdtError error_{Errno::Ok, "", {}};
};

template <>
class [[nodiscard]] FdtResult<void> {
public:
    FdtResult() = default;
    FdtResult(FdtError error) : error_(error)
    {
        KASSERT(error.code != Errno::Ok, "FdtResult made from Errno::Ok (%s)", error.reason);
    }

    bool ok() const { return error_.code == Errno::Ok; }
    Errno error() const { return error_.code; }
    const char* reason() const { return error_.reason; }
    const FdtError& fdt_error() const { return error_; }
    void release_value() const {}

private:
    FdtError error_{Errno::Ok, "", {}};
};

// Like TRY(), for functions that return an FdtResult: keeps the reason.
#define FDT_TRY(expr)                                                  \
    ({                                                                 \
        auto _fdt_try_result = (expr);                                 \
        if (!_fdt_try_result.ok()) return _fdt_try_result.fdt_error(); \
        _fdt_try_result.release_value();                               \
    })
