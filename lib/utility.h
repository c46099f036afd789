// The few bits of <utility> a freestanding kernel needs.
#pragma once

#include <type_traits>

namespace sprig {

template <typename T>
constexpr std::remove_reference_t<T>&& move(T&& t) noexcept
{
    return static_cast<std::remove_reference_t<T>&&>(t);
}

template <typename T>
constexpr T&& forward(std::remove_reference_t<T>& t) noexcept
{
    return static_cast<T&&>(t);
}

template <typename T>
constexpr T min(T a, T b) { return b < a ? b : a; }
template <typename T>
constexpr T max(T a, T b) { return a < b ? b : a; }

template <typename T>
constexpr T align_down(T v, T align) { return v & ~(align - 1); }
template <typename T>
constexpr T align_up(T v, T align) { return (v + align - 1) & ~(align - 1); }
template <typename T>
constexpr bool is_aligned(T v, T align) { return (v & (align - 1)) == 0; }

template <typename T, unsigned long N>
constexpr unsigned long array_size(T (&)[N]) { return N; }

} // namespace sprig
