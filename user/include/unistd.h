// Shadows picolibc's <unistd.h>: the process calls here are Sprig's
// system calls (FreeBSD's), including the ones picolibc does not know
// (rfork, rfork_thread, pipe2, getsid), with RF* flags from abi/unistd.h.
// Only what the runtime implements is declared, so a call it lacks fails
// to compile instead of failing to link.
#pragma once

#include <abi/unistd.h>
#include <stddef.h>
#include <sys/types.h>

#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

#ifndef SEEK_SET
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif

extern "C" {
extern char** environ;

ssize_t read(int fd, void* buf, size_t n);
ssize_t write(int fd, const void* buf, size_t n);
int close(int fd);
off_t lseek(int fd, off_t offset, int whence);
int dup(int fd);
int dup2(int from, int to);
int pipe(int fds[2]);
int pipe2(int fds[2], int flags);
int unlink(const char* path);
int rmdir(const char* path);

pid_t fork(void);
pid_t vfork(void);
pid_t rfork(int flags);
// FreeBSD's: a child (RFPROC is required) that runs fn(arg) on `stack`
// (the top of its own stack, which RFMEM children need) and then calls
// _exit with fn's result.  The parent gets the child's pid.
pid_t rfork_thread(int flags, void* stack, int (*fn)(void*), void* arg);
int execve(const char* path, char* const argv[], char* const envp[]);
int execv(const char* path, char* const argv[]);
int execvp(const char* file, char* const argv[]);
[[noreturn]] void _exit(int status);

pid_t getpid(void);
pid_t getppid(void);
uid_t getuid(void);
uid_t geteuid(void);
gid_t getgid(void);
gid_t getegid(void);
int setuid(uid_t uid);
pid_t getpgrp(void);
int setpgid(pid_t pid, pid_t pgid);
pid_t setsid(void);
pid_t getsid(pid_t pid);
pid_t tcgetpgrp(int fd);
int tcsetpgrp(int fd, pid_t pgrp);

unsigned sleep(unsigned seconds);
int usleep(useconds_t usec);
void* sbrk(ptrdiff_t incr);
int brk(void* addr);
}
