// tmpfstest [case]: /tmp (tmpfs) as a program sees it: files made,
// written, appended, truncated, renamed and removed; directories;
// getdirentries; FreeBSD's errors; and hostile calls (bad pointers, names
// of NAME_MAX+1 and paths of PATH_MAX+1 bytes, a full file system, a
// directory renamed into itself, an unlink racing a child that holds the
// file open).  One line per case, then "N passed, N failed"; the exit
// status is the failure count.  Must run as root (it drops to uid 1000 in
// a child for the permission cases).
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

int g_pass = 0, g_fail = 0;
const char* g_only = nullptr;
bool g_ok = true; // the running case's verdict

#define EXPECT(cond)                                                                  \
    do {                                                                              \
        if (!(cond)) {                                                                \
            printf("    line %d: %s (errno %d)\n", __LINE__, #cond, errno);           \
            g_ok = false;                                                             \
        }                                                                             \
    } while (0)
// call fails with errno e.
#define EXPECT_ERR(call, e)                                                           \
    do {                                                                              \
        errno = 0;                                                                    \
        const long r_ = long(call);                                                   \
        if (r_ != -1 || errno != (e)) {                                               \
            printf("    line %d: %s gave %ld errno %d, want errno %d\n", __LINE__, #call, r_, errno, e); \
            g_ok = false;                                                             \
        }                                                                             \
    } while (0)

void run(const char* name, void (*fn)())
{
    if (g_only && strcmp(g_only, name) != 0) return;
    g_ok = true;
    fn();
    printf("tmpfstest: %-44s %s\n", name, g_ok ? "ok" : "FAIL");
    (g_ok ? g_pass : g_fail)++;
}

const char* const BAD = reinterpret_cast<const char*>(8); // never mapped

bool put(const char* path, const char* text, int flags = O_WRONLY | O_CREAT | O_TRUNC)
{
    const int fd = open(path, flags, 0644);
    if (fd < 0) return false;
    const ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == ssize_t(strlen(text));
}

// The whole file (up to 255 bytes), or "<errno>" when it cannot be read.
const char* get(const char* path)
{
    static char buf[256];
    const int fd = open(path, O_RDONLY);
    if (fd < 0) return "<open failed>";
    const ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n < 0 ? 0 : n] = '\0';
    return buf;
}

void t_write_read()
{
    EXPECT(put("/tmp/a", "hello"));
    EXPECT(strcmp(get("/tmp/a"), "hello") == 0);
    EXPECT(put("/tmp/a", " world", O_WRONLY | O_APPEND));
    EXPECT(strcmp(get("/tmp/a"), "hello world") == 0);
    struct stat sb;
    EXPECT(stat("/tmp/a", &sb) == 0 && sb.st_size == 11 && S_ISREG(sb.st_mode));
    EXPECT((sb.st_mode & 07777) == 0644 && sb.st_nlink == 1 && sb.st_uid == getuid());
    EXPECT(put("/tmp/a", "x"));
    EXPECT(strcmp(get("/tmp/a"), "x") == 0); // O_TRUNC emptied it first
    const int fd = open("/tmp/a", O_RDWR);
    EXPECT(fd >= 0 && lseek(fd, 4096 * 3 + 5, SEEK_SET) == 4096 * 3 + 5 && write(fd, "z", 1) == 1);
    EXPECT(fstat(fd, &sb) == 0 && sb.st_size == 4096 * 3 + 6);
    char c = 1;
    EXPECT(lseek(fd, 4096, SEEK_SET) == 4096 && read(fd, &c, 1) == 1 && c == 0); // a hole reads zeros
    close(fd);
    EXPECT(unlink("/tmp/a") == 0);
    EXPECT_ERR(open("/tmp/a", O_RDONLY), ENOENT);
}

void t_errors()
{
    EXPECT(put("/tmp/f", "data"));
    EXPECT_ERR(open("/tmp/f", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
    EXPECT_ERR(open("/tmp", O_WRONLY), EISDIR);
    EXPECT_ERR(open("/tmp/f/x", O_CREAT | O_WRONLY, 0644), ENOTDIR);
    EXPECT_ERR(open("/tmp/f/", O_RDONLY), ENOTDIR);
    EXPECT_ERR(open("/tmp/nodir/x", O_CREAT | O_WRONLY, 0644), ENOENT);
    EXPECT_ERR(unlink("/tmp/nothing"), ENOENT);
    EXPECT_ERR(unlink("/tmp"), EPERM);
    EXPECT_ERR(rmdir("/tmp/f"), ENOTDIR);
    EXPECT_ERR(rmdir("/tmp"), EBUSY);
    EXPECT_ERR(open("/bin/new", O_CREAT | O_WRONLY, 0644), EROFS);
    EXPECT_ERR(open("/bin/sh", O_WRONLY), EROFS);
    EXPECT_ERR(unlink("/bin/sh"), EROFS);
    EXPECT_ERR(mkdir("/bin/d", 0755), EROFS);
    EXPECT_ERR(mkdir("/bin", 0755), EEXIST);
    EXPECT_ERR(rename("/bin/sh", "/bin/sh2"), EROFS);
    EXPECT_ERR(rename("/tmp/f", "/bin/f"), EXDEV);
    EXPECT_ERR(rename("/bin/sh", "/tmp/sh"), EXDEV);
    EXPECT(unlink("/tmp/f") == 0);
}

void t_dirs()
{
    struct stat sb, root0, root1;
    EXPECT(stat("/tmp", &root0) == 0 && S_ISDIR(root0.st_mode) && (root0.st_mode & 07777) == 01777);
    EXPECT(mkdir("/tmp/d", 0755) == 0);
    EXPECT_ERR(mkdir("/tmp/d", 0755), EEXIST);
    EXPECT(stat("/tmp/d", &sb) == 0 && S_ISDIR(sb.st_mode) && sb.st_nlink == 2);
    EXPECT(stat("/tmp", &root1) == 0 && root1.st_nlink == root0.st_nlink + 1);
    EXPECT(mkdir("/tmp/d/e", 0700) == 0 && put("/tmp/d/e/f", "deep"));
    EXPECT(strcmp(get("/tmp/d/./e/../e/f"), "deep") == 0);
    EXPECT_ERR(rmdir("/tmp/d"), ENOTEMPTY);
    EXPECT_ERR(rmdir("/tmp/d/e/."), EINVAL);
    EXPECT(unlink("/tmp/d/e/f") == 0 && rmdir("/tmp/d/e") == 0 && rmdir("/tmp/d/") == 0);
    EXPECT_ERR(rmdir("/tmp/d"), ENOENT);
    EXPECT(stat("/tmp", &root1) == 0 && root1.st_nlink == root0.st_nlink);
}

void t_rename()
{
    EXPECT(put("/tmp/r1", "one") && put("/tmp/r2", "two"));
    EXPECT(rename("/tmp/r1", "/tmp/r3") == 0);
    EXPECT_ERR(open("/tmp/r1", O_RDONLY), ENOENT);
    EXPECT(strcmp(get("/tmp/r3"), "one") == 0);
    EXPECT(rename("/tmp/r3", "/tmp/r2") == 0); // replaces r2
    EXPECT(strcmp(get("/tmp/r2"), "one") == 0);
    EXPECT(mkdir("/tmp/rd", 0755) == 0 && mkdir("/tmp/rd/sub", 0755) == 0);
    EXPECT_ERR(rename("/tmp/rd", "/tmp/rd/sub/x"), EINVAL); // into itself
    EXPECT_ERR(rename("/tmp/rd", "/tmp/rd/x"), EINVAL);
    EXPECT_ERR(rename("/tmp/r2", "/tmp/rd"), EISDIR);
    EXPECT_ERR(rename("/tmp/rd/sub", "/tmp/r2"), ENOTDIR);
    EXPECT(mkdir("/tmp/full", 0755) == 0 && put("/tmp/full/x", "x"));
    EXPECT_ERR(rename("/tmp/rd", "/tmp/full"), ENOTEMPTY);
    EXPECT(rename("/tmp/rd/sub", "/tmp/moved") == 0 && rename("/tmp/r2", "/tmp/moved/r2") == 0);
    EXPECT(strcmp(get("/tmp/moved/r2"), "one") == 0);
    EXPECT(unlink("/tmp/moved/r2") == 0 && rmdir("/tmp/moved") == 0 && rmdir("/tmp/rd") == 0);
    EXPECT(unlink("/tmp/full/x") == 0 && rmdir("/tmp/full") == 0);
}

void t_bad_pointers()
{
    struct stat sb;
    EXPECT_ERR(open(BAD, O_RDONLY), EFAULT);
    EXPECT_ERR(open(BAD, O_CREAT | O_WRONLY, 0644), EFAULT);
    EXPECT_ERR(unlink(BAD), EFAULT);
    EXPECT_ERR(mkdir(BAD, 0755), EFAULT);
    EXPECT_ERR(rmdir(BAD), EFAULT);
    EXPECT_ERR(rename(BAD, "/tmp/x"), EFAULT);
    EXPECT_ERR(rename("/tmp/x", BAD), EFAULT);
    EXPECT_ERR(stat(BAD, &sb), EFAULT);
    EXPECT_ERR(stat("/tmp", reinterpret_cast<struct stat*>(const_cast<char*>(BAD))), EFAULT);
    EXPECT_ERR(fstat(0, reinterpret_cast<struct stat*>(const_cast<char*>(BAD))), EFAULT);
    const int fd = open("/tmp", O_RDONLY);
    EXPECT_ERR(getdirentries(fd, const_cast<char*>(BAD), 4096, nullptr), EFAULT);
    close(fd);
    EXPECT(put("/tmp/w", "w"));
    const int w = open("/tmp/w", O_WRONLY);
    EXPECT_ERR(write(w, BAD, 10), EFAULT);
    close(w);
    EXPECT(strcmp(get("/tmp/w"), "w") == 0);
    EXPECT(unlink("/tmp/w") == 0);
}

void t_long_names()
{
    static char name[1100];
    strcpy(name, "/tmp/");
    memset(name + 5, 'n', 255);
    name[5 + 255] = '\0';
    EXPECT(put(name, "max")); // NAME_MAX is allowed
    EXPECT(strcmp(get(name), "max") == 0);
    EXPECT(unlink(name) == 0);
    name[5 + 255] = 'n';
    name[5 + 256] = '\0'; // NAME_MAX + 1
    EXPECT_ERR(open(name, O_CREAT | O_WRONLY, 0644), ENAMETOOLONG);
    EXPECT_ERR(mkdir(name, 0755), ENAMETOOLONG);
    struct stat sb;
    EXPECT_ERR(stat(name, &sb), ENAMETOOLONG);
    // PATH_MAX + 1 bytes with no NUL in the first PATH_MAX: "/tmp/a/a/a...".
    for (int i = 5; i < 1025; i++) name[i] = (i % 2) ? 'a' : '/';
    name[1025] = '\0';
    EXPECT_ERR(open(name, O_RDONLY), ENAMETOOLONG);
    EXPECT_ERR(unlink(name), ENAMETOOLONG);
    EXPECT_ERR(rename("/tmp/x", name), ENAMETOOLONG);
    EXPECT_ERR(stat(name, &sb), ENAMETOOLONG);
}

// Bytes written to path until the file system is full.
long fill(const char* path)
{
    static char chunk[65536];
    memset(chunk, 'f', sizeof chunk);
    const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return -1;
    long total = 0;
    for (;;) {
        const ssize_t n = write(fd, chunk, sizeof chunk);
        if (n <= 0) {
            if (n < 0 && errno != ENOSPC) total = -2;
            break;
        }
        total += n;
    }
    close(fd);
    return total;
}

void t_enospc()
{
    const long first = fill("/tmp/big");
    EXPECT(first > 0);
    errno = 0;
    const int fd = open("/tmp/big", O_WRONLY | O_APPEND);
    EXPECT_ERR(write(fd, "x", 1), ENOSPC);
    close(fd);
    EXPECT(unlink("/tmp/big") == 0);
    // Every page came back: the same amount fits again.
    const long second = fill("/tmp/big");
    EXPECT(second == first);
    EXPECT(unlink("/tmp/big") == 0);
    printf("    /tmp held %ld KiB\n", first / 1024);
}

void t_getdirentries()
{
    EXPECT(mkdir("/tmp/ls", 0755) == 0);
    EXPECT(put("/tmp/ls/a", "") && put("/tmp/ls/b", "") && mkdir("/tmp/ls/c", 0755) == 0);
    DIR* d = opendir("/tmp/ls");
    EXPECT(d != nullptr);
    char seen[64] = "";
    while (d)
        if (struct dirent* e = readdir(d)) {
            strcat(seen, e->d_name);
            strcat(seen, e->d_type == DT_DIR ? "/ " : " ");
        } else {
            break;
        }
    if (d) closedir(d);
    EXPECT(strcmp(seen, "./ ../ a b c/ ") == 0);
    const int fd = open("/tmp/ls", O_RDONLY);
    char small[16];
    EXPECT_ERR(getdirentries(fd, small, sizeof small, nullptr), EINVAL);
    close(fd);
    const int f = open("/tmp/ls/a", O_RDONLY);
    char buf[512];
    EXPECT_ERR(getdirentries(f, buf, sizeof buf, nullptr), EINVAL);
    close(f);
    // The initrd's directories list too, and / shows the mount point.
    bool sh = false, tmp = false;
    if (DIR* b = opendir("/bin")) {
        while (struct dirent* e = readdir(b)) sh |= strcmp(e->d_name, "sh") == 0;
        closedir(b);
    }
    if (DIR* r = opendir("/")) {
        while (struct dirent* e = readdir(r)) tmp |= strcmp(e->d_name, "tmp") == 0 && e->d_type == DT_DIR;
        closedir(r);
    }
    EXPECT(sh && tmp);
    EXPECT(unlink("/tmp/ls/a") == 0 && unlink("/tmp/ls/b") == 0 && rmdir("/tmp/ls/c") == 0 && rmdir("/tmp/ls") == 0);
}

void t_unlink_while_open()
{
    EXPECT(put("/tmp/held", "still here"));
    int go[2], done[2];
    EXPECT(pipe(go) == 0 && pipe(done) == 0);
    const pid_t pid = fork();
    if (pid == 0) {
        const int fd = open("/tmp/held", O_RDONLY);
        char c;
        (void)write(done[1], "o", 1); // opened
        (void)read(go[0], &c, 1);     // the parent unlinked it
        char buf[32] = {};
        struct stat sb;
        const bool ok = fd >= 0 && read(fd, buf, sizeof buf) == 10 && strcmp(buf, "still here") == 0 &&
                        fstat(fd, &sb) == 0 && sb.st_nlink == 0;
        _exit(ok ? 0 : 1);
    }
    char c;
    EXPECT(read(done[0], &c, 1) == 1);
    EXPECT(unlink("/tmp/held") == 0);
    EXPECT_ERR(open("/tmp/held", O_RDONLY), ENOENT);
    EXPECT(write(go[1], "g", 1) == 1);
    int status = -1;
    EXPECT(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(go[0]), close(go[1]), close(done[0]), close(done[1]);
}

void t_append_atomic()
{
    EXPECT(put("/tmp/log", ""));
    constexpr int kids = 3, recs = 200, len = 32;
    for (int k = 0; k < kids; k++)
        if (fork() == 0) {
            const int fd = open("/tmp/log", O_WRONLY | O_APPEND);
            char rec[len + 1];
            for (int i = 0; i < recs; i++) {
                snprintf(rec, sizeof rec, "%d%030d\n", k, i);
                if (write(fd, rec, len) != len) _exit(1);
            }
            _exit(0);
        }
    int status, bad = 0;
    while (wait(&status) > 0) bad += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    EXPECT(bad == 0);
    struct stat sb;
    EXPECT(stat("/tmp/log", &sb) == 0 && sb.st_size == kids * recs * len);
    const int fd = open("/tmp/log", O_RDONLY);
    char rec[len];
    int whole = 0;
    while (read(fd, rec, len) == len) whole += rec[len - 1] == '\n' && rec[0] >= '0' && rec[0] < '0' + kids;
    close(fd);
    EXPECT(whole == kids * recs);
    EXPECT(unlink("/tmp/log") == 0);
}

void t_permissions()
{
    EXPECT(put("/tmp/rootonly", "secret"));
    EXPECT(put("/tmp/rootpub", "public"));
    const pid_t pid = fork();
    if (pid == 0) {
        if (setuid(1000) != 0) _exit(10);
        int bad = 0;
        errno = 0;
        bad += open("/tmp/rootonly", O_WRONLY) != -1 || errno != EACCES; // 0644: others read only
        errno = 0;
        bad += unlink("/tmp/rootpub") != -1 || errno != EPERM; // sticky /tmp
        bad += !put("/tmp/mine", "mine");                      // 01777: anyone may create
        struct stat sb;
        bad += stat("/tmp/mine", &sb) != 0 || sb.st_uid != 1000;
        bad += mkdir("/tmp/mydir", 0700) != 0;
        bad += unlink("/tmp/mine") != 0;
        _exit(bad);
    }
    int status = -1;
    EXPECT(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    // Root may look into uid 1000's 0700 directory and remove it.
    EXPECT(put("/tmp/mydir/rootfile", "r") && unlink("/tmp/mydir/rootfile") == 0 && rmdir("/tmp/mydir") == 0);
    EXPECT(unlink("/tmp/rootonly") == 0 && unlink("/tmp/rootpub") == 0);
}

void t_efbig()
{
    const int fd = open("/tmp/sparse", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    EXPECT(fd >= 0 && lseek(fd, 1L << 40, SEEK_SET) == (1L << 40));
    EXPECT_ERR(write(fd, "x", 1), EFBIG);
    close(fd);
    EXPECT(unlink("/tmp/sparse") == 0);
}

} // namespace

int main(int argc, char** argv)
{
    if (argc > 1) g_only = argv[1];
    if (getuid() != 0) {
        printf("tmpfstest: needs to run as root (it makes files as root and as uid 1000)\n");
        return 1;
    }
    run("write, append, truncate, holes", t_write_read);
    run("FreeBSD's errors, EROFS, EXDEV", t_errors);
    run("mkdir, rmdir, link counts", t_dirs);
    run("rename: replace, into itself, types", t_rename);
    run("bad pointers: EFAULT", t_bad_pointers);
    run("NAME_MAX+1 and PATH_MAX+1: ENAMETOOLONG", t_long_names);
    run("filled to ENOSPC, all freed by unlink", t_enospc);
    run("getdirentries over tmpfs and the initrd", t_getdirentries);
    run("unlink while a child holds the file open", t_unlink_while_open);
    run("O_APPEND writers never overwrite", t_append_atomic);
    run("permissions, sticky /tmp", t_permissions);
    run("a write past the largest file: EFBIG", t_efbig);
    if (g_only && g_pass + g_fail == 0) {
        printf("tmpfstest: no case called '%s'\n", g_only);
        return 1;
    }
    printf("%d passed, %d failed\n", g_pass, g_fail);
    return g_fail;
}
