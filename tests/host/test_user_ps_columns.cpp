// ps's columns (user/bin/ps/columns.cpp): the default line is the one ps
// always printed, -l adds PRI and TIME, -o's keywords pick columns and an
// unknown one is refused, TIME's minutes:seconds.hundredths.
#include <doctest/doctest.h>

#include <abi/sysctl.h>
#include <user/bin/ps/columns.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace {

kinfo_proc record()
{
    kinfo_proc k{};
    k.ki_structsize = sizeof(k);
    k.ki_pid = 42;
    k.ki_ppid = 1;
    k.ki_pgid = 42;
    k.ki_sid = 7;
    k.ki_uid = 1000;
    k.ki_pri = 120;
    k.ki_stat = SSLEEP;
    k.ki_runtime = 61'230'000; // 1 min 1.23 s
    std::strncpy(k.ki_wmesg, "wait", WMESGLEN);
    std::strncpy(k.ki_comm, "sh", sizeof k.ki_comm);
    return k;
}

std::string head_of(const ps::Columns& c)
{
    char out[256];
    ps::header(c, out, sizeof out);
    return out;
}

std::string line_of(const ps::Columns& c, const kinfo_proc& k)
{
    char out[256];
    ps::line(c, k, out, sizeof out);
    return out;
}

} // namespace

TEST_CASE("ps columns: the default header and line are ps's fixed format")
{
    const kinfo_proc k = record();
    const ps::Columns d = ps::default_columns();
    CHECK(head_of(d) == "  PID  PPID  PGID   SID   UID STAT WCHAN    COMMAND");
    char want[128];
    std::snprintf(want, sizeof want, "%5d %5d %5d %5d %5u %-4s %-8s %s", 42, 1, 42, 7, 1000u, "S", "wait", "sh");
    CHECK(line_of(d, k) == want);
}

TEST_CASE("ps columns: -l adds PRI and TIME; TIME is minutes:seconds.hundredths")
{
    const kinfo_proc k = record();
    const ps::Columns l = ps::long_columns();
    CHECK(head_of(l) == "  PID  PPID  PGID   SID   UID PRI STAT WCHAN        TIME COMMAND");
    CHECK(line_of(l, k) == "   42     1    42     7  1000 120 S    wait      1:01.23 sh");
    char t[32];
    ps::format_time(0, t, sizeof t);
    CHECK(std::string(t) == "0:00.00");
    ps::format_time(9'999, t, sizeof t); // under a hundredth
    CHECK(std::string(t) == "0:00.00");
    ps::format_time(3'600'000'000ull, t, sizeof t);
    CHECK(std::string(t) == "60:00.00");
}

TEST_CASE("ps columns: -o keywords, comma- or blank-separated; unknown keywords and empty lists refused")
{
    const kinfo_proc k = record();
    ps::Columns c;
    const char* bad = nullptr;
    REQUIRE(ps::parse_columns("pid,time comm", &c, &bad));
    CHECK(head_of(c) == "  PID     TIME COMMAND");
    CHECK(line_of(c, k) == "   42  1:01.23 sh");
    ps::Columns c2;
    CHECK_FALSE(ps::parse_columns("pid,nosuch", &c2, &bad));
    CHECK(std::string(bad) == "nosuch");
    ps::Columns c3;
    CHECK_FALSE(ps::parse_columns(",,", &c3, &bad));
    ps::Columns c4;
    std::string many;
    for (size_t i = 0; i <= ps::kMaxCols; i++) many += "pid,";
    CHECK_FALSE(ps::parse_columns(many.c_str(), &c4, &bad));
    CHECK(c4.n == ps::kMaxCols);
}
