// Console line editing for the kernel monitor: collects typed characters
// into a line, echoing them, with backspace and ^U (erase line).  Fed one
// character at a time so the host tests can drive it.  Escape sequences
// (the arrows' ESC [ A, ESC O H, ESC [ 3 ~ ...) are swallowed whole: the
// monitor has no cursor movement or history, and the sequence's letters
// must not end up in a command.
#pragma once

#include <stddef.h>

class LineEditor {
public:
    static constexpr size_t MAX = 128;

    enum class Feed { More, Line };

    // echo(c) receives what the terminal should show (may be null).
    explicit LineEditor(void (*echo)(char)) : echo_(echo) {}

    // Takes one typed character; returns Line when Enter completed a line,
    // which line() then holds until the next feed().
    Feed feed(char c);
    const char* line() const { return buf_; }
    size_t length() const { return len_; }
    // Characters dropped because the line was full.
    size_t overflowed() const { return overflow_; }

private:
    void show(char c)
    {
        if (echo_) echo_(c);
    }
    void erase_one();
    bool in_escape(char c);

    void (*echo_)(char);
    char buf_[MAX + 1] = {};
    size_t len_ = 0;
    bool complete_ = false;
    enum class Esc { None, Start, Seq } esc_ = Esc::None;
    size_t overflow_ = 0;
};
