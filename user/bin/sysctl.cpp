// sysctl name[=value] ...: prints "name: value" for each integer node,
// looked up by name (FreeBSD's {0, 3} name-to-OID query); with =value,
// sets it first and prints "name: old -> new".  sysctl -a walks every
// integer node ({0, 1, oid}: the next one; {0, 2, oid}: its name).
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysctl.h>
#include <unistd.h>

namespace {

// An integer node's value; nodes are 4 or 8 bytes wide.
bool get(const char* name, int64_t* value)
{
    union {
        int32_t i32;
        int64_t i64;
    } v = {};
    size_t len = sizeof(v);
    if (sysctlbyname(name, &v, &len, nullptr, 0) < 0) return false;
    if (len == sizeof(int32_t)) *value = v.i32;
    else if (len == sizeof(int64_t)) *value = v.i64;
    else {
        errno = EINVAL; // not an integer node: nothing this tool can print
        return false;
    }
    return true;
}

bool set(const char* name, const char* text, int64_t* old)
{
    char* end;
    errno = 0;
    const long long v = strtoll(text, &end, 0);
    if (!*text || *end || errno || v < INT32_MIN || v > INT32_MAX) {
        errno = EINVAL;
        return false;
    }
    int32_t nv = static_cast<int32_t>(v), ov = 0;
    size_t len = sizeof(ov);
    if (sysctlbyname(name, &ov, &len, &nv, sizeof(nv)) < 0) return false;
    *old = ov;
    return true;
}

// Why a set failed, in FreeBSD sysctl(8)'s words.  The kernel refuses
// root only for a node without CTLFLAG_WR (kernel/sysctl/sysctl.h), so root's
// EPERM means read only; another user's may also mean root only.
void set_failed(const char* name, const char* value)
{
    if (errno == ENOENT) fprintf(stderr, "sysctl: unknown oid '%s'\n", name);
    else if (errno == EPERM && geteuid() == 0) fprintf(stderr, "sysctl: oid '%s' is read only\n", name);
    else if (errno == EPERM)
        fprintf(stderr, "sysctl: oid '%s' is read only, or only root may set it\n", name);
    else if (errno == EINVAL) fprintf(stderr, "sysctl: %s: invalid value '%s'\n", name, value);
    else fprintf(stderr, "sysctl: %s=%s: %s\n", name, value, strerror(errno));
}

// One argument; false (with a message) on failure.
bool one(char* arg)
{
    char* eq = strchr(arg, '=');
    int64_t value, old;
    if (eq) {
        *eq = '\0';
        if (!set(arg, eq + 1, &old) || !get(arg, &value)) {
            set_failed(arg, eq + 1);
            return false;
        }
        printf("%s: %lld -> %lld\n", arg, static_cast<long long>(old), static_cast<long long>(value));
        return true;
    }
    if (!get(arg, &value)) {
        if (errno == ENOENT) fprintf(stderr, "sysctl: unknown oid '%s'\n", arg);
        else fprintf(stderr, "sysctl: %s: %s\n", arg, strerror(errno));
        return false;
    }
    printf("%s: %lld\n", arg, static_cast<long long>(value));
    return true;
}

// Every integer node in numeric order; false if the walk failed.
bool list_all()
{
    int query[2 + CTL_MAXNAME] = {CTL_UNSPEC, CTL_SYSCTL_NEXT, 0};
    unsigned qlen = 3; // {0, 1, 0}: from the start
    for (;;) {
        int next[CTL_MAXNAME];
        size_t len = sizeof(next);
        if (sysctl(query, qlen, next, &len, nullptr, 0) < 0) return errno == ENOENT; // the end
        const unsigned n = static_cast<unsigned>(len / sizeof(int));
        int name_query[2 + CTL_MAXNAME] = {CTL_UNSPEC, CTL_SYSCTL_NAME};
        memcpy(name_query + 2, next, n * sizeof(int));
        char name[128];
        size_t name_len = sizeof(name);
        int64_t value;
        if (sysctl(name_query, 2 + n, name, &name_len, nullptr, 0) == 0 && get(name, &value))
            printf("%s: %lld\n", name, static_cast<long long>(value));
        memcpy(query + 2, next, n * sizeof(int));
        qlen = 2 + n;
    }
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: sysctl name[=value] ...\n       sysctl -a\n");
        return 2;
    }
    if (strcmp(argv[1], "-a") == 0) {
        if (list_all()) return 0;
        fprintf(stderr, "sysctl: -a: %s\n", strerror(errno));
        return 1;
    }
    int status = 0;
    for (int i = 1; i < argc; i++)
        if (!one(argv[i])) status = 1;
    return status;
}
