// Running the tree parse.h makes.  A pipeline of one builtin or compound
// command runs in the shell itself (its redirections applied and then
// undone); anything else runs in children, one per command, joined by
// pipes, in a process group of their own when the shell has job control.
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "builtins.h"
#include "expand.h"
#include "jobs.h"
#include "shell.h"
#include "vars.h"

namespace sh {

Shell g;
volatile sig_atomic_t g_interrupted = 0;

namespace {

// The job-control signals an interactive shell ignores and its children must not.
constexpr int kJobSignals[] = {SIGINT, SIGQUIT, SIGTTOU, SIGTSTP, SIGTTIN};

void default_signals()
{
    for (int sig : kJobSignals) signal(sig, SIG_DFL);
}

char g_numbuf[2][24];

// Whether the pipeline running now is a whole command line's item, not
// part of an and-or chain or a compound command: only those report a
// failure status.
bool g_report = false;
int g_depth = 0; // compound commands being run

const char* number(int slot, long v)
{
    snprintf(g_numbuf[slot], sizeof g_numbuf[slot], "%ld", v);
    return g_numbuf[slot];
}

// The command's words expanded into out; false (with a message) when out of memory.
bool expand_words(const Word* w, Fields* out)
{
    for (; w; w = w->next) {
        if (!expand_word(w->raw, lookup, nullptr, out)) {
            fprintf(stderr, "sh: out of memory\n");
            return false;
        }
    }
    return true;
}

// Descriptors saved while a redirection applies to the shell itself.
struct Saved {
    int fd;
    int copy; // -1: it was closed
    Saved* next;
};

void restore(Saved* s)
{
    while (s) {
        if (s->copy >= 0) {
            dup2(s->copy, s->fd);
            close(s->copy);
        } else {
            close(s->fd);
        }
        Saved* next = s->next;
        free(s);
        s = next;
    }
}

int open_target(const Redir* r, const char* path)
{
    switch (r->op) {
    case RedirOp::In: return open(path, O_RDONLY);
    case RedirOp::Out: return open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    case RedirOp::Append: return open(path, O_WRONLY | O_CREAT | O_APPEND, 0666);
    default: break;
    }
    // n>&m, n<&m: m a descriptor number, or '-' to close n.
    if (strcmp(path, "-") == 0) return -2;
    char* end;
    const long fd = strtol(path, &end, 10);
    if (!*path || *end || fd < 0 || fd > 1000000) {
        errno = EBADF;
        return -1;
    }
    return static_cast<int>(fd);
}

// Applies the redirections in order; with `saved`, what they replace is
// kept there to be restored.  False (with a message) on the first that fails.
bool apply_redirs(const Redir* r, Saved** saved)
{
    for (; r; r = r->next) {
        char* path = expand_one(r->target, lookup, nullptr);
        if (!path) {
            fprintf(stderr, "sh: out of memory\n");
            return false;
        }
        const bool is_dup = r->op == RedirOp::DupIn || r->op == RedirOp::DupOut;
        const int fd = open_target(r, path);
        if (fd == -1) {
            fprintf(stderr, "sh: %s: %s\n", path, strerror(errno));
            free(path);
            return false;
        }
        free(path);
        if (saved) {
            Saved* s = static_cast<Saved*>(malloc(sizeof(Saved)));
            if (!s) {
                if (!is_dup && fd >= 0) close(fd);
                fprintf(stderr, "sh: out of memory\n");
                return false;
            }
            s->fd = r->fd;
            s->copy = dup2(r->fd, r->fd) == r->fd ? ::dup(r->fd) : -1;
            s->next = *saved;
            *saved = s;
        }
        if (fd == -2) {
            close(r->fd);
        } else if (fd != r->fd) {
            if (dup2(fd, r->fd) < 0) {
                fprintf(stderr, "sh: %d: %s\n", fd, strerror(errno));
                if (!is_dup) close(fd);
                return false;
            }
            if (!is_dup) close(fd);
        }
    }
    return true;
}

int run_command_here(const Command* c);

// Execs the simple command (in a child); never returns.
[[noreturn]] void exec_simple(const Command* c, Fields& words)
{
    Fields assigns;
    for (const Word* a = c->assigns; a; a = a->next) {
        char* s = expand_one(a->raw, lookup, nullptr);
        if (!s || !assigns.push(s, strlen(s))) _exit(126);
        free(s);
    }
    char** env = vars_environ(assigns.v, assigns.n);
    if (!env) _exit(126);
    environ = env;
    execvp(words.v[0], words.v);
    const int err = errno;
    if (err == ENOENT) fprintf(stderr, "sh: %s: not found\n", words.v[0]);
    else fprintf(stderr, "sh: %s: %s\n", words.v[0], strerror(err));
    _exit(err == ENOENT ? 127 : 126); // POSIX's "not found" and "not runnable"
}

// In a child: runs command c (a program is exec'd; a builtin or compound
// command runs in this copy of the shell) and exits with its status.
[[noreturn]] void run_in_child(const Command* c)
{
    if (!apply_redirs(c->redirs, nullptr)) _exit(1);
    if (c->kind == CmdKind::Simple) {
        Fields words;
        if (!expand_words(c->words, &words)) _exit(126);
        if (words.n == 0) _exit(0);
        if (!is_builtin(words.v[0])) exec_simple(c, words);
        const int st = run_builtin(words.n, words.v);
        fflush(stdout);
        _exit(st);
    }
    const int st = run_command_here(c);
    fflush(stdout);
    _exit(g.exiting ? g.exit_status : st);
}

// The pids of a pipeline being started.
struct Pids {
    pid_t* v = nullptr;
    int n = 0;
    ~Pids() { free(v); }
};

// Starts every command of the pipeline in children; false when none started.
bool start_pipeline(const Pipeline* p, bool foreground, Pids* pids, pid_t* pgid_out)
{
    pids->v = static_cast<pid_t*>(malloc(sizeof(pid_t) * static_cast<size_t>(p->ncommands)));
    if (!pids->v) {
        fprintf(stderr, "sh: out of memory\n");
        return false;
    }
    pid_t pgid = 0;
    int in = STDIN_FILENO;
    for (const Command* c = p->commands; c; c = c->next) {
        int fds[2] = {-1, -1};
        const bool last = !c->next;
        if (!last && pipe(fds) < 0) {
            fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
            break;
        }
        fflush(stdout);
        const pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "sh: fork: %s\n", strerror(errno));
            if (!last) {
                close(fds[0]);
                close(fds[1]);
            }
            break;
        }
        if (pid == 0) {
            if (g.jobctl) {
                setpgid(0, pgid);
                if (foreground) tcsetpgrp(kTty, pgid ? pgid : getpid());
                default_signals();
            } else if (!foreground) {
                // Without job control a background job must not take ^C.
                signal(SIGINT, SIG_IGN);
                signal(SIGQUIT, SIG_IGN);
            }
            g.interactive = g.jobctl = false;
            if (in != STDIN_FILENO) {
                dup2(in, STDIN_FILENO);
                close(in);
            }
            if (!last) {
                dup2(fds[1], STDOUT_FILENO);
                close(fds[1]);
                close(fds[0]);
            }
            run_in_child(c);
        }
        // Both sides set the group, so neither order of running races.
        if (!pgid) pgid = pid;
        if (g.jobctl) setpgid(pid, pgid);
        pids->v[pids->n++] = pid;
        if (in != STDIN_FILENO) close(in);
        if (!last) {
            close(fds[1]);
            in = fds[0];
        }
    }
    if (in != STDIN_FILENO) close(in);
    *pgid_out = g.jobctl ? pgid : getpgrp();
    return pids->n > 0;
}

