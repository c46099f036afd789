#include <kernel/sysctl/fail_sysctl.h>

#include <abi/sysctl.h>
#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/proc/proc.h>
#include <kernel/sysctl/sysctl.h>
#include <lib/format.h>
#include <mm/fail_point.h>

#include <string.h>

namespace {

constexpr int AUTO = 0x100; // FreeBSD's first OID_AUTO number
constexpr int DEBUG_FAIL = AUTO + 1; // after debug.invariants (kernel/sysctl/sysctl_oids.cpp)
constexpr int DEBUG_FAIL_PID = AUTO + 0x40; // after every site's subtree

struct SettingName {
    FailSetting what;
    const char* name;
    const char* descr;
};
constexpr SettingName settings[] = {
    {FailSetting::Nth, "nth", "Fail the nth allocation from now, once"},
    {FailSetting::Every, "every", "Fail every kth allocation"},
    {FailSetting::Probability, "probability", "Fail this many allocations per million"},
    {FailSetting::Seed, "seed", "Seed of the probability's generator"},
};
constexpr unsigned NSETTINGS = sizeof settings / sizeof settings[0];

// One handler per site and setting: the registry's handlers get only the
// value.  The site applies it (restarting its counts); the registry then
// stores the same value in the site's field.
template <unsigned S, unsigned W>
Result<int> set_handler(int requested)
{
    if (!fail_site_set(static_cast<FailSite>(S), settings[W].what, requested)) return Errno::Inval;
    return requested;
}

using Handler = SysctlWriteHandler;
template <unsigned S>
constexpr Handler handler_row[NSETTINGS] = {set_handler<S, 0>, set_handler<S, 1>,
                                            set_handler<S, 2>, set_handler<S, 3>};
static_assert(NSETTINGS == 4, "one handler per setting");
constexpr const Handler* handler_rows[] = {handler_row<0>, handler_row<1>, handler_row<2>,
                                           handler_row<3>, handler_row<4>, handler_row<5>};
static_assert(sizeof handler_rows / sizeof handler_rows[0] == FAIL_SITES,
              "one row of handlers per fail site");

int* field_of(FailSiteState& s, FailSetting what)
{
    switch (what) {
    case FailSetting::Nth: return &s.nth;
    case FailSetting::Every: return &s.every;
    case FailSetting::Probability: return &s.probability;
    case FailSetting::Seed: return &s.seed;
    }
    return nullptr;
}

int read_u32(const void* p) { return static_cast<int>(*static_cast<const uint32_t*>(p)); }

int g_pid_filter_value = 0;
Result<int> pid_handler(int requested)
{
    if (requested < 0) return Errno::Inval;
    fail_sites_set_pid_filter(requested);
    return requested;
}

// Node names live here: the registry keeps the pointer.
char g_names[FAIL_SITES][NSETTINGS + 2][40];

int current_pid()
{
    thread* td = curthread();
    return td && td->td_proc ? td->td_proc->p_pid : -1;
}

Result<void> add_site(SysctlRegistry& registry, unsigned site, Handler const* handlers)
{
    FailSiteState& s = fail_site(static_cast<FailSite>(site));
    SysctlNode n;
    n.oid[0] = CTL_DEBUG;
    n.oid[1] = DEBUG_FAIL;
    n.oid[2] = AUTO + static_cast<int>(site);
    n.oid_len = 4;
    for (unsigned w = 0; w < NSETTINGS + 2; w++) {
        char* name = g_names[site][w];
        n.value = nullptr;
        n.get = nullptr;
        n.handler = nullptr;
        if (w < NSETTINGS) {
            snformat(name, sizeof g_names[0][0], "debug.fail.%s.%s", s.name, settings[w].name);
            n.flags = CTLFLAG_RW | CTLFLAG_ROOTWR;
            n.value = field_of(s, settings[w].what);
            n.handler = handlers[w];
            n.descr = settings[w].descr;
        } else {
            const bool count = w == NSETTINGS;
            snformat(name, sizeof g_names[0][0], "debug.fail.%s.%s", s.name,
                     count ? "count" : "injected");
            n.flags = CTLFLAG_RD;
            n.get = read_u32;
            n.get_arg = count ? &s.count : &s.injected;
            n.descr = count ? "Allocations seen" : "Failures injected";
        }
        n.name = name;
        n.oid[3] = AUTO + static_cast<int>(w);
        TRY(registry.add(n));
    }
    return {};
}

// "nth:37" -> the setting and the number; false when malformed.
bool parse_one(const char* word, size_t len, FailSetting* what, int* value)
{
    size_t key_len = 0;
    while (key_len < len && word[key_len] != ':') key_len++;
    if (key_len == len) return false;
    const char* colon = word + key_len;
    const SettingName* found = nullptr;
    for (const SettingName& s : settings)
        if (strlen(s.name) == key_len && memcmp(s.name, word, key_len) == 0) found = &s;
    if (!found) return false;
    char digits[16] = {};
    const size_t n = len - key_len - 1;
    if (n == 0 || n >= sizeof digits) return false;
    memcpy(digits, colon + 1, n);
    Result<uint64_t> v = parse_u64(digits);
    if (!v.ok() || v.value() > 0x7fffffff) return false;
    *what = found->what;
    *value = static_cast<int>(v.value());
    return true;
}

} // namespace

