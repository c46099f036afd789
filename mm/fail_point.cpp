#include <mm/fail_point.h>

#include <lib/kassert.h>
#include <mm/intr_off.h>

#include <string.h>

namespace failsite_detail {

FailSiteState sites[FAIL_SITES] = {
    {"page"}, {"zone"}, {"kmalloc"}, {"ptpage"}, {"kstack"}, {"commit"},
};
bool armed = false;

} // namespace failsite_detail

namespace {

using failsite_detail::sites;

constexpr int PPM = 1'000'000;

int g_pid_filter = 0;
int (*g_current_pid)() = nullptr;

// splitmix64: small, and the same seed gives the same sequence, which is
// all a reproducible sweep needs (this is no source of secrets).
uint64_t next_random(uint64_t& state)
{
    uint64_t z = (state += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
}

bool has_setting(const FailSiteState& s) { return s.nth || s.every || s.probability; }

void recompute_armed()
{
    bool any = g_pid_filter != 0;
    for (const FailSiteState& s : sites) any = any || has_setting(s);
    failsite_detail::armed = any;
}

bool filtered_out()
{
    if (g_pid_filter == 0) return false;
    const int pid = g_current_pid ? g_current_pid() : 0;
    return pid != g_pid_filter;
}

bool decide(FailSiteState& s)
{
    bool fail = false;
    if (s.nth > 0 && ++s.nth_seen == static_cast<uint32_t>(s.nth)) {
        s.nth = 0; // once
        fail = true;
    }
    if (s.every > 0 && ++s.every_seen % static_cast<uint32_t>(s.every) == 0) fail = true;
    if (s.probability > 0 && next_random(s.rng) % PPM < static_cast<uint64_t>(s.probability))
        fail = true;
    return fail;
}

} // namespace

bool failsite_detail::evaluate(FailSiteState& s)
{
    IntrOff off;
    if (filtered_out()) return false;
    s.count++;
    if (!decide(s)) return false;
    s.injected++;
    if (!has_setting(s)) recompute_armed();
    return true;
}

FailSiteState& fail_site(FailSite site)
{
    KASSERT(site < FailSite::Count_, "fail site %u", static_cast<unsigned>(site));
    return sites[static_cast<unsigned>(site)];
}

const char* fail_site_name(FailSite site) { return fail_site(site).name; }

FailSite fail_site_by_name(const char* name)
{
    for (unsigned i = 0; i < FAIL_SITES; i++)
        if (strcmp(sites[i].name, name) == 0) return static_cast<FailSite>(i);
    return FailSite::Count_;
}

bool fail_site_set(FailSite site, FailSetting what, int value)
{
    if (value < 0 || (what == FailSetting::Probability && value > PPM)) return false;
    FailSiteState& s = fail_site(site);
    IntrOff off;
    switch (what) {
    case FailSetting::Nth:
        s.nth = value;
        s.nth_seen = 0;
        break;
    case FailSetting::Every:
        s.every = value;
        s.every_seen = 0;
        break;
    case FailSetting::Probability: s.probability = value; break;
    case FailSetting::Seed:
        s.seed = value;
        s.rng = static_cast<uint64_t>(value);
        break;
    }
    recompute_armed();
    return true;
}

void fail_sites_reset()
{
    IntrOff off;
    for (FailSiteState& s : sites) {
        s.nth = s.every = s.probability = 0;
        s.nth_seen = s.every_seen = 0;
    }
    g_pid_filter = 0;
    recompute_armed();
}

void fail_sites_set_pid_filter(int pid)
{
    IntrOff off;
    g_pid_filter = pid < 0 ? 0 : pid;
    recompute_armed();
}

int fail_sites_pid_filter() { return g_pid_filter; }

void fail_sites_set_current_pid(int (*current_pid)()) { g_current_pid = current_pid; }
