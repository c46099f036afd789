// ps's columns: which ones (-o's list, -l's set, the default), each
// one's header and text for a kinfo_proc record.  Pure (abi/sysctl.h
// only), so the host tests build it too.
#pragma once

#include <stddef.h>

#include <abi/sysctl.h>

namespace ps {

enum class Col { Pid, Ppid, Pgid, Sid, Uid, Pri, Stat, Wchan, Time, Comm };

inline constexpr size_t kMaxCols = 16;

struct Columns {
    Col col[kMaxCols];
    size_t n = 0;
};

// The default: PID PPID PGID SID UID STAT WCHAN COMMAND.
Columns default_columns();
// -l: the default with PRI and TIME.
Columns long_columns();
// Appends -o's comma- or blank-separated keywords (pid, ppid, pgid,
// sid, uid, pri, stat, wchan, time, comm; FreeBSD's command and ucomm
// too) to c.  False for an unknown keyword or too many columns; *bad
// then points at the keyword.
bool parse_columns(const char* list, Columns* c, const char** bad);

// TIME as FreeBSD prints it: minutes:seconds.hundredths.
void format_time(uint64_t usec, char* out, size_t size);
// The header line, and one record's line (no newline; COMMAND is not
// padded, the others are right- or left-aligned to their header).
void header(const Columns& c, char* out, size_t size);
void line(const Columns& c, const kinfo_proc& k, char* out, size_t size);

} // namespace ps