const char* first_word(const Pipeline* p)
{
    const Command* c = p->commands;
    while (c->next) c = c->next;
    if (c->kind != CmdKind::Simple || !c->words) return "sh";
    return c->words->raw;
}

// A pipeline in children; waits for it in the foreground.
int run_in_children(const Pipeline* p, bool background, const char* text)
{
    Pids pids;
    pid_t pgid;
    if (!start_pipeline(p, !background, &pids, &pgid)) return 1;
    if (background) {
        job_background(pgid, pids.v, pids.n, text);
        return 0;
    }
    int raw = 0;
    const int st = wait_foreground(pgid, pids.v, pids.n, text, &raw);
    if (g.interactive && WIFSIGNALED(raw) && WTERMSIG(raw) == SIGINT) g_interrupted = 1;
    // Interactive: say how a program typed alone ended unless it simply
    // succeeded (not a condition's status, nor a loop's commands).
    if (g.interactive && g_report && pids.n == p->ncommands && !WIFSTOPPED(raw)) {
        Fields name;
        if (expand_word(first_word(p), lookup, nullptr, &name) && name.n) report_status(name.v[0], raw);
    }
    return st;
}

// Assignments alone ("A=1 B=2"): shell variables.
int assign_all(const Word* a)
{
    for (; a; a = a->next) {
        char* s = expand_one(a->raw, lookup, nullptr);
        const bool ok = s && var_assign(s);
        free(s);
        if (!ok) {
            fprintf(stderr, "sh: out of memory\n");
            return 1;
        }
    }
    return 0;
}

int run_for(const Command* c)
{
    Fields items;
    if (c->for_has_in) {
        if (!expand_words(c->words, &items)) return 1;
    } else {
        for (int i = 1; i < g.argc; i++) items.push(g.argv[i], strlen(g.argv[i]));
    }
    int st = 0;
    for (int i = 0; i < items.n && !g.exiting && !g_interrupted; i++) {
        if (!var_set(c->var, items.v[i])) return 1;
        st = run_list(c->body);
    }
    return st;
}

