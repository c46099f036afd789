// ps's STAT column (user/bin/ps/state.cpp): the state letters and the
// vfork, session-leader and kernel-process modifiers, from kinfo_proc
// records built here.
#include <doctest/doctest.h>

#include <abi/sysctl.h>
#include <user/bin/ps/state.h>

#include <cstring>
#include <string>

namespace {

kinfo_proc record(int pid, int sid, char stat, int64_t flag = 0, const char* wmesg = "")
{
    kinfo_proc k{};
    k.ki_structsize = sizeof(k);
    k.ki_pid = pid;
    k.ki_sid = sid;
    k.ki_stat = stat;
    k.ki_flag = flag;
    std::strncpy(k.ki_wmesg, wmesg, WMESGLEN);
    return k;
}

std::string stat_of(const kinfo_proc& k)
{
    char out[ps::kStateLen];
    ps::state(k, out);
    return out;
}

} // namespace

TEST_CASE("ps state: one letter per kernel state")
{
    CHECK(stat_of(record(5, 1, SRUN)) == "R");
    CHECK(stat_of(record(5, 1, SSLEEP, 0, "wait")) == "S");
    CHECK(stat_of(record(5, 1, SSTOP)) == "T");
    CHECK(stat_of(record(5, 1, SZOMB)) == "Z");
    CHECK(stat_of(record(5, 1, SIDL)) == "I");
    CHECK(stat_of(record(5, 1, 42)) == "?");
}

TEST_CASE("ps state: a vfork parent waiting is V, its child v")
{
    CHECK(stat_of(record(7, 1, SSLEEP, 0, KI_WMESG_PPWAIT)) == "SV");
    CHECK(stat_of(record(8, 1, SRUN, KI_P_PPWAIT)) == "Rv");
    CHECK(stat_of(record(8, 1, SSLEEP, KI_P_PPWAIT, "nanslp")) == "Sv");
}

TEST_CASE("ps state: session leaders (never proc0 or a zombie) and kernel processes")
{
    CHECK(stat_of(record(1, 1, SSLEEP, 0, "wait")) == "Ss");
    CHECK(stat_of(record(0, 0, SSLEEP, 0, "swapper")) == "S");
    CHECK(stat_of(record(9, 9, SZOMB)) == "Z");
    CHECK(stat_of(record(10, 0, SSLEEP, KI_P_KTHREAD, "pgzero")) == "SK");
    // Every modifier at once still fits.
    const std::string all = stat_of(record(3, 3, SSLEEP, KI_P_PPWAIT | KI_P_KTHREAD, KI_WMESG_PPWAIT));
    CHECK(all == "SVvsK");
    CHECK(all.size() < static_cast<size_t>(ps::kStateLen));
}
