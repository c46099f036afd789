// The shell's parser (user/bin/sh/parse.cpp) and word expansion
// (expand.cpp): lists, and-or chains, pipelines, redirections,
// assignments, if/while/until/for, incomplete input and each syntax
// error; $ parameters, quotes and field splitting.
#include <doctest/doctest.h>

#include <user/bin/sh/expand.h>
#include <user/bin/sh/parse.h>

#include <cstring>
#include <map>
#include <string>

using sh::CmdKind;
using sh::ParseStatus;

namespace {

// A parse that must give `want`; the tree lives as long as the Parsed.
struct Parsed {
    sh::Arena arena;
    sh::List* list = nullptr;
    const char* error = nullptr;
    ParseStatus status;
    explicit Parsed(const char* text) { status = sh::parse(text, arena, &list, &error); }
};

std::string words(const sh::Word* w)
{
    std::string s;
    for (; w; w = w->next) s += std::string(s.empty() ? "" : ",") + w->raw;
    return s;
}

// The list in a compact form: items separated by " ; " (or " & "),
// and-or joins as && and ||, pipes as |, a simple command as its words,
// compound commands as IF/WHILE/UNTIL/FOR{...}.
std::string show(const sh::List* l);

std::string show_cmd(const sh::Command* c)
{
    std::string s;
    switch (c->kind) {
    case CmdKind::Simple:
        if (c->assigns) s += "[" + words(c->assigns) + "]";
        s += words(c->words);
        break;
    case CmdKind::If:
        s = "IF{" + show(c->cond) + "}THEN{" + show(c->body) + "}";
        if (c->else_part) s += "ELSE{" + show(c->else_part) + "}";
        break;
    case CmdKind::While: s = "WHILE{" + show(c->cond) + "}DO{" + show(c->body) + "}"; break;
    case CmdKind::Until: s = "UNTIL{" + show(c->cond) + "}DO{" + show(c->body) + "}"; break;
    case CmdKind::For:
        s = std::string("FOR ") + c->var + (c->for_has_in ? " IN " + words(c->words) : "") + "{" +
            show(c->body) + "}";
        break;
    }
    for (const sh::Redir* r = c->redirs; r; r = r->next) {
        static const char* ops[] = {"<", ">", ">>", "<&", ">&"};
        s += " " + std::to_string(r->fd) + ops[static_cast<int>(r->op)] + r->target;
    }
    return s;
}

std::string show(const sh::List* l)
{
    std::string s;
    for (const sh::Item* it = l ? l->items : nullptr; it; it = it->next) {
        for (const sh::Pipeline* p = it->andor; p; p = p->next) {
            if (p->bang) s += "! ";
            int n = 0;
            for (const sh::Command* c = p->commands; c; c = c->next, n++) s += (n ? " | " : "") + show_cmd(c);
            CHECK(n == p->ncommands);
            if (p->join == sh::Join::And) s += " && ";
            if (p->join == sh::Join::Or) s += " || ";
        }
        s += it->background ? " &" : "";
        if (it->next) s += " ; ";
    }
    return s;
}

std::string parsed_ok(const char* text)
{
    Parsed p(text);
    CAPTURE(text);
    REQUIRE(p.status == ParseStatus::Ok);
    return show(p.list);
}

std::string error_of(const char* text)
{
    Parsed p(text);
    CAPTURE(text);
    REQUIRE(p.status == ParseStatus::Error);
    return p.error;
}

std::map<std::string, std::string> g_vars;

const char* lookup(void*, const char* name, size_t len)
{
    const auto it = g_vars.find(std::string(name, len));
    return it == g_vars.end() ? nullptr : it->second.c_str();
}

// Fields joined with '|'; "<none>" for no field.
std::string expanded(const char* raw)
{
    sh::Fields f;
    REQUIRE(sh::expand_word(raw, lookup, nullptr, &f));
    if (f.n == 0) return "<none>";
    REQUIRE(f.v[f.n] == nullptr);
    std::string s;
    for (int i = 0; i < f.n; i++) s += std::string(i ? "|" : "") + f.v[i];
    return s;
}

} // namespace

TEST_CASE("sh parse: words, blanks, comments and quotes kept for expansion")
{
    CHECK(parsed_ok("  echo   hello\tworld ") == "echo,hello,world");
    CHECK(parsed_ok("echo 'a b' \"c|d&\" x'y'z '' # a comment") == "echo,'a b',\"c|d&\",x'y'z,''");
    CHECK(parsed_ok("echo a\\ b") == "echo,a\\ b");
    Parsed empty("   # only a comment\n\n");
    CHECK(empty.status == ParseStatus::Ok);
    CHECK(empty.list == nullptr);
}

TEST_CASE("sh parse: pipelines, ';', '&' mixed, && and ||")
{
    CHECK(parsed_ok("cat f | sort|uniq -c &") == "cat,f | sort | uniq,-c &");
    CHECK(parsed_ok("sleep 2 & sleep 3 &") == "sleep,2 & ; sleep,3 &");
    CHECK(parsed_ok("a; b & c") == "a ; b & ; c");
    CHECK(parsed_ok("a && b || c; d") == "a && b || c ; d");
    CHECK(parsed_ok("a &&\n b |\n c") == "a && b | c");
    CHECK(parsed_ok("! false && echo x") == "! false && echo,x");
}

TEST_CASE("sh parse: no fixed limit on words or pipeline length")
{
    std::string line = "echo";
    for (int i = 0; i < 500; i++) line += " w" + std::to_string(i);
    std::string pipe = "cat";
    for (int i = 0; i < 100; i++) pipe += " | cat";
    Parsed a(line.c_str());
    REQUIRE(a.status == ParseStatus::Ok);
    int n = 0;
    for (const sh::Word* w = a.list->items->andor->commands->words; w; w = w->next) n++;
    CHECK(n == 501);
    Parsed b(pipe.c_str());
    REQUIRE(b.status == ParseStatus::Ok);
    CHECK(b.list->items->andor->ncommands == 101);
}

