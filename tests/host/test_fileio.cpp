// open, read, lseek, close, dup and dup2 through the system call
// dispatcher, on files of an initrd built in memory: reads at the shared
// offset, FreeBSD's errors for a read-only file system, descriptors and
// their close-on-exec flag, and the vnodes open files hold.
#include "cpio_test_util.h"
#include "sys_test_util.h"

#include <abi/fcntl.h>
#include <abi/resource.h>
#include <abi/ttycom.h>
#include <abi/unistd.h>
#include <kernel/fs/sys_generic.h>
#include <kernel/fs/uio.h>
#include <kernel/fs/vfs_syscalls.h>
#include <kernel/fs/vnode.h>
#include <kernel/proc/resource.h>

using namespace systest;

namespace {

const std::string MOTD = "hello, world\n"; // 13 bytes

void motd_initrd(SysWorld& s)
{
    s.set_initrd(cpiotest::archive({cpiotest::member("etc", "", 040755),
                                    cpiotest::member("etc/motd", MOTD),
                                    cpiotest::member("bin/prog", std::string(3000, 'x'), 0100755)}));
}

// open(path, flags) with the path at UBUF + 0x800.
Ret open_path(SysWorld& s, const std::string& path, int flags)
{
    s.put_str(0x800, path);
    return s.call(SYS_open, {SysWorld::UBUF + 0x800, u(flags), 0});
}

Ret read_at(SysWorld& s, int fd, uint64_t off, uint64_t n)
{
    return s.call(SYS_read, {u(fd), SysWorld::UBUF + off, n});
}

} // namespace

TEST_CASE("open/read: an initrd file reads from the start to end of file, then 0")
{
    SysWorld s;
    motd_initrd(s);
    const Ret o = open_path(s, "/etc/motd", O_RDONLY);
    REQUIRE(o.ok());
    CHECK(o.fd() == 0); // the lowest free descriptor
    Ret r = read_at(s, o.fd(), 0, 5);
    CHECK(r.ok());
    CHECK(r.a0 == 5);
    CHECK(s.get(0, 5) == "hello");
    r = read_at(s, o.fd(), 0, 100);
    CHECK(r.a0 == MOTD.size() - 5);
    CHECK(s.get(0, r.a0) == MOTD.substr(5));
    r = read_at(s, o.fd(), 0, 100);
    CHECK(r.ok());
    CHECK(r.a0 == 0);
    CHECK(s.call(SYS_close, {u(o.fd())}).ok());
    CHECK(s.call(SYS_close, {u(o.fd())}).error == Errno::BadF);
}

TEST_CASE("open: the read-only file system's answers, and bad paths")
{
    SysWorld s;
    motd_initrd(s);
    CHECK(open_path(s, "/etc/nope", O_RDONLY).error == Errno::NoEnt);
    CHECK(open_path(s, "", O_RDONLY).error == Errno::NoEnt);
    CHECK(open_path(s, "/etc/motd", O_WRONLY).error == Errno::RoFs);
    CHECK(open_path(s, "/etc/motd", O_RDWR).error == Errno::RoFs);
    CHECK(open_path(s, "/etc/motd", O_RDONLY | O_TRUNC).error == Errno::RoFs);
    CHECK(open_path(s, "/etc/new", O_WRONLY | O_CREAT).error == Errno::RoFs);
    CHECK(open_path(s, "/etc/new", O_RDONLY | O_CREAT).error == Errno::RoFs);
    CHECK(open_path(s, "/etc/motd", O_RDONLY | O_CREAT | O_EXCL).error == Errno::Exist);
    CHECK(open_path(s, "/etc/motd", O_ACCMODE).error == Errno::Inval);
    CHECK(open_path(s, "/etc", O_WRONLY).error == Errno::IsDir);
    CHECK(s.call(SYS_open, {BAD_ADDR, u(O_RDONLY), 0}).error == Errno::Fault);
    CHECK(open_path(s, std::string(MAXPATHLEN, 'a'), O_RDONLY).error == Errno::NameTooLong);
    CHECK(proc0.p_fd->fd_lastfile == -1); // no descriptor made by any of them
    // O_CREAT on a member that exists is an ordinary open (FreeBSD's rule).
    const Ret o = open_path(s, "etc/motd", O_RDONLY | O_CREAT);
    CHECK(o.ok());
    // A directory opens, but has no bytes to read.
    const Ret d = open_path(s, "/etc", O_RDONLY);
    REQUIRE(d.ok());
    CHECK(read_at(s, d.fd(), 0, 10).error == Errno::IsDir);
}

