// The shell's parser (user/bin/sh/parse.cpp): words, quotes, pipelines,
// "&", ";" lists, and each syntax error.
#include <doctest/doctest.h>

#include <user/bin/sh/parse.h>

#include <cstring>
#include <memory>
#include <string>

using sh::ParseError;
using sh::Pipeline;

namespace {

// Pipelines are large (their word buffer); keep them off the stack.
std::unique_ptr<Pipeline> parsed(const char* line, ParseError want = ParseError::None)
{
    auto p = std::make_unique<Pipeline>();
    CAPTURE(line);
    REQUIRE(sh::parse_line(line, p.get()) == want);
    return p;
}

std::string args(const sh::Command& c)
{
    std::string s;
    for (int i = 0; i < c.argc; i++) s += std::string(i ? "," : "") + c.argv[i];
    REQUIRE(c.argv[c.argc] == nullptr);
    return s;
}

} // namespace

TEST_CASE("sh parse: words separated by blanks")
{
    auto p = parsed("  echo   hello\tworld \n");
    REQUIRE(p->ncommands == 1);
    CHECK(args(p->commands[0]) == "echo,hello,world");
    CHECK_FALSE(p->background);
}

TEST_CASE("sh parse: quotes make one word and disappear")
{
    auto p = parsed("echo 'a b' \"c|d&\" x'y'z ''");
    REQUIRE(p->ncommands == 1);
    CHECK(args(p->commands[0]) == "echo,a b,c|d&,xyz,");
    CHECK(p->commands[0].argc == 5);
}

TEST_CASE("sh parse: pipelines with and without blanks, and &")
{
    auto p = parsed("cat f | sort|uniq -c &");
    REQUIRE(p->ncommands == 3);
    CHECK(args(p->commands[0]) == "cat,f");
    CHECK(args(p->commands[1]) == "sort");
    CHECK(args(p->commands[2]) == "uniq,-c");
    CHECK(p->background);
    auto q = parsed("sleep 5&");
    REQUIRE(q->ncommands == 1);
    CHECK(args(q->commands[0]) == "sleep,5");
    CHECK(q->background);
}

TEST_CASE("sh parse: blank lines are Empty, not errors")
{
    parsed("", ParseError::Empty);
    parsed("   \t \n", ParseError::Empty);
}

TEST_CASE("sh parse: a missing command next to an operator")
{
    parsed("| a", ParseError::EmptyCommand);
    parsed("a |", ParseError::EmptyCommand);
    parsed("a | | b", ParseError::EmptyCommand);
    parsed("a || b", ParseError::EmptyCommand);
    parsed("&", ParseError::EmptyCommand);
    parsed("a | &", ParseError::EmptyCommand);
}

TEST_CASE("sh parse: nothing may follow &")
{
    parsed("a & b", ParseError::AfterAmpersand);
    parsed("a & &", ParseError::AfterAmpersand);
    parsed("a & | b", ParseError::AfterAmpersand);
}

TEST_CASE("sh parse: unterminated quotes")
{
    parsed("echo 'abc", ParseError::OpenQuote);
    parsed("echo \"abc' x", ParseError::OpenQuote);
}

TEST_CASE("sh parse: limits on words, commands and length")
{
    std::string many = "cmd";
    for (int i = 0; i < sh::kMaxArgs - 1; i++) many += " w";
    auto p = parsed(many.c_str());
    CHECK(p->commands[0].argc == sh::kMaxArgs);
    parsed((many + " w").c_str(), ParseError::TooManyArgs);

    std::string pipes = "a";
    for (int i = 0; i < sh::kMaxCommands - 1; i++) pipes += "|a";
    CHECK(parsed(pipes.c_str())->ncommands == sh::kMaxCommands);
    parsed((pipes + "|a").c_str(), ParseError::TooManyCommands);

    const std::string longest(sh::kMaxLine - 1, 'x');
    CHECK(std::strlen(parsed(longest.c_str())->commands[0].argv[0]) == longest.size());
    parsed(std::string(sh::kMaxLine, 'x').c_str(), ParseError::TooLong);
}

