#include <kernel/debug/line_editor.h>

namespace {
constexpr char BS = 0x08;
constexpr char DEL = 0x7f;
constexpr char CTRL_U = 0x15;
} // namespace

void LineEditor::erase_one()
{
    if (len_ == 0) return;
    buf_[--len_] = '\0';
    show(BS);
    show(' ');
    show(BS);
}

LineEditor::Feed LineEditor::feed(char c)
{
    if (complete_) { // the previous line was handed out: start afresh
        complete_ = false;
        len_ = 0;
        buf_[0] = '\0';
    }
    if (c == '\r' || c == '\n') {
        show('\n');
        complete_ = true;
        return Feed::Line;
    }
    if (c == BS || c == DEL) {
        erase_one();
    } else if (c == CTRL_U) {
        while (len_) erase_one();
    } else if (c >= ' ' && c < DEL) {
        if (len_ == MAX) {
            overflow_++;
        } else {
            buf_[len_++] = c;
            buf_[len_] = '\0';
            show(c);
        }
    }
    // Other control characters are ignored.
    return Feed::More;
}
