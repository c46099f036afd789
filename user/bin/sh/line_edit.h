// The interactive shell's line editor: a state machine fed the bytes the
// terminal sends (in non-canonical mode, without echo: main.cpp sets
// that up) that keeps the line and says what to draw.  It knows no
// terminal and does no I/O, so the host tests drive it byte by byte.
//
// Keys: printable characters insert at the cursor; left/right arrows
// (and ^B/^F) move; Home/End and ^A/^E go to the ends; backspace (DEL or
// ^H) erases before the cursor, Delete (ESC [ 3 ~) under it; ^U erases
// from the start of the line to the cursor, ^K from the cursor to the
// end, ^W the word before the cursor; ^L clears the screen and redraws;
// up/down arrows walk the history; ^C abandons the line (Interrupted);
// ^D on an empty line is end of input, elsewhere it deletes under the
// cursor; Enter (CR or LF) completes the line and adds it to the
// history.  Other control characters and unknown escape sequences are
// ignored whole.  A line has no length limit but memory (a byte that
// does not fit rings the bell).
#pragma once

#include <stddef.h>

#include "history.h"

namespace sh {

// A growing byte string (no NUL inside; always NUL-terminated).
struct EditBuf {
    char* s = nullptr;
    size_t len = 0, cap = 0;
    EditBuf() = default;
    ~EditBuf();
    EditBuf(const EditBuf&) = delete;
    EditBuf& operator=(const EditBuf&) = delete;
    bool insert(size_t at, const char* p, size_t n);
    void erase(size_t at, size_t n);
    bool assign(const char* p);
    bool append(const char* p, size_t n) { return insert(len, p, n); }
    bool append(const char* p);
    const char* c_str() const { return s ? s : ""; }
};

class LineEdit {
public:
    enum class Feed { More, Line, End, Interrupted };

    explicit LineEdit(History& h) : hist_(h) {}

    // A new line with this prompt (drawn into output()).
    void start(const char* prompt);
    // One byte from the terminal.  Line: line() holds the line (no
    // newline), and the history has it.  End: ^D on an empty line.
    Feed feed(unsigned char c);
    const char* line() const { return buf_.c_str(); }
    size_t cursor() const { return cur_; }
    // What to write to the terminal since the last take_output().
    const char* output() const { return out_.c_str(); }
    size_t output_len() const { return out_.len; }
    void take_output() { out_.erase(0, out_.len); }

private:
    enum class Esc { None, Start, Csi };

    Feed key(unsigned char c);
    void escape_final(unsigned char c);
    void insert(char c);
    void erase(size_t at, size_t n);
    void move_to(size_t pos);
    void recall(size_t index);
    void redraw();
    void emit(const char* s) { (void)out_.append(s); }

    History& hist_;
    EditBuf buf_;
    EditBuf out_;
    EditBuf saved_; // the line being typed while the history is walked
    const char* prompt_ = "";
    size_t cur_ = 0;
    size_t hist_pos_ = 0; // == hist_.size(): the line being typed
    Esc esc_ = Esc::None;
    unsigned param_ = 0; // CSI's first numeric parameter
};

} // namespace sh