TEST_CASE("sh parse: the word buffer holds a line of one-letter words and empty quotes")
{
    // The worst case for the buffer: every character its own word's.
    std::string line;
    for (int i = 0; i < sh::kMaxArgs; i++) line += i % 2 ? "'' " : "a ";
    auto p = parsed(line.c_str());
    CHECK(p->commands[0].argc == sh::kMaxArgs);
    CHECK(std::strcmp(p->commands[0].argv[1], "") == 0);
}

TEST_CASE("sh parse: every error has a message")
{
    for (auto e : {ParseError::None, ParseError::Empty, ParseError::TooManyArgs,
                   ParseError::TooManyCommands, ParseError::EmptyCommand, ParseError::AfterAmpersand,
                   ParseError::OpenQuote, ParseError::TooLong})
        CHECK(std::strcmp(sh::parse_error_text(e), "?") != 0);
}

TEST_CASE("sh parse: ';' ends a pipeline; rest points after it")
{
    auto p = std::make_unique<Pipeline>();
    const char* line = "echo a;echo 'b;c' | cat ; sleep 1 &";
    const char* rest = line;
    REQUIRE(sh::parse_line(rest, p.get(), &rest) == ParseError::None);
    CHECK(args(p->commands[0]) == "echo,a");
    REQUIRE(rest == line + 7);
    REQUIRE(sh::parse_line(rest, p.get(), &rest) == ParseError::None);
    REQUIRE(p->ncommands == 2);
    CHECK(args(p->commands[0]) == "echo,b;c"); // quoted: a word, not a separator
    CHECK(args(p->commands[1]) == "cat");
    CHECK_FALSE(p->background);
    REQUIRE(rest != nullptr);
    CHECK(std::strcmp(rest, " sleep 1 &") == 0);
    REQUIRE(sh::parse_line(rest, p.get(), &rest) == ParseError::None);
    CHECK(args(p->commands[0]) == "sleep,1");
    CHECK(p->background);
    CHECK(rest == nullptr); // the end of the line
}

TEST_CASE("sh parse: a ';' at the end leaves an Empty rest; a missing command before one is an error")
{
    auto p = std::make_unique<Pipeline>();
    const char* rest = nullptr;
    REQUIRE(sh::parse_line("true ;  ", p.get(), &rest) == ParseError::None);
    REQUIRE(rest != nullptr);
    CHECK(sh::parse_line(rest, p.get(), &rest) == ParseError::Empty);
    CHECK(rest == nullptr);
    parsed("; a", ParseError::EmptyCommand);
    parsed(";", ParseError::EmptyCommand);
    parsed("a | ; b", ParseError::EmptyCommand);
    parsed("a & ; b", ParseError::AfterAmpersand); // as in sh: '&' already ends it
}

TEST_CASE("sh parse: check_list finds an error in any pipeline of the line, before any runs")
{
    auto scratch = std::make_unique<Pipeline>();
    CHECK(sh::check_list("a; b | c; d &", scratch.get()) == ParseError::None);
    CHECK(sh::check_list("a;", scratch.get()) == ParseError::None);
    CHECK(sh::check_list("  ", scratch.get()) == ParseError::Empty);
    CHECK(sh::check_list("a;; b", scratch.get()) == ParseError::EmptyCommand);
    CHECK(sh::check_list("a; b; echo 'x", scratch.get()) == ParseError::OpenQuote);
    CHECK(sh::check_list("a; b |", scratch.get()) == ParseError::EmptyCommand);
    CHECK(sh::check_list("a & b; c", scratch.get()) == ParseError::AfterAmpersand);
    CHECK(sh::check_list("; ;", scratch.get()) == ParseError::EmptyCommand);
}
