// uname [-amrsv]: the system's name (-s, the default), release (-r),
// version (-v) and machine (-m), or all of them (-a), in that order, from
// kern.ostype, kern.osrelease, kern.version and hw.machine.  Sprig has no
// host name, so FreeBSD's -n is not offered.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysctl.h>

namespace {

struct Field {
    char flag;
    const char* oid;
};
constexpr Field kFields[] = {{'s', "kern.ostype"}, {'r', "kern.osrelease"}, {'v', "kern.version"}, {'m', "hw.machine"}};
constexpr size_t kNFields = sizeof kFields / sizeof kFields[0];

int usage()
{
    fprintf(stderr, "usage: uname [-amrsv]\n");
    return 1;
}

// The string node oid, or null (with a message).
char* get(const char* oid)
{
    size_t len = 0;
    if (sysctlbyname(oid, nullptr, &len, nullptr, 0) < 0) {
        fprintf(stderr, "uname: %s: %s\n", oid, strerror(errno));
        return nullptr;
    }
    char* s = static_cast<char*>(calloc(1, len + 1));
    if (!s || sysctlbyname(oid, s, &len, nullptr, 0) < 0) {
        fprintf(stderr, "uname: %s: %s\n", oid, strerror(s ? errno : ENOMEM));
        free(s);
        return nullptr;
    }
    return s;
}

} // namespace

int main(int argc, char** argv)
{
    bool want[kNFields] = {};
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] != '-' || !argv[i][1]) return usage();
        for (const char* p = argv[i] + 1; *p; p++) {
            if (*p == 'a') {
                for (bool& w : want) w = true;
                continue;
            }
            size_t f = 0;
            while (f < kNFields && kFields[f].flag != *p) f++;
            if (f == kNFields) return usage();
            want[f] = true;
        }
    }
    bool any = false;
    for (bool w : want) any = any || w;
    if (!any) want[0] = true;
    const char* sep = "";
    for (size_t f = 0; f < kNFields; f++) {
        if (!want[f]) continue;
        char* s = get(kFields[f].oid);
        if (!s) return 1;
        printf("%s%s", sep, s);
        free(s);
        sep = " ";
    }
    putchar('\n');
    return fflush(stdout) == 0 ? 0 : 1;
}
