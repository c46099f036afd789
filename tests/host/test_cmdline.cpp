#include <doctest/doctest.h>

#include <kernel/cmdline.h>

#include <stdint.h>
#include <string>
#include <vector>

namespace {

// "key=value" or "key" for each entry, in order.
std::vector<std::string> words(const CmdLine& cl)
{
    std::vector<std::string> v;
    for (const CmdLine::Entry& e : cl)
        v.push_back(e.value ? std::string(e.key) + "=" + e.value : std::string(e.key));
    return v;
}

std::string str(const char* s) { return s ? s : "(null)"; }

} // namespace

TEST_CASE("cmdline: a typical line")
{
    CmdLine cl;
    REQUIRE(cl.parse("console=ttyS0 init=/bin/sh kern.maxproc=40 selftest debug").ok());
    CHECK(cl.error() == nullptr);
    CHECK(cl.size() == 5);
    CHECK(str(cl.get("console")) == "ttyS0");
    CHECK(str(cl.get("init")) == "/bin/sh");
    CHECK(cl.get_u64("kern.maxproc").value() == 40);
    CHECK(cl.has("selftest"));
    CHECK(cl.has("debug"));
    CHECK(cl.has("console")); // named with a value counts too
    CHECK_FALSE(cl.has("quiet"));
    CHECK(cl.get("debug") == nullptr); // a bare flag has no value
    CHECK(cl.get("quiet") == nullptr);
    CHECK(cl.get("kern") == nullptr); // keys match whole
    CHECK_FALSE(cl.has("kern.maxproc=40"));
    std::vector<std::string> want = {"console=ttyS0", "init=/bin/sh", "kern.maxproc=40",
                                     "selftest", "debug"};
    CHECK(words(cl) == want);
    CHECK(std::string(cl[2].key) == "kern.maxproc");
}

TEST_CASE("cmdline: blanks of every kind and in any number separate words")
{
    CmdLine cl;
    REQUIRE(cl.parse("  a=1\t\tb \r\n c  ").ok());
    std::vector<std::string> want = {"a=1", "b", "c"};
    CHECK(words(cl) == want);
}

TEST_CASE("cmdline: the table is a copy of the text")
{
    CmdLine cl;
    std::string line = "root=/dev/vda rw";
    REQUIRE(cl.parse(line.c_str()).ok());
    line.assign(line.size(), 'X');
    CHECK(str(cl.get("root")) == "/dev/vda");
    CHECK(cl.has("rw"));
}

TEST_CASE("cmdline: quotes keep blanks and '=' and are removed")
{
    CmdLine cl;
    REQUIRE(cl.parse("init=\"/bin/sh -x\" msg=\"a=b\" \"two words\"=yes e= q=\"\" x=\"\"y").ok());
    CHECK(str(cl.get("init")) == "/bin/sh -x");
    CHECK(str(cl.get("msg")) == "a=b");
    CHECK(str(cl.get("two words")) == "yes");
    CHECK(str(cl.get("e")) == "");
    CHECK(str(cl.get("q")) == "");
    CHECK(str(cl.get("x")) == "y");
    // Only the first '=' splits.
    REQUIRE(cl.parse("k=v=w").ok());
    CHECK(str(cl.get("k")) == "v=w");
}

TEST_CASE("cmdline: a key named twice: the last word decides")
{
    CmdLine cl;
    REQUIRE(cl.parse("console=ttyS0 console=hvc0 debug=1 debug v v=2").ok());
    CHECK(str(cl.get("console")) == "hvc0");
    CHECK(cl.get("debug") == nullptr); // the bare word came last
    CHECK(cl.has("debug"));
    CHECK(str(cl.get("v")) == "2");
    CHECK(cl.size() == 6); // iteration still shows every word
}

TEST_CASE("cmdline: empty and null lines, and reparsing")
{
    CmdLine cl;
    REQUIRE(cl.parse("a=1").ok());
    REQUIRE(cl.parse("").ok());
    CHECK(cl.size() == 0);
    CHECK(cl.get("a") == nullptr);
    REQUIRE(cl.parse("   ").ok());
    CHECK(cl.size() == 0);
    REQUIRE(cl.parse(nullptr).ok());
    CHECK(cl.size() == 0);
    CHECK(cl.begin() == cl.end());
    CHECK_FALSE(cl.has(nullptr));
    CHECK(cl.get(nullptr) == nullptr);
}

