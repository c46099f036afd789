// The shell's builtins, and help's list of what there is to try.
#include "builtins.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs.h"

namespace sh {
namespace {

// exit's argument: decimal digits only; the status is its low 8 bits.
bool parse_status(const char* s, int* status)
{
    unsigned v = 0;
    if (!*s) return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return false;
        v = (v * 10 + static_cast<unsigned>(*s - '0')) & 0xffffff;
    }
    *status = static_cast<int>(v & 0xff);
    return true;
}

void builtin_exit(const Command& c)
{
    int status = 0;
    if (c.argc > 1 && !parse_status(c.argv[1], &status)) {
        fprintf(stderr, "sh: exit: illegal number: %s\n", c.argv[1]);
        return;
    }
    exit(status);
}

struct Entry {
    const char* usage;
    const char* what;
};

constexpr Entry kBuiltins[] = {
    {"exit [n]", "leave the shell with status n (0)"},
    {"wait", "wait for every background job"},
    {"help", "this list"},
};

// The programs in /bin worth a first try (ls is not one of them: there
// is none; the initrd's programs are listed in docs/userland.md).
constexpr Entry kPrograms[] = {
    {"forkdemo", "fork: copy-on-write keeps two address spaces apart"},
    {"vforkdemo", "vfork: the child borrows the parent's memory"},
    {"rforkdemo", "rfork: what each RF* flag shares"},
    {"ps", "the processes, their groups, sessions and states"},
    {"sysctl kern.lastpid", "a kernel variable; sysctl -a lists them all"},
    {"kill -l", "the signals; kill [-s SIG] pid sends one"},
    {"sleep 5 &", "a background job (^C kills only foreground ones)"},
    {"echo a b | cat", "a pipeline; ';' separates commands on a line"},
    {"forkbomb", "fork for ever; ^C ends every copy, the kernel survives"},
    {"rttest", "the user runtime's own tests"},
};

void print(const char* title, const Entry* e, size_t n)
{
    printf("%s\n", title);
    for (size_t i = 0; i < n; i++) printf("  %-22s %s\n", e[i].usage, e[i].what);
}

void builtin_help()
{
    print("Builtins:", kBuiltins, sizeof kBuiltins / sizeof kBuiltins[0]);
    print("Programs in /bin to try:", kPrograms, sizeof kPrograms / sizeof kPrograms[0]);
}

} // namespace

bool run_builtin(const Pipeline& p)
{
    if (p.ncommands != 1 || p.background) return false;
    const Command& c = p.commands[0];
    if (strcmp(c.argv[0], "exit") == 0) {
        builtin_exit(c);
        return true;
    }
    if (strcmp(c.argv[0], "wait") == 0) {
        jobs_wait_all();
        return true;
    }
    if (strcmp(c.argv[0], "help") == 0) {
        builtin_help();
        return true;
    }
    return false;
}

} // namespace sh
