#include <kernel/exec/imgact_shell.h>

#include <string.h>

namespace {
bool blank(char c) { return c == ' ' || c == '\t'; }
} // namespace

bool imgact_is_script(const void* image, size_t len)
{
    const char* s = static_cast<const char*>(image);
    return len >= 2 && s[0] == '#' && s[1] == '!';
}

Errno imgact_shell_parse(const void* image, size_t len, ShellLine* out)
{
    if (!imgact_is_script(image, len)) return Errno::NoExec;
    const char* s = static_cast<const char*>(image) + 2;
    len -= 2;
    size_t end = 0; // the line's length, without its newline
    while (end < len && s[end] != '\n') {
        if (++end > SHELL_LINE_MAX) return Errno::NameTooLong;
    }
    size_t i = 0;
    while (i < end && blank(s[i])) i++;
    const size_t name = i;
    while (i < end && !blank(s[i])) i++;
    if (i == name) return Errno::NoExec; // "#!" and nothing
    memcpy(out->interp, s + name, i - name);
    out->interp[i - name] = '\0';
    while (i < end && blank(s[i])) i++;
    size_t stop = end;
    while (stop > i && (blank(s[stop - 1]) || s[stop - 1] == '\r')) stop--;
    memcpy(out->arg, s + i, stop - i);
    out->arg[stop - i] = '\0';
    out->has_arg = stop > i;
    return Errno::Ok;
}
