// Path calls: unlink, rmdir, rename, mkdir, stat/fstat/fstatat, and the
// directory stream over getdirentries.
#include <abi/syscall.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "syscall.h"

using sprig::reg;
using sprig::syscall;

extern "C" {

int unlink(const char* path) { return static_cast<int>(syscall(SYS_unlink, reg(path))); }
int rmdir(const char* path) { return static_cast<int>(syscall(SYS_rmdir, reg(path))); }
int rename(const char* from, const char* to) { return static_cast<int>(syscall(SYS_rename, reg(from), reg(to))); }
int mkdir(const char* path, mode_t mode) { return static_cast<int>(syscall(SYS_mkdir, reg(path), long(mode))); }

int fstat(int fd, struct stat* sb) { return static_cast<int>(syscall(SYS_fstat, fd, reg(sb))); }
int fstatat(int fd, const char* path, struct stat* sb, int flag)
{
    return static_cast<int>(syscall(SYS_fstatat, fd, reg(path), reg(sb), flag));
}
int stat(const char* path, struct stat* sb) { return fstatat(AT_FDCWD, path, sb, 0); }
int lstat(const char* path, struct stat* sb) { return fstatat(AT_FDCWD, path, sb, AT_SYMLINK_NOFOLLOW); }

ssize_t getdirentries(int fd, char* buf, size_t nbytes, off_t* basep)
{
    return syscall(SYS_getdirentries, fd, reg(buf), long(nbytes), reg(basep));
}

} // extern "C"

// A directory stream: the descriptor and one buffer of records.
struct DIR {
    int fd;
    size_t len, pos;
    alignas(8) char buf[4096];
};

extern "C" {

DIR* opendir(const char* path)
{
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return nullptr;
    struct stat sb;
    if (fstat(fd, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
        close(fd);
        errno = ENOTDIR;
        return nullptr;
    }
    DIR* d = static_cast<DIR*>(malloc(sizeof(DIR)));
    if (!d) {
        close(fd);
        errno = ENOMEM;
        return nullptr;
    }
    d->fd = fd;
    d->len = d->pos = 0;
    return d;
}

struct dirent* readdir(DIR* d)
{
    if (d->pos >= d->len) {
        const ssize_t n = getdirentries(d->fd, d->buf, sizeof d->buf, nullptr);
        if (n <= 0) return nullptr;
        d->len = size_t(n);
        d->pos = 0;
    }
    auto* e = reinterpret_cast<struct dirent*>(d->buf + d->pos);
    d->pos += e->d_reclen;
    return e;
}

int closedir(DIR* d)
{
    const int r = close(d->fd);
    free(d);
    return r;
}

} // extern "C"
