#include <doctest/doctest.h>

#include <lib/format.h>

#include <stdint.h>
#include <string.h>

TEST_CASE("format: integers, widths and padding")
{
    char buf[64];
    snformat(buf, sizeof buf, "%d %i %u", -42, 7, 3000000000u);
    CHECK(strcmp(buf, "-42 7 3000000000") == 0);
    snformat(buf, sizeof buf, "[%5d][%-5d][%05d]", 42, 42, -42);
    CHECK(strcmp(buf, "[   42][42   ][-0042]") == 0);
    snformat(buf, sizeof buf, "%lx %lX %#lx", 0xdeadbeefUL, 0xabcUL, 0x10UL);
    CHECK(strcmp(buf, "deadbeef ABC 0x10") == 0);
    snformat(buf, sizeof buf, "%016lx", 0x1234UL);
    CHECK(strcmp(buf, "0000000000001234") == 0);
    snformat(buf, sizeof buf, "%ld %lld", INT64_MIN, (long long)INT64_MAX);
    CHECK(strcmp(buf, "-9223372036854775808 9223372036854775807") == 0);
    snformat(buf, sizeof buf, "%zu %o %hhu", (size_t)12345, 8u, 300);
    CHECK(strcmp(buf, "12345 10 44") == 0);
}

TEST_CASE("format: strings, chars, pointers")
{
    char buf[64];
    snformat(buf, sizeof buf, "%s|%-4s|%4s|%c%%", "ab", "x", "y", 'z');
    CHECK(strcmp(buf, "ab|x   |   y|z%") == 0);
    const char* volatile null_string = nullptr;
    snformat(buf, sizeof buf, "%s", null_string);
    CHECK(strcmp(buf, "(null)") == 0);
    snformat(buf, sizeof buf, "%p", (void*)0x80200000UL);
    CHECK(strcmp(buf, "0x80200000") == 0);
    snformat(buf, sizeof buf, "%*d|%-*d", 4, 1, 3, 2);
    CHECK(strcmp(buf, "   1|2  ") == 0);
}

TEST_CASE("format: truncation keeps the terminator and reports the full length")
{
    char buf[8];
    int n = snformat(buf, sizeof buf, "%s", "hello, world");
    CHECK(n == 12);
    CHECK(strcmp(buf, "hello, ") == 0);
    char one[1] = {'x'};
    CHECK(snformat(one, 1, "abc") == 3);
    CHECK(one[0] == '\0');
}
