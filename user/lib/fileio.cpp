// Descriptor calls: read, write, open, close, lseek, dup, dup2, pipe,
// pipe2, ioctl, the terminal's foreground group and its attributes.
#include <abi/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "syscall.h"

using sprig::reg;
using sprig::syscall;

extern "C" {

ssize_t read(int fd, void* buf, size_t n) { return syscall(SYS_read, fd, reg(buf), static_cast<long>(n)); }

ssize_t write(int fd, const void* buf, size_t n)
{
    return syscall(SYS_write, fd, reg(buf), static_cast<long>(n));
}

// The mode argument is there only with O_CREAT (a new file's permissions).
int open(const char* path, int flags, ...)
{
    int mode = 0;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, int);
        va_end(ap);
    }
    return static_cast<int>(syscall(SYS_open, reg(path), flags, mode));
}

int close(int fd) { return static_cast<int>(syscall(SYS_close, fd)); }

off_t lseek(int fd, off_t offset, int whence) { return syscall(SYS_lseek, fd, offset, whence); }

int dup(int fd) { return static_cast<int>(syscall(SYS_dup, fd)); }
int dup2(int from, int to) { return static_cast<int>(syscall(SYS_dup2, from, to)); }

// FreeBSD 8's pipe takes no argument and returns both descriptors, the
// read end in a0 and the write end in a1.
int pipe(int fds[2])
{
    const sprig::SysResult r = sprig::raw_syscall(SYS_pipe);
    if (r.err) return static_cast<int>(__sprig_syscall_error(r.err));
    fds[0] = static_cast<int>(r.v0);
    fds[1] = static_cast<int>(r.v1);
    return 0;
}

int pipe2(int fds[2], int flags) { return static_cast<int>(syscall(SYS_pipe2, reg(fds), flags)); }

int ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    va_start(ap, request);
    void* arg = va_arg(ap, void*);
    va_end(ap);
    return static_cast<int>(syscall(SYS_ioctl, fd, static_cast<long>(request), reg(arg)));
}

pid_t tcgetpgrp(int fd)
{
    int pgrp;
    return ioctl(fd, TIOCGPGRP, &pgrp) < 0 ? -1 : pgrp;
}

int tcsetpgrp(int fd, pid_t pgrp)
{
    int arg = pgrp;
    return ioctl(fd, TIOCSPGRP, &arg);
}

int tcgetattr(int fd, struct termios* t) { return ioctl(fd, TIOCGETA, t); }

int tcsetattr(int fd, int optional_actions, const struct termios* t)
{
    static const unsigned long kCommand[] = {TIOCSETA, TIOCSETAW, TIOCSETAF};
    if (optional_actions < TCSANOW || optional_actions > TCSAFLUSH) {
        errno = EINVAL;
        return -1;
    }
    return ioctl(fd, kCommand[optional_actions], const_cast<struct termios*>(t));
}

} // extern "C"
