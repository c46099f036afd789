// tinystdio's FILE objects for descriptors 0, 1 and 2.  tinystdio moves
// one character at a time through put/get; output, stderr's too, is
// gathered into a line so that a line is one write(2): the terminal
// writes a write of up to TTY_WRITE_ATOMIC (512) bytes whole, so lines
// from processes sharing the console never break into each other.  C
// only asks that stderr not be fully buffered; line buffering is allowed,
// and a half line is flushed before a read, at exit and before fork.  A
// line longer than the buffer goes out in buffer-sized writes.  Input is
// read a byte at a time so
// that a program never takes more from a shared descriptor (a pipe, the
// tty, a file whose offset a child shares) than it uses.
#include "stdio_fd.h"

#include <stdio.h>
#include <unistd.h>

namespace {

struct FdFile {
    __file file; // first, so that a FILE* is an FdFile*
    int fd;
    bool line_buffered;
    unsigned len;
    char buf[512]; // TTY_WRITE_ATOMIC: a line that fits is written whole
};

FdFile* as_fd_file(FILE* f) { return reinterpret_cast<FdFile*>(f); }

int fd_flush(FILE* f)
{
    FdFile* ff = as_fd_file(f);
    unsigned done = 0;
    while (done < ff->len) {
        const ssize_t n = write(ff->fd, ff->buf + done, ff->len - done);
        if (n <= 0) {
            ff->len = 0; // dropped: a dead reader cannot take it later either
            return EOF;
        }
        done += static_cast<unsigned>(n);
    }
    ff->len = 0;
    return 0;
}

int fd_put(char c, FILE* f)
{
    FdFile* ff = as_fd_file(f);
    ff->buf[ff->len++] = c;
    if (!ff->line_buffered || c == '\n' || ff->len == sizeof(ff->buf)) {
        if (fd_flush(f) != 0) return _FDEV_ERR;
    }
    return static_cast<unsigned char>(c);
}

int fd_get(FILE* f)
{
    FdFile* ff = as_fd_file(f);
    // A prompt written without a newline shows before we wait for input.
    sprig::stdio_flush_all();
    unsigned char c;
    const ssize_t n = read(ff->fd, &c, 1);
    if (n == 1) return c;
    return n == 0 ? _FDEV_EOF : _FDEV_ERR;
}

FdFile stdin_file = {FDEV_SETUP_STREAM(nullptr, fd_get, nullptr, _FDEV_SETUP_READ), 0, false, 0, {}};
FdFile stdout_file = {FDEV_SETUP_STREAM(fd_put, nullptr, fd_flush, _FDEV_SETUP_WRITE), 1, true, 0, {}};
FdFile stderr_file = {FDEV_SETUP_STREAM(fd_put, nullptr, fd_flush, _FDEV_SETUP_WRITE), 2, true, 0, {}};

} // namespace

// stdio.h declares these extern (picolibc leaves them to the OS port);
// a global variable's name is the same in C and C++.
FILE* const stdin = &stdin_file.file;
FILE* const stdout = &stdout_file.file;
FILE* const stderr = &stderr_file.file;

void sprig::stdio_flush_all()
{
    if (stdout_file.len) fd_flush(stdout);
    if (stderr_file.len) fd_flush(stderr);
}