// A compound command, or a simple one that is a builtin, in the shell.
int run_compound(const Command* c);

int run_command_here(const Command* c)
{
    if (c->kind == CmdKind::Simple) {
        Fields words;
        if (!expand_words(c->words, &words)) return 1;
        if (words.n == 0) return assign_all(c->assigns);
        return run_builtin(words.n, words.v);
    }
    g_depth++;
    const int st = run_compound(c);
    g_depth--;
    return st;
}

int run_compound(const Command* c)
{
    switch (c->kind) {
    case CmdKind::If: {
        if (run_list(c->cond) == 0 && !g.exiting) return run_list(c->body);
        return c->else_part && !g.exiting ? run_list(c->else_part) : 0;
    }
    case CmdKind::While:
    case CmdKind::Until: {
        int st = 0;
        while (!g.exiting && !g_interrupted) {
            const bool yes = run_list(c->cond) == 0;
            if (g.exiting || g_interrupted || yes != (c->kind == CmdKind::While)) break;
            st = run_list(c->body);
        }
        return st;
    }
    case CmdKind::For: return run_for(c);
    case CmdKind::Simple: break;
    }
    return 0;
}

// Whether the single command of a pipeline runs in the shell itself.
bool runs_here(const Command* c, bool* empty)
{
    *empty = false;
    if (c->kind != CmdKind::Simple) return true;
    Fields words;
    if (!expand_words(c->words, &words)) return false;
    *empty = words.n == 0;
    return words.n == 0 || is_builtin(words.v[0]);
}

int run_pipeline(const Pipeline* p, const char* text)
{
    int st;
    bool empty = false;
    if (p->ncommands == 1 && runs_here(p->commands, &empty)) {
        Saved* saved = nullptr;
        fflush(stdout);
        if (apply_redirs(p->commands->redirs, &saved)) st = run_command_here(p->commands);
        else st = 1;
        fflush(stdout);
        restore(saved);
    } else {
        st = run_in_children(p, false, text);
    }
    return p->bang ? !st : st;
}

int run_andor(const Pipeline* p, const char* text)
{
    int st = 0;
    bool run = true;
    const bool alone = !p->next && g_depth == 0;
    for (; p && !g.exiting; p = p->next) {
        if (run) {
            g_report = alone;
            st = run_pipeline(p, text);
            g.status = st;
        }
        if (p->join == Join::And) run = st == 0;
        else if (p->join == Join::Or) run = st != 0;
    }
    return st;
}

// "a && b &": the whole chain in a child shell, as one job.
void run_background(const Item* it)
{
    const Pipeline* p = it->andor;
    if (!p->next && !p->bang) {
        (void)run_in_children(p, true, it->text);
        return;
    }
    fflush(stdout);
    const pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "sh: fork: %s\n", strerror(errno));
        return;
    }
    if (pid == 0) {
        if (g.jobctl) {
            setpgid(0, 0);
            default_signals();
        } else {
            signal(SIGINT, SIG_IGN);
            signal(SIGQUIT, SIG_IGN);
        }
        g.interactive = g.jobctl = false;
        const int st = run_andor(p, it->text);
        fflush(stdout);
        _exit(g.exiting ? g.exit_status : st);
    }
    if (g.jobctl) setpgid(pid, pid);
    job_background(g.jobctl ? pid : getpgrp(), &pid, 1, it->text);
}

} // namespace

const char* lookup(void*, const char* name, size_t len)
{
    if (len == 1) {
        switch (name[0]) {
        case '?': return number(0, g.status);
        case '$': return number(1, g.pid);
        case '#': return number(0, g.argc > 0 ? g.argc - 1 : 0);
        default: break;
        }
        if (name[0] >= '0' && name[0] <= '9') {
            const int i = name[0] - '0';
            return i < g.argc ? g.argv[i] : nullptr;
        }
    }
    return var_get(name, len);
}

int run_list(const List* l)
{
    int st = 0;
    for (const Item* it = l ? l->items : nullptr; it && !g.exiting && !g_interrupted; it = it->next) {
        if (it->background) {
            run_background(it);
            st = 0;
        } else {
            st = run_andor(it->andor, it->text);
        }
        g.status = st;
    }
    return st;
}

int run_text(const char* text)
{
    Arena arena;
    List* l = nullptr;
    const char* error = nullptr;
    switch (parse(text, arena, &l, &error)) {
    case ParseStatus::Ok: break;
    case ParseStatus::Incomplete:
        fprintf(stderr, "sh: syntax error: unexpected end of file\n");
        return g.status = 2;
    default:
        fprintf(stderr, "sh: %s\n", error);
        return g.status = 2;
    }
    return run_list(l);
}

} // namespace sh
