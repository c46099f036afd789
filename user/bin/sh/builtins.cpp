// The shell's builtins, and help's list of what there is to try.
#include "builtins.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "jobs.h"
#include "parse.h"
#include "shell.h"
#include "vars.h"

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

int builtin_exit(int argc, char** argv)
{
    int status = g.status;
    if (argc > 1 && !parse_status(argv[1], &status)) {
        fprintf(stderr, "sh: exit: illegal number: %s\n", argv[1]);
        return 2;
    }
    g.exiting = true;
    g.exit_status = status;
    return status;
}

int builtin_export(int argc, char** argv)
{
    if (argc == 1) {
        vars_print_exported();
        return 0;
    }
    int st = 0;
    for (int i = 1; i < argc; i++) {
        const char* eq = strchr(argv[i], '=');
        const size_t n = eq ? static_cast<size_t>(eq - argv[i]) : strlen(argv[i]);
        if (!valid_name(argv[i], n)) {
            fprintf(stderr, "sh: export: %s: bad variable name\n", argv[i]);
            st = 1;
        } else if (!(eq ? var_assign(argv[i], true) : var_export(argv[i]))) {
            fprintf(stderr, "sh: export: out of memory\n");
            st = 1;
        }
    }
    return st;
}

int builtin_unset(int argc, char** argv)
{
    for (int i = 1; i < argc; i++) var_unset(argv[i]);
    return 0;
}

int builtin_history()
{
    for (size_t i = 0; i < g_history.size(); i++) printf("%5zu  %s\n", i + 1, g_history.at(i));
    return 0;
}

struct Entry {
    const char* usage;
    const char* what;
};

constexpr Entry kBuiltins[] = {
    {"exit [n]", "leave the shell with status n (default $?)"},
    {"wait", "wait for every background job"},
    {"jobs", "the background and stopped jobs"},
    {"fg [%n]", "job n (default the last) to the foreground"},
    {"bg [%n]", "continue stopped job n in the background"},
    {"export [N[=v]]", "put variable N in programs' environment"},
    {"unset N", "forget variable N"},
    {"history", "the lines typed (the last 500; up/down arrows recall)"},
    {"help", "this list"},
};

constexpr Entry kSyntax[] = {
    {"a | b", "pipeline; a && b, a || b; a; b; a &"},
    {"< f, > f, >> f", "redirections; also 2> f, 2>&1, n>&m"},
    {"N=v, $N, ${N}", "variables; $? status, $$ pid, $1.. $# args"},
    {"'...', \"...\", \\x", "quoting ($ expands inside \"...\")"},
    {"if/while/until/for", "if a; then b; elif c; then d; else e; fi,"},
    {"", "while a; do b; done, for i in 1 2 3; do b; done"},
    {"sh -c 'cmds' [args]", "run cmds; sh FILE [args] runs a script"},
    {"^C, ^Z, ^D", "interrupt (loops too), stop (then fg/bg), end"},
    {"editing keys", "arrows, ^A ^E ^B ^F, DEL ^U ^K ^W, ^L clear"},
};

// The programs in /bin worth a first try (docs/userland.md lists them
// all).
constexpr Entry kPrograms[] = {
    {"forkdemo", "fork: copy-on-write keeps two address spaces apart"},
    {"procwatch -- forkdemo", "watch a program's forks, execs and exits live"},
    {"truss forkdemo", "its system calls as they happen (ktrace, kdump)"},
    {"time forkdemo", "a program's real, user and system time and faults"},
    {"uname -a", "the system's name, release, version and machine"},
    {"dmesg", "the kernel's messages since boot"},
    {"vforkdemo", "vfork: the child borrows the parent's memory"},
    {"rforkdemo", "rfork: what each RF* flag shares"},
    {"ps", "the processes, their groups, sessions and states"},
    {"sysctl kern.lastpid", "a kernel variable; sysctl -a lists them all"},
    {"kill -l", "the signals; kill [-s SIG] pid sends one"},
    {"sleep 5 &", "a background job (^C kills only foreground ones)"},
    {"echo a b | cat", "a pipeline; ';' separates commands on a line"},
    {"echo hi > /tmp/x", "/tmp is writable (in memory); ls -l /tmp"},
    {"forkbomb", "fork for ever; ^C ends every copy, the kernel survives"},
    {"rttest", "the user runtime's own tests"},
};

void print(const char* title, const Entry* e, size_t n)
{
    printf("%s\n", title);
    for (size_t i = 0; i < n; i++) printf("  %-22s %s\n", e[i].usage, e[i].what);
}

int builtin_help()
{
    print("Builtins:", kBuiltins, sizeof kBuiltins / sizeof kBuiltins[0]);
    print("Syntax:", kSyntax, sizeof kSyntax / sizeof kSyntax[0]);
    print("Programs in /bin to try:", kPrograms, sizeof kPrograms / sizeof kPrograms[0]);
    return 0;
}

constexpr const char* kNames[] = {"exit", "wait", "jobs", "fg", "bg", "export", "unset", "help", "history", ":"};

} // namespace

bool is_builtin(const char* name)
{
    for (const char* n : kNames)
        if (strcmp(n, name) == 0) return true;
    return false;
}

int run_builtin(int argc, char** argv)
{
    const char* n = argv[0];
    if (strcmp(n, "exit") == 0) return builtin_exit(argc, argv);
    if (strcmp(n, "wait") == 0) return builtin_wait();
    if (strcmp(n, "jobs") == 0) return builtin_jobs();
    if (strcmp(n, "fg") == 0) return builtin_fg(argc > 1 ? argv[1] : nullptr);
    if (strcmp(n, "bg") == 0) return builtin_bg(argc > 1 ? argv[1] : nullptr);
    if (strcmp(n, "export") == 0) return builtin_export(argc, argv);
    if (strcmp(n, "unset") == 0) return builtin_unset(argc, argv);
    if (strcmp(n, "help") == 0) return builtin_help();
    if (strcmp(n, "history") == 0) return builtin_history();
    return 0; // ':'
}

} // namespace sh