Result<void> fail_sysctl_register(SysctlRegistry& registry)
{
    fail_sites_set_current_pid(current_pid);
    for (unsigned site = 0; site < FAIL_SITES; site++)
        TRY(add_site(registry, site, handler_rows[site]));
    SysctlNode n;
    n.name = "debug.fail.pid";
    n.flags = CTLFLAG_RW | CTLFLAG_ROOTWR;
    n.value = &g_pid_filter_value;
    n.handler = pid_handler;
    n.descr = "Fail only this process's allocations (0: every process's)";
    n.oid[0] = CTL_DEBUG;
    n.oid[1] = DEBUG_FAIL;
    n.oid[2] = DEBUG_FAIL_PID;
    n.oid_len = 3;
    return registry.add(n);
}

Result<void> fail_apply_switch(const char* site_name, const char* value)
{
    const FailSite site = fail_site_by_name(site_name);
    if (site == FailSite::Count_ || !value) return Errno::Inval;
    FailSetting what[NSETTINGS * 2];
    int values[NSETTINGS * 2];
    unsigned count = 0;
    for (const char* p = value;;) {
        const char* comma = strchr(p, ',');
        const size_t len = comma ? static_cast<size_t>(comma - p) : strlen(p);
        if (count == NSETTINGS * 2 || !parse_one(p, len, &what[count], &values[count]))
            return Errno::Inval;
        count++;
        if (!comma) break;
        p = comma + 1;
    }
    // Seed first, so a probability given with it starts from that seed.
    for (unsigned i = 0; i < count; i++)
        if (what[i] == FailSetting::Seed) fail_site_set(site, what[i], values[i]);
    for (unsigned i = 0; i < count; i++)
        if (what[i] != FailSetting::Seed && !fail_site_set(site, what[i], values[i]))
            return Errno::Inval;
    return {};
}

void fail_boot_switches(const CmdLine& cmdline)
{
    constexpr char PREFIX[] = "fail.";
    for (const CmdLine::Entry& e : cmdline) {
        if (strncmp(e.key, PREFIX, sizeof PREFIX - 1) != 0) continue;
        const char* what = e.key + sizeof PREFIX - 1;
        if (strcmp(what, "pid") == 0) {
            Result<uint64_t> pid = e.value ? parse_u64(e.value) : Result<uint64_t>(Errno::Inval);
            if (pid.ok() && pid.value() <= 0x7fffffff) {
                g_pid_filter_value = static_cast<int>(pid.value());
                fail_sites_set_pid_filter(g_pid_filter_value);
                continue;
            }
        } else if (fail_apply_switch(what, e.value).ok()) {
            kprintf("fail: %s=%s armed\n", e.key, e.value);
            continue;
        }
        kprintf("fail: ignoring %s=%s (expected fail.<site>=nth|every|probability|seed:N,...)\n",
                e.key, e.value ? e.value : "");
    }
}
