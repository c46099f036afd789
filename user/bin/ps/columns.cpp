#include "columns.h"

#include <stdio.h>
#include <string.h>

#include "state.h"

namespace ps {

namespace {

struct Info {
    Col col;
    const char* key;
    const char* head;
    int width; // negative: left-aligned
};

constexpr Info kInfo[] = {
    {Col::Pid, "pid", "PID", 5},     {Col::Ppid, "ppid", "PPID", 5},      {Col::Pgid, "pgid", "PGID", 5},
    {Col::Sid, "sid", "SID", 5},     {Col::Uid, "uid", "UID", 5},         {Col::Pri, "pri", "PRI", 3},
    {Col::Stat, "stat", "STAT", -4}, {Col::Wchan, "wchan", "WCHAN", -8},  {Col::Time, "time", "TIME", 8},
    {Col::Comm, "comm", "COMMAND", 0}, {Col::Comm, "command", "COMMAND", 0}, {Col::Comm, "ucomm", "COMMAND", 0},
};

const Info& info(Col c)
{
    for (const Info& i : kInfo)
        if (i.col == c) return i;
    return kInfo[0];
}

template <size_t N>
Columns make(const Col (&cols)[N])
{
    static_assert(N <= kMaxCols);
    Columns c;
    for (Col col : cols) c.col[c.n++] = col;
    return c;
}

constexpr Col kDefault[] = {Col::Pid, Col::Ppid, Col::Pgid, Col::Sid, Col::Uid, Col::Stat, Col::Wchan, Col::Comm};
constexpr Col kLong[] = {Col::Pid,  Col::Ppid,  Col::Pgid, Col::Sid, Col::Uid,
                         Col::Pri,  Col::Stat,  Col::Wchan, Col::Time, Col::Comm};

// Appends s padded to width (negative: on the right) to out at *at.
void put(char* out, size_t size, size_t* at, const char* s, int width, bool first)
{
    if (*at >= size) return;
    const int n = snprintf(out + *at, size - *at, "%s%*s", first ? "" : " ", width, s);
    if (n > 0) *at += static_cast<size_t>(n);
    if (*at >= size) *at = size - 1;
}

void cell(Col c, const kinfo_proc& k, char* s, size_t size)
{
    switch (c) {
    case Col::Pid: snprintf(s, size, "%d", k.ki_pid); return;
    case Col::Ppid: snprintf(s, size, "%d", k.ki_ppid); return;
    case Col::Pgid: snprintf(s, size, "%d", k.ki_pgid); return;
    case Col::Sid: snprintf(s, size, "%d", k.ki_sid); return;
    case Col::Uid: snprintf(s, size, "%u", static_cast<unsigned>(k.ki_uid)); return;
    case Col::Pri: snprintf(s, size, "%u", static_cast<unsigned>(k.ki_pri)); return;
    case Col::Stat: {
        char st[kStateLen];
        state(k, st);
        snprintf(s, size, "%s", st);
        return;
    }
    case Col::Wchan: snprintf(s, size, "%s", k.ki_wmesg[0] ? k.ki_wmesg : "-"); return;
    case Col::Time: format_time(k.ki_runtime, s, size); return;
    case Col::Comm: snprintf(s, size, "%s", k.ki_comm); return;
    }
}

} // namespace

Columns default_columns() { return make(kDefault); }

Columns long_columns() { return make(kLong); }

bool parse_columns(const char* list, Columns* c, const char** bad)
{
    const char* p = list;
    while (*p) {
        while (*p == ',' || *p == ' ') p++;
        if (!*p) break;
        const size_t len = strcspn(p, ", ");
        const Info* found = nullptr;
        for (const Info& i : kInfo)
            if (strlen(i.key) == len && strncmp(i.key, p, len) == 0) found = &i;
        if (!found || c->n == kMaxCols) {
            *bad = p;
            return false;
        }
        c->col[c->n++] = found->col;
        p += len;
    }
    if (c->n == 0) {
        *bad = list;
        return false;
    }
    return true;
}

void format_time(uint64_t usec, char* out, size_t size)
{
    const uint64_t cs = usec / 10000; // hundredths
    snprintf(out, size, "%lu:%02lu.%02lu", static_cast<unsigned long>(cs / 6000),
             static_cast<unsigned long>(cs / 100 % 60), static_cast<unsigned long>(cs % 100));
}

void header(const Columns& c, char* out, size_t size)
{
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < c.n; i++) {
        const Info& inf = info(c.col[i]);
        const bool last = i + 1 == c.n;
        put(out, size, &at, inf.head, last && inf.width < 0 ? 0 : inf.width, i == 0);
    }
}

void line(const Columns& c, const kinfo_proc& k, char* out, size_t size)
{
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < c.n; i++) {
        char s[64];
        cell(c.col[i], k, s, sizeof s);
        const Info& inf = info(c.col[i]);
        const bool last = i + 1 == c.n;
        put(out, size, &at, s, last && inf.width < 0 ? 0 : inf.width, i == 0);
    }
}

} // namespace ps