TEST_CASE("open: without an initrd every path is missing")
{
    SysWorld s;
    CHECK(open_path(s, "/etc/motd", O_RDONLY).error == Errno::NoEnt);
}

TEST_CASE("open: O_CLOEXEC marks the descriptor close-on-exec; RLIMIT_NOFILE bounds descriptors")
{
    SysWorld s;
    motd_initrd(s);
    const Ret a = open_path(s, "/etc/motd", O_RDONLY | O_CLOEXEC);
    const Ret b = open_path(s, "/etc/motd", O_RDONLY);
    REQUIRE((a.ok() && b.ok()));
    CHECK(proc0.p_fd->fd_ofileflags[a.fd()] == UF_EXCLOSE);
    CHECK(proc0.p_fd->fd_ofileflags[b.fd()] == 0);
    REQUIRE(lim_set(&proc0.p_limit, RLIMIT_NOFILE, rlimit{3, 3}).ok());
    CHECK(open_path(s, "/etc/motd", O_RDONLY).fd() == 2);
    CHECK(open_path(s, "/etc/motd", O_RDONLY).error == Errno::MFile);
    CHECK(s.call(SYS_dup, {0}).error == Errno::MFile);
    CHECK(s.call(SYS_dup2, {0, 3}).error == Errno::BadF); // beyond the limit
    CHECK(proc0.p_fd->fd_lastfile == 2);
    REQUIRE(lim_set(&proc0.p_limit, RLIMIT_NOFILE, rlimit{0, 0}).ok()); // not even descriptor 0
    for (uint64_t fd : {0, 1, 2}) CHECK(s.call(SYS_close, {fd}).ok());
    CHECK(open_path(s, "/etc/motd", O_RDONLY).error == Errno::MFile);
    CHECK(s.call(SYS_pipe).error == Errno::MFile);
    CHECK(proc0.p_fd->fd_lastfile == -1);
    REQUIRE(lim_set(&proc0.p_limit, RLIMIT_NOFILE, rlimit{RLIM_INFINITY, RLIM_INFINITY}).ok());
}

TEST_CASE("read/write: bad descriptors, access modes, pointers and counts")
{
    SysWorld s;
    motd_initrd(s);
    const int fd = open_path(s, "/etc/motd", O_RDONLY).fd();
    CHECK(read_at(s, 7, 0, 1).error == Errno::BadF);
    CHECK(read_at(s, -1, 0, 1).error == Errno::BadF);
    CHECK(s.call(SYS_write, {u(fd), SysWorld::UBUF, 1}).error == Errno::BadF); // not open for writing
    CHECK(s.call(SYS_read, {u(fd), BAD_ADDR, 4}).error == Errno::Fault);
    CHECK(s.call(SYS_ioctl, {u(fd), TIOCGPGRP, SysWorld::UBUF}).error == Errno::NoTty);
    CHECK(s.call(SYS_read, {u(fd), SysWorld::UBUF, uint64_t(1) << 63}).error == Errno::Inval);
    const Ret zero = read_at(s, fd, 0, 0);
    CHECK((zero.ok() && zero.a0 == 0));
    const Ret r = read_at(s, fd, 0, 5);
    CHECK(s.get(0, 5) == "hello"); // the failed reads moved nothing
    CHECK(r.a0 == 5);
}

TEST_CASE("lseek: every whence, EINVAL, ESPIPE-free vnodes, EOVERFLOW, past the end")
{
    SysWorld s;
    motd_initrd(s);
    const int fd = open_path(s, "/etc/motd", O_RDONLY).fd();
    auto seek = [&](int64_t off, int whence) { return s.call(SYS_lseek, {u(fd), u(off), u(whence)}); };
    CHECK(seek(7, L_SET).a0 == 7);
    CHECK(read_at(s, fd, 0, 5).a0 == 5);
    CHECK(s.get(0, 5) == "world");
    CHECK(seek(-2, L_INCR).a0 == 10);
    CHECK(seek(-1, L_XTND).a0 == MOTD.size() - 1);
    CHECK(read_at(s, fd, 0, 10).a0 == 1);
    CHECK(seek(-1, L_SET).error == Errno::Inval);
    CHECK(seek(-100, L_XTND).error == Errno::Inval);
    CHECK(seek(0, 3).error == Errno::Inval);
    CHECK(seek(INT64_MAX, L_SET).ok());
    CHECK(seek(1, L_INCR).error == Errno::Overflow);
    CHECK(seek(100, L_SET).a0 == 100); // past the end is allowed; reads give 0
    const Ret r = read_at(s, fd, 0, 10);
    CHECK((r.ok() && r.a0 == 0));
    CHECK(s.call(SYS_lseek, {9, 0, u(L_SET)}).error == Errno::BadF);
}

