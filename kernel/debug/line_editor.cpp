#include <kernel/debug/line_editor.h>

namespace {
constexpr char BS = 0x08;
constexpr char DEL = 0x7f;
constexpr char CTRL_U = 0x15;
constexpr char ESC = 0x1b;
} // namespace

// Whether c belongs to an escape sequence: ESC, then '[' or 'O' (any
// other character ends it there), then parameter and intermediate bytes
// up to a final byte in '@'..'~'.  A control character inside ends the
// sequence and is dropped with it.
bool LineEditor::in_escape(char c)
{
    switch (esc_) {
    case Esc::None:
        if (c != ESC) return false;
        esc_ = Esc::Start;
        return true;
    case Esc::Start:
        esc_ = (c == '[' || c == 'O') ? Esc::Seq : Esc::None;
        return true;
    case Esc::Seq:
        if (c < ' ' || c >= '@') esc_ = Esc::None;
        return true;
    }
    return false;
}

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
    if (in_escape(c)) return Feed::More;
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
