#include <doctest/doctest.h>

#include <kernel/debug/line_editor.h>

#include <string>

namespace {
std::string g_echo;
void capture(char c) { g_echo += c; }

LineEditor::Feed type(LineEditor& ed, const char* s)
{
    LineEditor::Feed last = LineEditor::Feed::More;
    for (; *s; s++) last = ed.feed(*s);
    return last;
}
} // namespace

TEST_CASE("line editor: a line ends at CR or LF and is echoed")
{
    g_echo.clear();
    LineEditor ed(capture);
    CHECK(type(ed, "echo hi") == LineEditor::Feed::More);
    CHECK(type(ed, "\r") == LineEditor::Feed::Line);
    CHECK(std::string(ed.line()) == "echo hi");
    CHECK(g_echo == "echo hi\n");
    // The next character starts a new line.
    CHECK(type(ed, "x\n") == LineEditor::Feed::Line);
    CHECK(std::string(ed.line()) == "x");
}

TEST_CASE("line editor: backspace, DEL and ^U erase on screen too")
{
    g_echo.clear();
    LineEditor ed(capture);
    type(ed, "abc\x08\x7f" "d");
    CHECK(std::string(ed.line()) == "ad");
    CHECK(g_echo == "abc\b \b\b \bd");
    type(ed, "\x15");
    CHECK(ed.length() == 0);
    type(ed, "\x08"); // nothing left to erase: no echo
    CHECK(ed.length() == 0);
    type(ed, "\x01z\n"); // other control characters are dropped
    CHECK(std::string(ed.line()) == "z");
}

TEST_CASE("line editor: a full line drops the excess and counts it")
{
    LineEditor ed(nullptr);
    std::string lots(LineEditor::MAX + 10, 'q');
    type(ed, lots.c_str());
    CHECK(ed.length() == LineEditor::MAX);
    CHECK(ed.overflowed() == 10);
    CHECK(type(ed, "\n") == LineEditor::Feed::Line);
    CHECK(std::string(ed.line()) == std::string(LineEditor::MAX, 'q'));
}

TEST_CASE("line editor: escape sequences (arrows, Home, Delete) are swallowed whole, unechoed")
{
    g_echo.clear();
    LineEditor ed(capture);
    CHECK(type(ed, "ps\x1b[A\x1b[B\x1b[C\x1b[D\x1bOH\x1b[3~\x1b[1;5C") == LineEditor::Feed::More);
    CHECK(type(ed, "\r") == LineEditor::Feed::Line);
    CHECK(std::string(ed.line()) == "ps");
    CHECK(g_echo == "ps\n");
    // ESC followed by neither '[' nor 'O': both dropped; a control
    // character inside a sequence ends it.
    CHECK(type(ed, "a\x1bxb\x1b[\x01" "c\n") == LineEditor::Feed::Line);
    CHECK(std::string(ed.line()) == "abc");
    // An up arrow at the start of a line: the line that follows is whole.
    CHECK(type(ed, "\x1b[A") == LineEditor::Feed::More);
    CHECK(type(ed, "help\r") == LineEditor::Feed::Line);
    CHECK(std::string(ed.line()) == "help");
}