TEST_CASE("cmdline: numbers")
{
    CmdLine cl;
    REQUIRE(cl.parse("d=1234 h=0x1F H=0XfF z=0 lead=007 max=18446744073709551615 "
                     "hmax=0xffffffffffffffff over=18446744073709551616 hover=0x10000000000000000 "
                     "neg=-1 plus=+1 junk=12k hex=0x nothex=0xg empty= sp=\" 1\" flag")
                .ok());
    CHECK(cl.get_u64("d").value() == 1234);
    CHECK(cl.get_u64("h").value() == 0x1f);
    CHECK(cl.get_u64("H").value() == 0xff);
    CHECK(cl.get_u64("z").value() == 0);
    CHECK(cl.get_u64("lead").value() == 7); // decimal, not octal
    CHECK(cl.get_u64("max").value() == UINT64_MAX);
    CHECK(cl.get_u64("hmax").value() == UINT64_MAX);
    CHECK(cl.get_u64("over").error() == Errno::Range);
    CHECK(cl.get_u64("hover").error() == Errno::Range);
    for (const char* k : {"neg", "plus", "junk", "hex", "nothex", "empty", "sp"})
        CHECK_MESSAGE(cl.get_u64(k).error() == Errno::Inval, k);
    CHECK(cl.get_u64("flag").error() == Errno::NoEnt);
    CHECK(cl.get_u64("absent").error() == Errno::NoEnt);
    // Malformed wins over too big.
    CHECK(parse_u64("99999999999999999999999x").error() == Errno::Inval);
    CHECK(parse_u64(nullptr).error() == Errno::Inval);
}

TEST_CASE("cmdline: too many words keeps the first MAX_WORDS")
{
    std::string line;
    for (size_t i = 0; i < CmdLine::MAX_WORDS + 3; i++) line += "w" + std::to_string(i) + " ";
    CmdLine cl;
    Result<void> r = cl.parse(line.c_str());
    CHECK(r.error() == Errno::TooBig);
    REQUIRE(cl.error() != nullptr);
    CHECK(std::string(cl.error()).find("too many words") != std::string::npos);
    CHECK(cl.size() == CmdLine::MAX_WORDS);
    CHECK(cl.has("w0"));
    CHECK(cl.has(("w" + std::to_string(CmdLine::MAX_WORDS - 1)).c_str()));
    CHECK_FALSE(cl.has(("w" + std::to_string(CmdLine::MAX_WORDS)).c_str()));

    // Exactly MAX_WORDS is fine, and a later parse clears the error.
    line.clear();
    for (size_t i = 0; i < CmdLine::MAX_WORDS; i++) line += "x ";
    REQUIRE(cl.parse(line.c_str()).ok());
    CHECK(cl.error() == nullptr);
    CHECK(cl.size() == CmdLine::MAX_WORDS);
}

TEST_CASE("cmdline: a line too long keeps the whole words before the cut")
{
    // One word of MAX_TEXT - 1 characters fits exactly (with its NUL).
    CmdLine cl;
    std::string big(CmdLine::MAX_TEXT - 1, 'a');
    REQUIRE(cl.parse(big.c_str()).ok());
    CHECK(std::string(cl[0].key) == big);

    // Two short words, then one that runs past the end: the short ones stay.
    std::string line = "a=1 b " + std::string(CmdLine::MAX_TEXT, 'c') + " d";
    Result<void> r = cl.parse(line.c_str());
    CHECK(r.error() == Errno::TooBig);
    REQUIRE(cl.error() != nullptr);
    CHECK(std::string(cl.error()).find("too long") != std::string::npos);
    std::vector<std::string> want = {"a=1", "b"};
    CHECK(words(cl) == want);

    // Any line shorter than MAX_TEXT fits, however it is split: here nine
    // words whose NULs take the eight blanks' places and one byte more.
    std::string longw;
    for (int i = 0; i < 8; i++) longw += std::string(126, 'p') + " ";
    longw.resize(CmdLine::MAX_TEXT - 1, 'p');
    REQUIRE(cl.parse(longw.c_str()).ok());
    CHECK(cl.size() == 9);
}

TEST_CASE("cmdline: malformed words stop the parse, keeping what came before")
{
    CmdLine cl;
    Result<void> r = cl.parse("a=1 b=\"open quote c=3");
    CHECK(r.error() == Errno::Inval);
    REQUIRE(cl.error() != nullptr);
    CHECK(std::string(cl.error()).find("unterminated quote") != std::string::npos);
    std::vector<std::string> want = {"a=1"};
    CHECK(words(cl) == want);

    r = cl.parse("a=1 =x b");
    CHECK(r.error() == Errno::Inval);
    REQUIRE(cl.error() != nullptr);
    CHECK(std::string(cl.error()).find("empty key") != std::string::npos);
    CHECK(words(cl) == want);

    r = cl.parse("\"\" b");
    CHECK(r.error() == Errno::Inval);
    CHECK(cl.size() == 0);
}
