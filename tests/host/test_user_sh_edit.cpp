// The shell's line editor (user/bin/sh/line_edit.cpp) and history
// (history.cpp), fed bytes as the terminal sends them: insertion and
// movement, the erasing keys, ^L, ^C, ^D, history recall with the
// arrows, escape sequences ignored whole, and the history's bound.
#include <doctest/doctest.h>

#include <user/bin/sh/history.h>
#include <user/bin/sh/line_edit.h>

#include <string>

using sh::History;
using sh::LineEdit;
using Feed = LineEdit::Feed;

namespace {

struct Ed {
    History hist;
    LineEdit ed{hist};
    Ed() { start(); }
    void start()
    {
        ed.start("$ ");
        ed.take_output();
    }
    // Types s; returns the last byte's result.
    Feed type(const std::string& s)
    {
        Feed f = Feed::More;
        for (char c : s) f = ed.feed(static_cast<unsigned char>(c));
        return f;
    }
    std::string out()
    {
        std::string o(ed.output(), ed.output_len());
        ed.take_output();
        return o;
    }
    std::string line() const { return ed.line(); }
};

const std::string LEFT = "\x1b[D", RIGHT = "\x1b[C", UP = "\x1b[A", DOWN = "\x1b[B";

} // namespace

TEST_CASE("sh edit: the prompt, then typed characters echo; Enter completes the line")
{
    History h;
    LineEdit ed(h);
    ed.start("$ ");
    CHECK(std::string(ed.output()) == "$ ");
    ed.take_output();
    for (char c : std::string("echo hi")) CHECK(ed.feed(static_cast<unsigned char>(c)) == Feed::More);
    CHECK(std::string(ed.output()) == "echo hi");
    CHECK(ed.feed('\r') == Feed::Line);
    CHECK(std::string(ed.line()) == "echo hi");
    CHECK(h.size() == 1);
    CHECK(std::string(h.at(0)) == "echo hi");
}

TEST_CASE("sh edit: left and right arrows move; a character inserts at the cursor and the line is redrawn")
{
    Ed e;
    e.type("ac");
    e.out();
    e.type(LEFT);
    CHECK(e.out() == "\x1b[1D");
    CHECK(e.ed.cursor() == 1);
    e.type("b");
    CHECK(e.line() == "abc");
    CHECK(e.out() == "\r$ abc\x1b[K\x1b[1D");
    e.type(RIGHT + RIGHT + RIGHT); // stops at the end
    CHECK(e.ed.cursor() == 3);
    e.type("d");
    CHECK(e.line() == "abcd");
}

TEST_CASE("sh edit: backspace erases before the cursor anywhere; ^A, ^E, ^U, ^K, ^W")
{
    Ed e;
    e.type("hello world");
    e.type("\x01"); // ^A
    CHECK(e.ed.cursor() == 0);
    e.type("\x7f"); // nothing before the cursor
    CHECK(e.line() == "hello world");
    e.type(RIGHT + RIGHT + "\x7f");
    CHECK(e.line() == "hllo world");
    CHECK(e.ed.cursor() == 1);
    e.type("\x05"); // ^E
    CHECK(e.ed.cursor() == 10);
    e.type("\b");
    CHECK(e.line() == "hllo worl");
    e.type("\x17"); // ^W: the word before the cursor
    CHECK(e.line() == "hllo ");
    e.type("\x17"); // spaces, then the word
    CHECK(e.line() == "");
    e.type("one two three");
    e.type(LEFT + LEFT + LEFT + LEFT + LEFT);
    e.type("\x15"); // ^U: start to cursor
    CHECK(e.line() == "three");
    CHECK(e.ed.cursor() == 0);
    e.type(RIGHT + "\x0b"); // ^K: cursor to end
    CHECK(e.line() == "t");
}

TEST_CASE("sh edit: Home, End and Delete sequences; ^D deletes under the cursor, ends input only on an empty line")
{
    Ed e;
    e.type("abc");
    e.type("\x1b[H");
    CHECK(e.ed.cursor() == 0);
    e.type("\x1b[3~");
    CHECK(e.line() == "bc");
    e.type("\x1b[F");
    CHECK(e.ed.cursor() == 2);
    e.type("\x1b[1~");
    CHECK(e.ed.cursor() == 0);
    e.type("\x1b[4~");
    CHECK(e.ed.cursor() == 2);
    e.type("\x1bOH"); // application-mode Home
    CHECK(e.ed.cursor() == 0);
    CHECK(e.type("\x04") == Feed::More);
    CHECK(e.line() == "c");
    CHECK(e.type("\x04") == Feed::More);
    CHECK(e.line() == "");
    CHECK(e.type("\x04") == Feed::End);
}

TEST_CASE("sh edit: ^C abandons the line; ^L clears the screen and redraws the line")
{
    Ed e;
    e.type("partial");
    e.out();
    CHECK(e.type("\x03") == Feed::Interrupted);
    CHECK(e.out() == "^C\n");
    CHECK(e.line() == "");
    CHECK(e.hist.size() == 0);
    e.start();
    e.type("ab" + LEFT);
    e.out();
    e.type("\x0c");
    CHECK(e.out() == "\x1b[H\x1b[2J\r$ ab\x1b[K\x1b[1D");
}

TEST_CASE("sh edit: up and down walk the history; the line being typed comes back at the bottom")
{
    Ed e;
    for (const char* l : {"first\r", "second\r"}) {
        e.type(l);
        e.start();
    }
    e.type("new");
    e.out();
    e.type(UP);
    CHECK(e.line() == "second");
    CHECK(e.out() == "\r$ second\x1b[K");
    e.type(UP);
    CHECK(e.line() == "first");
    e.type(UP); // no older line
    CHECK(e.line() == "first");
    e.type(DOWN);
    CHECK(e.line() == "second");
    e.type(DOWN);
    CHECK(e.line() == "new");
    e.type(DOWN);
    CHECK(e.line() == "new");
    e.type(UP + UP + " again");
    CHECK(e.type("\r") == Feed::Line);
    CHECK(e.line() == "first again");
    CHECK(e.hist.size() == 3);
    CHECK(std::string(e.hist.at(0)) == "first"); // the recalled line is unchanged
}

TEST_CASE("sh edit: unknown escape sequences and control characters are ignored whole")
{
    Ed e;
    e.type("a\x1b[1;5Z\x1b[99X\x1bxb\x07\x12\x1b[2~c");
    CHECK(e.line() == "abc");
    e.type("\x1b[\x01"); // a control character ends a broken sequence, dropped with it
    e.type("d");
    CHECK(e.line() == "abcd");
}

TEST_CASE("sh history: blank lines and repeats are not kept; full, the oldest goes; a long line is whole")
{
    History h;
    CHECK(h.add("  "));
    CHECK(h.size() == 0);
    CHECK(h.add("ls"));
    CHECK(h.add("ls"));
    CHECK(h.size() == 1);
    char line[16];
    for (size_t i = 0; i < History::kHistoryMax + 3; i++) {
        snprintf(line, sizeof line, "cmd %zu", i);
        REQUIRE(h.add(line));
    }
    CHECK(h.size() == History::kHistoryMax);
    CHECK(std::string(h.at(0)) == "cmd 3");
    snprintf(line, sizeof line, "cmd %zu", History::kHistoryMax + 2);
    CHECK(std::string(h.at(h.size() - 1)) == line);
    const std::string big(5000, 'x');
    Ed e;
    e.type(big + "\r");
    CHECK(e.line() == big);
    CHECK(std::string(e.hist.at(0)) == big);
}
