#include "line_edit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

namespace sh {

namespace {

constexpr unsigned char ESC = 0x1b;
constexpr unsigned char DEL = 0x7f;
constexpr unsigned char ctrl(char c) { return static_cast<unsigned char>(c & 0x1f); }

bool is_space(char c) { return c == ' ' || c == '\t'; }

} // namespace

EditBuf::~EditBuf() { free(s); }

bool EditBuf::insert(size_t at, const char* p, size_t n)
{
    if (len + n + 1 > cap) {
        size_t ncap = cap ? cap : 64;
        while (ncap < len + n + 1) ncap *= 2;
        char* ns = static_cast<char*>(realloc(s, ncap));
        if (!ns) return false;
        s = ns;
        cap = ncap;
    }
    memmove(s + at + n, s + at, len - at);
    memcpy(s + at, p, n);
    len += n;
    s[len] = '\0';
    return true;
}

void EditBuf::erase(size_t at, size_t n)
{
    if (!s) return;
    memmove(s + at, s + at + n, len - at - n);
    len -= n;
    s[len] = '\0';
}

bool EditBuf::append(const char* p) { return append(p, strlen(p)); }

bool EditBuf::assign(const char* p)
{
    const size_t old = len;
    if (!append(p)) return false;
    erase(0, old);
    return true;
}

void LineEdit::start(const char* prompt)
{
    prompt_ = prompt;
    buf_.erase(0, buf_.len);
    saved_.erase(0, saved_.len);
    cur_ = 0;
    hist_pos_ = hist_.size();
    esc_ = Esc::None;
    emit(prompt);
}

// The whole line again, from the start of the screen line: prompt, text,
// the rest of the old text wiped, the cursor put back.
void LineEdit::redraw()
{
    emit("\r");
    emit(prompt_);
    emit(line());
    emit("\x1b[K");
    const size_t back = buf_.len - cur_;
    if (back) {
        char seq[32];
        snprintf(seq, sizeof seq, "\x1b[%zuD", back);
        emit(seq);
    }
}

void LineEdit::move_to(size_t pos)
{
    if (pos == cur_) return;
    char seq[32];
    snprintf(seq, sizeof seq, "\x1b[%zu%c", pos < cur_ ? cur_ - pos : pos - cur_, pos < cur_ ? 'D' : 'C');
    emit(seq);
    cur_ = pos;
}

void LineEdit::insert(char c)
{
    if (!buf_.insert(cur_, &c, 1)) {
        emit("\a");
        return;
    }
    cur_++;
    if (cur_ == buf_.len) {
        const char s[2] = {c, '\0'};
        emit(s);
    } else {
        redraw();
    }
}

void LineEdit::erase(size_t at, size_t n)
{
    if (n == 0) return;
    buf_.erase(at, n);
    cur_ = at;
    redraw();
}

// History line `index` (hist_.size(): the line that was being typed).
void LineEdit::recall(size_t index)
{
    if (hist_pos_ == hist_.size() && !saved_.assign(line())) return;
    const bool ok = buf_.assign(index == hist_.size() ? saved_.c_str() : hist_.at(index));
    if (!ok) {
        emit("\a");
        return;
    }
    hist_pos_ = index;
    cur_ = buf_.len;
    redraw();
}

// The end of ESC [ ... or ESC O ...: arrows, Home, End, Delete.
void LineEdit::escape_final(unsigned char c)
{
    switch (c) {
    case 'A':
        if (hist_pos_ > 0) recall(hist_pos_ - 1);
        break;
    case 'B':
        if (hist_pos_ < hist_.size()) recall(hist_pos_ + 1);
        break;
    case 'C':
        if (cur_ < buf_.len) move_to(cur_ + 1);
        break;
    case 'D':
        if (cur_ > 0) move_to(cur_ - 1);
        break;
    case 'H':
        move_to(0);
        break;
    case 'F':
        move_to(buf_.len);
        break;
    case '~': // ESC [ n ~: 1 and 7 Home, 4 and 8 End, 3 Delete
        if (param_ == 1 || param_ == 7) move_to(0);
        else if (param_ == 4 || param_ == 8) move_to(buf_.len);
        else if (param_ == 3 && cur_ < buf_.len) erase(cur_, 1);
        break;
    default:
        break; // a key we do not know: ignored whole
    }
}

LineEdit::Feed LineEdit::feed(unsigned char c)
{
    switch (esc_) {
    case Esc::Start:
        esc_ = (c == '[' || c == 'O') ? Esc::Csi : Esc::None;
        param_ = 0;
        return Feed::More;
    case Esc::Csi:
        if (c >= '0' && c <= '9') {
            if (param_ < 1000) param_ = param_ * 10 + (c - '0');
        } else if (c >= 0x40 && c <= 0x7e) {
            esc_ = Esc::None;
            escape_final(c);
        } else if (c < 0x20 || c > 0x7e) {
            esc_ = Esc::None; // not a sequence after all: dropped
        }
        return Feed::More; // ';' and intermediates: part of the sequence
    case Esc::None:
        break;
    }
    return key(c);
}

LineEdit::Feed LineEdit::key(unsigned char c)
{
    if (c == '\r' || c == '\n') {
        emit("\n");
        if (!hist_.add(line())) emit("\a");
        return Feed::Line;
    }
    if (c == ctrl('C')) {
        emit("^C\n");
        buf_.erase(0, buf_.len);
        cur_ = 0;
        return Feed::Interrupted;
    }
    if (c == ctrl('D')) {
        if (buf_.len == 0) return Feed::End;
        if (cur_ < buf_.len) erase(cur_, 1);
        return Feed::More;
    }
    if (c == ESC) {
        esc_ = Esc::Start;
        return Feed::More;
    }
    if (c == DEL || c == ctrl('H')) {
        if (cur_ > 0) erase(cur_ - 1, 1);
    } else if (c == ctrl('A')) {
        move_to(0);
    } else if (c == ctrl('E')) {
        move_to(buf_.len);
    } else if (c == ctrl('B')) {
        if (cur_ > 0) move_to(cur_ - 1);
    } else if (c == ctrl('F')) {
        if (cur_ < buf_.len) move_to(cur_ + 1);
    } else if (c == ctrl('U')) {
        erase(0, cur_);
    } else if (c == ctrl('K')) {
        if (cur_ < buf_.len) {
            buf_.erase(cur_, buf_.len - cur_);
            redraw();
        }
    } else if (c == ctrl('W')) {
        size_t from = cur_;
        while (from > 0 && is_space(buf_.s[from - 1])) from--;
        while (from > 0 && !is_space(buf_.s[from - 1])) from--;
        erase(from, cur_ - from);
    } else if (c == ctrl('L')) {
        emit("\x1b[H\x1b[2J");
        redraw();
    } else if (c >= 0x20) {
        insert(static_cast<char>(c));
    }
    return Feed::More;
}

} // namespace sh