TEST_CASE("dup/dup2: descriptors share one file and so one offset; close-on-exec is not copied")
{
    SysWorld s;
    motd_initrd(s);
    const int fd = open_path(s, "/etc/motd", O_RDONLY | O_CLOEXEC).fd();
    const Ret d = s.call(SYS_dup, {u(fd)});
    REQUIRE(d.ok());
    CHECK(d.fd() == fd + 1);
    CHECK(proc0.p_fd->fd_ofileflags[d.fd()] == 0);
    CHECK(read_at(s, fd, 0, 6).a0 == 6);
    CHECK(read_at(s, d.fd(), 0, 5).a0 == 5);
    CHECK(s.get(0, 5) == " worl");
    const Ret d2 = s.call(SYS_dup2, {u(fd), 7});
    CHECK((d2.ok() && d2.fd() == 7));
    CHECK(read_at(s, 7, 0, 2).a0 == 2);
    CHECK(s.get(0, 2) == "d\n");
    CHECK(s.call(SYS_dup2, {7, 7}).fd() == 7);
    CHECK(s.call(SYS_dup2, {9, 7}).error == Errno::BadF);
    CHECK(s.call(SYS_dup2, {7, u(-1)}).error == Errno::BadF);
    CHECK(s.call(SYS_dup, {12}).error == Errno::BadF);
    // dup2 onto an open descriptor closes what it held.
    const int other = open_path(s, "/bin/prog", O_RDONLY).fd();
    CHECK(s.call(SYS_dup2, {u(fd), u(other)}).ok());
    CHECK(read_at(s, other, 0, 10).a0 == 0); // motd's offset, at its end
}

TEST_CASE("vnodes: one per member, however it is named; open files hold a use reference each")
{
    SysWorld s;
    motd_initrd(s);
    vnode* vp = initrd_vget("/etc/motd").value();
    vnode* again = initrd_vget("etc/motd").value();
    CHECK(vp == again);
    CHECK(vrefcnt(vp) == 2);
    vrele(vp);
    vrele(vp);
    CHECK(initrd_vnode_count() == 1);
    const int a = open_path(s, "/etc/motd", O_RDONLY).fd();
    const int b = open_path(s, "/etc/motd", O_RDONLY).fd();
    CHECK(vrefcnt(vp) == 2);
    CHECK(s.call(SYS_dup, {u(a)}).ok()); // a descriptor, not a file: no new reference
    CHECK(vrefcnt(vp) == 2);
    CHECK(open_path(s, "/etc/motd", O_WRONLY).error == Errno::RoFs);
    CHECK(vrefcnt(vp) == 2); // the refused open let its reference go
    (void)s.call(SYS_close, {u(a)});
    (void)s.call(SYS_close, {u(b)});
    CHECK(vrefcnt(vp) == 1); // the dup of a still holds the file
    CHECK(initrd_vnode_count() == 1);
}

namespace {

int g_shared_fd;
int64_t g_child_read;

void read_in_child(void*)
{
    thread* td = curthread();
    file* fp = fget(td->td_proc->p_fd, g_shared_fd).value();
    char buf[4];
    uio uio = uio_kernel(UioRw::Read, buf, sizeof buf, td);
    g_child_read = dofileread(td, fp, &uio) == Errno::Ok ? int64_t(td->td_retval[0]) : -1;
    (void)fdrop(fp);
    exit1(td, 0);
}

} // namespace

TEST_CASE("fork: a child's read moves the offset its parent reads from")
{
    SysWorld s;
    motd_initrd(s);
    g_shared_fd = open_path(s, "/etc/motd", O_RDONLY).fd();
    wait_for(spawn(read_in_child)->p_pid);
    CHECK(g_child_read == 4);
    CHECK(read_at(s, g_shared_fd, 0, 3).a0 == 3);
    CHECK(s.get(0, 3) == "o, ");
}
