// The interactive shell's history: the last kHistoryMax lines entered,
// oldest first, recalled with the up and down arrows (line_edit.h) and
// listed by the `history` builtin.  When full, the oldest line goes to
// make room (the bound is documented in docs/userland.md); a line the
// same as the one before it is kept once.
#pragma once

#include <stddef.h>

namespace sh {

class History {
public:
    static constexpr size_t kHistoryMax = 500;

    History() = default;
    ~History();
    History(const History&) = delete;
    History& operator=(const History&) = delete;

    // Keeps a copy of line (blank lines are not kept); false when out of
    // memory (nothing changed).
    bool add(const char* line);
    size_t size() const { return count_; }
    // Line i, 0 the oldest.
    const char* at(size_t i) const { return lines_[(first_ + i) % kHistoryMax]; }

private:
    char* lines_[kHistoryMax] = {};
    size_t first_ = 0;
    size_t count_ = 0;
};

// The interactive shell's history (main.cpp's).
extern History g_history;

} // namespace sh
