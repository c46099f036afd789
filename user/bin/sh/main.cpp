// sh: Sprig's shell.  `sh` reads commands from the terminal (prompts,
// job control, ^C abandoning the line being typed); `sh -c CMDS [NAME
// [ARGS]]` runs CMDS; `sh FILE [ARGS]` runs a script.  The language is
// parse.h's; exec.cpp runs it; builtins.cpp and jobs.cpp do the rest.
// On a terminal the shell edits the line itself (line_edit.h, with
// history): while it reads, the terminal is non-canonical without echo
// or signals; before a command runs, its attributes are as they were.
// Input that is not a terminal (a pipe, a file) is read as it comes.
// An interactive shell ignores SIGQUIT, SIGTSTP, SIGTTIN and SIGTTOU (so
// that it can hand the terminal around) and catches SIGINT only to drop
// the line being typed; its children get the defaults back.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "exec.h"
#include "jobs.h"
#include "line_edit.h"
#include "shell.h"
#include "vars.h"

namespace {

void on_sigint(int) { sh::g_interrupted = 1; }

// A growing, NUL-terminated text.
struct Text {
    char* s = nullptr;
    size_t len = 0, cap = 0;
    ~Text() { free(s); }
    bool add(char c)
    {
        if (len + 2 > cap) {
            const size_t ncap = cap ? cap * 2 : 256;
            char* ns = static_cast<char*>(realloc(s, ncap));
            if (!ns) return false;
            s = ns;
            cap = ncap;
        }
        s[len++] = c;
        s[len] = '\0';
        return true;
    }
    void clear()
    {
        len = 0;
        if (s) s[0] = '\0';
    }
};

enum class Got { Line, End, Interrupted };

// One line of stdin, with its newline, appended to t.
Got read_line(Text& t)
{
    size_t n = 0;
    for (;;) {
        const int c = getchar();
        if (c == EOF) {
            if (ferror(stdin) && errno == EINTR) {
                clearerr(stdin);
                if (sh::g_interrupted) return Got::Interrupted;
                continue;
            }
            return n ? Got::Line : Got::End;
        }
        if (!t.add(static_cast<char>(c))) {
            fprintf(stderr, "sh: out of memory\n");
            return Got::Interrupted;
        }
        n++;
        if (c == '\n') return Got::Line;
    }
}

const char* prompt_text(bool more) { return more ? "> " : (geteuid() == 0 ? "# " : "$ "); }

void prompt(bool more)
{
    fputs(prompt_text(more), stdout);
    fflush(stdout);
}

void write_all(const char* s, size_t n)
{
    while (n > 0) {
        const ssize_t w = write(STDOUT_FILENO, s, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        s += w;
        n -= static_cast<size_t>(w);
    }
}

// The terminal in the editor's mode while it lives; as it was after.
class RawMode {
public:
    explicit RawMode(const termios& cooked) : cooked_(cooked)
    {
        termios raw = cooked;
        raw.c_lflag &= ~(ICANON | ECHO | ISIG);
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        (void)tcsetattr(sh::kTty, TCSADRAIN, &raw);
    }
    ~RawMode() { (void)tcsetattr(sh::kTty, TCSADRAIN, &cooked_); }
    RawMode(const RawMode&) = delete;
    RawMode& operator=(const RawMode&) = delete;

private:
    termios cooked_;
};

void flush_editor(sh::LineEdit& ed)
{
    write_all(ed.output(), ed.output_len());
    ed.take_output();
}

// line and a newline appended to t.
Got append_line(Text& t, const char* line)
{
    for (const char* p = line; *p; p++)
        if (!t.add(*p)) return Got::Interrupted;
    return t.add('\n') ? Got::Line : Got::Interrupted;
}

// One line from the editor, with its newline, appended to t.
Got edit_line(sh::LineEdit& ed, const termios& cooked, bool more, Text& t)
{
    using Feed = sh::LineEdit::Feed;
    fflush(stdout);
    RawMode raw(cooked);
    ed.start(prompt_text(more));
    for (;;) {
        flush_editor(ed);
        unsigned char c;
        const ssize_t n = read(sh::kTty, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return Got::End;
        const Feed f = ed.feed(c);
        if (f == Feed::More) continue;
        flush_editor(ed);
        if (f == Feed::End) return Got::End;
        if (f == Feed::Interrupted) return Got::Interrupted;
        return append_line(t, ed.line());
    }
}

// A line from the editor on a terminal, else from stdin as it comes.
Got next_line(sh::LineEdit* ed, const termios& cooked, Text& t)
{
    const bool more = t.len > 0;
    if (ed) return edit_line(*ed, cooked, more, t);
    prompt(more);
    return read_line(t);
}

int interactive()
{
    sh::g.interactive = sh::g.jobctl = true;
    // Started in the background of another shell: wait (stopped by
    // SIGTTIN) until put in the foreground, rather than take the terminal
    // from the shell that owns it (FreeBSD's sh does the same).
    // (100000 is FreeBSD's NO_PID: no foreground group to wait for.)
    for (pid_t fg; (fg = tcgetpgrp(sh::kTty)) > 0 && fg != 100000 && fg != getpgrp();) kill(0, SIGTTIN);
    static const int kIgnored[] = {SIGQUIT, SIGTTOU, SIGTSTP, SIGTTIN};
    for (int sig : kIgnored) signal(sig, SIG_IGN);
    struct sigaction sa = {};
    sa.sa_handler = on_sigint; // no SA_RESTART: ^C ends the read of the line
    sigaction(SIGINT, &sa, nullptr);
    // A shell started in the background of another has no terminal to
    // itself; it still runs, its tcsetpgrp calls failing harmlessly.
    setpgid(0, 0);
    tcsetpgrp(sh::kTty, getpgrp());
    termios cooked;
    const bool tty = tcgetattr(sh::kTty, &cooked) == 0;
    // A shell killed while editing (kill -9) leaves the terminal raw, and
    // init keeps it open, so the next shell finds it so: commands must
    // get a canonical, echoing terminal back (stty sane's part of it).
    if (tty && !(cooked.c_lflag & ICANON)) {
        cooked.c_lflag |= ICANON | ECHO | ECHOE | ECHOK | ISIG;
        cooked.c_iflag |= ICRNL;
        cooked.c_cc[VMIN] = 1;
        cooked.c_cc[VTIME] = 0;
    }
    sh::LineEdit editor(sh::g_history);
    Text text;
    while (!sh::g.exiting) {
        sh::jobs_reap_finished();
        sh::g_interrupted = 0;
        const Got got = next_line(tty ? &editor : nullptr, cooked, text);
        if (got == Got::Interrupted) { // ^C and a newline were echoed
            text.clear();
            sh::g.status = 130;
            continue;
        }
        if (got == Got::End) {
            if (text.len) fprintf(stderr, "\nsh: syntax error: unexpected end of file");
            putchar('\n');
            break;
        }
        sh::Arena arena;
        sh::List* l = nullptr;
        const char* error = nullptr;
        const sh::ParseStatus st = sh::parse(text.s, arena, &l, &error);
        if (st == sh::ParseStatus::Incomplete) continue; // "> " for the rest
        if (st == sh::ParseStatus::Ok) sh::run_list(l);
        else {
            fprintf(stderr, "sh: %s\n", error);
            sh::g.status = 2;
        }
        text.clear();
    }
    return sh::g.exiting ? sh::g.exit_status : sh::g.status;
}

// The whole of file path, or null (with a message).
char* read_file(const char* path)
{
    const int fd = open(path, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "sh: %s: %s\n", path, strerror(errno));
        return nullptr;
    }
    Text t;
    char buf[512];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        for (ssize_t i = 0; i < n; i++)
            if (!t.add(buf[i])) n = -1;
    close(fd);
    if (n < 0) {
        fprintf(stderr, "sh: %s: %s\n", path, errno ? strerror(errno) : "out of memory");
        return nullptr;
    }
    if (!t.add('\0')) return nullptr;
    char* s = t.s;
    t.s = nullptr;
    return s;
}

int usage()
{
    fprintf(stderr, "usage: sh [-c commands [name [arg ...]] | file [arg ...]]\n");
    return 2;
}

} // namespace

sh::History sh::g_history;

int main(int argc, char** argv, char** envp)
{
    sh::g.pid = getpid();
    sh::vars_import(envp);
    if (argc > 1 && strcmp(argv[1], "-c") == 0) {
        if (argc < 3) return usage();
        sh::g.argc = argc > 3 ? argc - 3 : 1;
        static char* self[] = {const_cast<char*>("sh"), nullptr};
        sh::g.argv = argc > 3 ? argv + 3 : self;
        const int st = sh::run_text(argv[2]);
        return sh::g.exiting ? sh::g.exit_status : st;
    }
    if (argc > 1 && argv[1][0] == '-' && argv[1][1]) return usage();
    if (argc > 1) {
        sh::g.argc = argc - 1;
        sh::g.argv = argv + 1;
        char* text = read_file(argv[1]);
        if (!text) return 127;
        const int st = sh::run_text(text);
        free(text);
        return sh::g.exiting ? sh::g.exit_status : st;
    }
    sh::g.argc = 1;
    sh::g.argv = argv;
    return interactive();
}