TEST_CASE("sh parse: redirections with and without descriptor numbers")
{
    CHECK(parsed_ok("cmd <in >out 2>err") == "cmd 0<in 1>out 2>err");
    CHECK(parsed_ok("cmd >>log 2>&1") == "cmd 1>>log 2>&1");
    CHECK(parsed_ok("echo x >&2") == "echo,x 1>&2");
    CHECK(parsed_ok("echo 2 > f") == "echo,2 1>f"); // "2 >": a word, then a redirection
    CHECK(parsed_ok("> f") == " 1>f");
    CHECK(error_of("cat <\n") == std::string("syntax error: a file name is missing before 'newline'"));
}

TEST_CASE("sh parse: assignments only before the command name")
{
    CHECK(parsed_ok("A=1 B=x cmd C=2") == "[A=1,B=x]cmd,C=2");
    CHECK(parsed_ok("A=1") == "[A=1]");
    CHECK(parsed_ok("1A=x cmd") == "1A=x,cmd"); // not a name: a word
}

TEST_CASE("sh parse: if, elif, else; while, until; for")
{
    CHECK(parsed_ok("if a; then b; fi") == "IF{a}THEN{b}");
    CHECK(parsed_ok("if a\nthen b\nelif c; then d\nelse e; fi") == "IF{a}THEN{b}ELSE{IF{c}THEN{d}ELSE{e}}");
    CHECK(parsed_ok("while true; do forkdemo & done") == "WHILE{true}DO{forkdemo &}");
    CHECK(parsed_ok("until a; do b; c; done > log") == "UNTIL{a}DO{b ; c} 1>log");
    CHECK(parsed_ok("for i in 1 2 3; do echo $i; done") == "FOR i IN 1,2,3{echo,$i}");
    CHECK(parsed_ok("for i\ndo echo $i\ndone") == "FOR i{echo,$i}");
    CHECK(parsed_ok("for i in; do x; done") == "FOR i IN {x}");
    CHECK(parsed_ok("if a; then for i in x; do b | c; done; fi | cat") ==
          "IF{a}THEN{FOR i IN x{b | c}} | cat");
    CHECK(parsed_ok("echo if then fi") == "echo,if,then,fi"); // reserved only first
    CHECK(parsed_ok("'if' a") == "'if',a");                   // a quoted one is a word
}

TEST_CASE("sh parse: input that ends too soon asks for more")
{
    for (const char* t : {"echo 'open", "echo \"open", "a |", "a &&", "a ||", "if a; then b",
                          "while a; do", "for i in 1 2", "if a; then b; else", "echo \\"}) {
        Parsed p(t);
        CAPTURE(t);
        CHECK(p.status == ParseStatus::Incomplete);
    }
    CHECK(parsed_ok("echo 'open\nclose'") == "echo,'open\nclose'");
}

TEST_CASE("sh parse: syntax errors say where")
{
    CHECK(error_of("| a") == std::string("syntax error: a command is missing before '|'"));
    CHECK(error_of("a | | b") == std::string("syntax error: a command is missing before '|'"));
    CHECK(error_of("; a") == std::string("syntax error: a command is missing before ';'"));
    CHECK(error_of("a ;; b") == std::string("syntax error: unexpected ';;'"));
    CHECK(error_of("&") == std::string("syntax error: a command is missing before '&'"));
    CHECK(error_of("echo x; fi") == std::string("syntax error: unexpected 'fi'"));
    CHECK(error_of("if a; fi") == std::string("syntax error: wanted 'then', not 'fi'"));
    CHECK(error_of("if a; then fi") == std::string("syntax error: a command is missing before 'fi'"));
    CHECK(error_of("for 1x in a; do b; done") == std::string("syntax error: a variable name is wanted, not '1x'"));
    CHECK(error_of("cat < | x") == std::string("syntax error: a file name is missing before '|'"));
    CHECK(error_of("(a)") == std::string("syntax error: a command is missing before '('"));
}

TEST_CASE("sh expand: parameters, quotes, backslashes and field splitting")
{
    g_vars = {{"A", "one"}, {"SP", " x  y "}, {"E", ""}, {"?", "3"}, {"1", "first"}};
    CHECK(expanded("plain") == "plain");
    CHECK(expanded("$A") == "one");
    CHECK(expanded("${A}x") == "onex");
    CHECK(expanded("$Ax") == "<none>"); // the name is Ax
    CHECK(expanded("'$A'") == "$A");
    CHECK(expanded("\"$A $A\"") == "one one");
    CHECK(expanded("$SP") == "x|y");
    CHECK(expanded("\"$SP\"") == " x  y ");
    CHECK(expanded("a${SP}b") == "a|x|y|b");
    CHECK(expanded("$E") == "<none>");
    CHECK(expanded("\"$E\"") == "");
    CHECK(expanded("''") == "");
    CHECK(expanded("$NOPE") == "<none>");
    CHECK(expanded("$? $1") == "3 first");
    CHECK(expanded("\\$A") == "$A");
    CHECK(expanded("\"\\$A \\\" \\x\"") == "$A \" \\x");
    CHECK(expanded("$") == "$");
    CHECK(expanded("a$") == "a$");
    CHECK(expanded("${A") == "${A");
    char* one = sh::expand_one("$SP", lookup, nullptr);
    REQUIRE(one);
    CHECK(std::string(one) == " x  y "); // never split
    free(one);
}
