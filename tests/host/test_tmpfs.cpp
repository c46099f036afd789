// tmpfs at /tmp through the system call dispatcher: files made, written,
// read, appended, truncated, renamed and removed; directories and their
// link counts; stat and getdirentries; FreeBSD's errors; an unlinked file
// readable until its last close; the page and node limits (ENOSPC); and
// every allocation failure injected at each site (kmalloc, page, commit)
// with the free pages, the commit charge and the node count back to their
// baselines afterwards.
#include "cpio_test_util.h"
#include "sys_test_util.h"

#include <abi/dirent.h>
#include <abi/event.h>
#include <abi/time.h>
#include <abi/fcntl.h>
#include <abi/mman.h>
#include <abi/stat.h>
#include <abi/unistd.h>
#include <kernel/debug/invariant_report.h>
#include <kernel/fs/tmpfs.h>
#include <kernel/fs/tmpfs_check.h>
#include <kernel/fs/vfs_syscalls.h>
#include <mm/swap_reserve.h>

#include <algorithm>
#include <cstring>
#include <vector>

using namespace systest;

namespace {

// A SysWorld with /tmp mounted (a small one: limits are easy to reach),
// unmounted at the end after every descriptor is closed.
struct TmpfsWorld : SysWorld {
    explicit TmpfsWorld(uint64_t pages_max = 64, uint64_t nodes_max = 32)
    {
        REQUIRE(tmpfs_mount_root(pages_max, nodes_max) == Errno::Ok);
        set_initrd(cpiotest::archive({cpiotest::member("etc", "", 040755),
                                      cpiotest::member("etc/motd", "hello\n"),
                                      cpiotest::member("bin", "", 040755),
                                      cpiotest::member("bin/prog", "x", 0100755)}));
        // Every user page is faulted in now, so that baselines of free
        // pages do not move with the first touch of a buffer.
        put(0, std::string(UBUF_PAGES * PG, '\0'));
    }
    ~TmpfsWorld()
    {
        filedesc* fdp = proc0.p_fd;
        while (fdp->fd_lastfile >= 0) (void)fdclose(fdp, fdp->fd_lastfile);
        CHECK(tmpfs_unmount_root() == Errno::Ok);
    }

    // Paths live at UBUF + 0x800 and + 0xc00; data at UBUF + 0x1000.
    Ret path_call(int code, const std::string& p, uint64_t a1 = 0, uint64_t a2 = 0)
    {
        put_str(0x800, p);
        return call(code, {UBUF + 0x800, a1, a2});
    }
    Ret open(const std::string& p, int flags, int mode = 0644) { return path_call(SYS_open, p, u(flags), u(mode)); }
    Ret rename(const std::string& a, const std::string& b)
    {
        put_str(0x800, a);
        put_str(0xc00, b);
        return call(SYS_rename, {UBUF + 0x800, UBUF + 0xc00});
    }
    Ret write(int fd, const std::string& data)
    {
        put(0x1000, data);
        return call(SYS_write, {u(fd), UBUF + 0x1000, data.size()});
    }
    std::string read(int fd, size_t n)
    {
        const Ret r = call(SYS_read, {u(fd), UBUF + 0x1000, n});
        REQUIRE(r.ok());
        return get(0x1000, r.a0);
    }
    // The whole file at p (REQUIREs that it opens).
    std::string contents(const std::string& p)
    {
        const Ret o = open(p, O_RDONLY);
        REQUIRE(o.ok());
        std::string s = read(o.fd(), 8 * PG);
        CHECK(call(SYS_close, {u(o.fd())}).ok());
        return s;
    }
    Errno put_file(const std::string& p, const std::string& data)
    {
        const Ret o = open(p, O_WRONLY | O_CREAT | O_TRUNC);
        if (!o.ok()) return o.error;
        const Ret wr = write(o.fd(), data);
        CHECK(call(SYS_close, {u(o.fd())}).ok());
        return wr.ok() && wr.a0 == data.size() ? Errno::Ok : (wr.ok() ? Errno::NoSpc : wr.error);
    }
    kstat stat(const std::string& p, Errno want = Errno::Ok)
    {
        put_str(0x800, p);
        const Ret r = call(SYS_fstatat, {u(AT_FDCWD), UBUF + 0x800, UBUF + 0x2000, 0});
        CHECK(r.error == want);
        kstat sb{};
        if (r.ok()) REQUIRE(copyin(UBUF + 0x2000, &sb, sizeof sb) == Errno::Ok);
        return sb;
    }
    // The names getdirentries gives for the directory at p, "name/" for
    // directories, with a buffer of nbytes.
    std::string list(const std::string& p, uint64_t nbytes = 4096)
    {
        const Ret o = open(p, O_RDONLY);
        REQUIRE(o.ok());
        std::string names;
        for (;;) {
            const Ret r = call(SYS_getdirentries, {u(o.fd()), UBUF + 0x3000, nbytes, 0});
            REQUIRE(r.ok());
            if (r.a0 == 0) break;
            const std::string buf = get(0x3000, r.a0);
            for (size_t at = 0; at < buf.size();) {
                dirent d;
                std::memcpy(&d, buf.data() + at, std::min(sizeof d, buf.size() - at));
                names += std::string(d.d_name, d.d_namlen) + (d.d_type == DT_DIR ? "/ " : " ");
                at += d.d_reclen;
            }
        }
        CHECK(call(SYS_close, {u(o.fd())}).ok());
        return names;
    }
};

unsigned tmpfs_violations()
{
    InvariantReport r;
    r.set_quiet(true);
    tmpfs_check(r);
    return r.violations();
}

// What must come back: free pages (zones drained), commit charge, nodes.
struct Baseline {
    uint64_t pages, reserved, nodes;
    bool operator==(const Baseline&) const = default;
};


Baseline baseline(TmpfsWorld& s)
{
    s.w.km->drain();
    proc_zones().fds.files.zone().drain();
    return {s.w.pages.pages_in_use(), kernel_commit().reserved(), tmpfs_root_mount()->tm_nodes_inuse};
}

void check_back_to(TmpfsWorld& s, const Baseline& before)
{
    const Baseline now = baseline(s);
    CHECK(now.pages == before.pages);
    CHECK(now.reserved == before.reserved);
    CHECK(now.nodes == before.nodes);
}

} // namespace

TEST_CASE("tmpfs: a file made, written, read back, appended and truncated; stat says so")
{
    TmpfsWorld s;
    const Ret o = s.open("/tmp/a", O_RDWR | O_CREAT, 0640);
    REQUIRE(o.ok());
    CHECK(s.write(o.fd(), "hello").a0 == 5);
    CHECK(s.call(SYS_lseek, {u(o.fd()), 0, u(L_SET)}).ok());
    CHECK(s.read(o.fd(), 100) == "hello");
    const Ret a = s.open("/tmp/a", O_WRONLY | O_APPEND);
    REQUIRE(a.ok());
    CHECK(s.call(SYS_lseek, {u(a.fd()), 0, u(L_SET)}).ok());
    CHECK(s.write(a.fd(), " world").a0 == 6); // at the end, whatever the offset said
    CHECK(s.contents("/tmp/a") == "hello world");
    kstat sb = s.stat("/tmp/a");
    CHECK(sb.st_mode == (S_IFREG | 0640)); // the umask (022) takes nothing from 0640
    CHECK(sb.st_size == 11);
    CHECK(sb.st_nlink == 1);
    CHECK(sb.st_uid == proc0.p_ucred->cr_uid);
    CHECK(s.call(SYS_fstat, {u(o.fd()), SysWorld::UBUF + 0x2000}).ok());
    kstat fsb{};
    REQUIRE(copyin(SysWorld::UBUF + 0x2000, &fsb, sizeof fsb) == Errno::Ok);
    CHECK(fsb.st_ino == sb.st_ino);
    CHECK(s.open("/tmp/a", O_WRONLY | O_TRUNC).ok());
    CHECK(s.stat("/tmp/a").st_size == 0);
    CHECK(s.open("/tmp/a", O_CREAT | O_EXCL | O_WRONLY).error == Errno::Exist);
    CHECK(s.open("/tmp/b", O_CREAT | O_WRONLY, 0666).ok());
    CHECK(s.stat("/tmp/b").st_mode == (S_IFREG | 0644)); // 0666 less the umask
    CHECK(tmpfs_violations() == 0);
}

TEST_CASE("tmpfs: an unlinked file is read until its last close; its pages and charge come back")
{
    TmpfsWorld s;
    const Baseline before = baseline(s);
    const Ret o = s.open("/tmp/f", O_RDWR | O_CREAT);
    REQUIRE(o.ok());
    const std::string data(3 * PG, 'd');
    CHECK(s.write(o.fd(), data).a0 == data.size());
    CHECK(tmpfs_root_mount()->tm_pages_used == 3);
    CHECK(kernel_commit().reserved() == before.reserved + 3 * PG);
    CHECK(s.path_call(SYS_unlink, "/tmp/f").ok());
    CHECK(s.open("/tmp/f", O_RDONLY).error == Errno::NoEnt);
    CHECK(s.call(SYS_lseek, {u(o.fd()), u(PG), u(L_SET)}).ok());
    CHECK(s.read(o.fd(), 10) == std::string(10, 'd'));
    CHECK(tmpfs_root_mount()->tm_nodes_inuse == 2); // the root and the unlinked file
    CHECK(tmpfs_violations() == 0);
    CHECK(s.call(SYS_close, {u(o.fd())}).ok());
    CHECK(tmpfs_root_mount()->tm_pages_used == 0);
    check_back_to(s, before);
}

TEST_CASE("tmpfs: directories, link counts, rmdir and unlink errors")
{
    TmpfsWorld s;
    const uint64_t root_links = s.stat("/tmp").st_nlink;
    CHECK(s.stat("/tmp").st_mode == (S_IFDIR | 01777));
    CHECK(s.path_call(SYS_mkdir, "/tmp/d", 0755).ok());
    CHECK(s.path_call(SYS_mkdir, "/tmp/d", 0755).error == Errno::Exist);
    CHECK(s.path_call(SYS_mkdir, "/tmp/d/e/", 0700).ok());
    CHECK(s.stat("/tmp").st_nlink == root_links + 1);
    CHECK(s.stat("/tmp/d").st_nlink == 3);
    CHECK(s.put_file("/tmp/d/e/f", "x") == Errno::Ok);
    CHECK(s.contents("/tmp/d/./e/../e/f") == "x");
    CHECK(s.path_call(SYS_rmdir, "/tmp/d").error == Errno::NotEmpty);
    CHECK(s.path_call(SYS_rmdir, "/tmp/d/e/f").error == Errno::NotDir);
    CHECK(s.path_call(SYS_rmdir, "/tmp/d/e/.").error == Errno::Inval);
    CHECK(s.path_call(SYS_rmdir, "/tmp").error == Errno::Busy);
    CHECK(s.path_call(SYS_unlink, "/tmp/d").error == Errno::Perm);
    CHECK(s.path_call(SYS_unlink, "/tmp/d/e/f/").error == Errno::NotDir);
    CHECK(s.path_call(SYS_unlink, "/tmp/none").error == Errno::NoEnt);
    CHECK(s.path_call(SYS_unlink, "/tmp/no/f").error == Errno::NoEnt);
    CHECK(s.open("/tmp/d/e/f/g", O_CREAT | O_WRONLY).error == Errno::NotDir);
    CHECK(s.open("/tmp/d", O_WRONLY).error == Errno::IsDir);
    CHECK(tmpfs_violations() == 0);
    CHECK(s.path_call(SYS_unlink, "/tmp/d/e/f").ok());
    CHECK(s.path_call(SYS_rmdir, "/tmp/d/e").ok());
    CHECK(s.path_call(SYS_rmdir, "/tmp/d").ok());
    CHECK(s.stat("/tmp").st_nlink == root_links);
    CHECK(tmpfs_root_mount()->tm_nodes_inuse == 1);
}

TEST_CASE("tmpfs: rename within tmpfs, over a target, into itself, and across file systems")
{
    TmpfsWorld s;
    CHECK(s.put_file("/tmp/a", "A") == Errno::Ok);
    CHECK(s.put_file("/tmp/b", "B") == Errno::Ok);
    CHECK(s.rename("/tmp/a", "/tmp/b").ok()); // replaces b, whose node goes
    CHECK(s.contents("/tmp/b") == "A");
    CHECK(s.open("/tmp/a", O_RDONLY).error == Errno::NoEnt);
    CHECK(tmpfs_root_mount()->tm_nodes_inuse == 2);
    CHECK(s.path_call(SYS_mkdir, "/tmp/d", 0755).ok());
    CHECK(s.path_call(SYS_mkdir, "/tmp/d/sub", 0755).ok());
    CHECK(s.rename("/tmp/d", "/tmp/d/sub/x").error == Errno::Inval);
    CHECK(s.rename("/tmp/d", "/tmp/d/x").error == Errno::Inval);
    CHECK(s.rename("/tmp/b", "/tmp/d").error == Errno::IsDir);
    CHECK(s.rename("/tmp/d/sub", "/tmp/b").error == Errno::NotDir);
    CHECK(s.rename("/tmp/b", "/tmp/c/").error == Errno::NotDir);
    CHECK(s.rename("/tmp/none", "/tmp/x").error == Errno::NoEnt);
    CHECK(s.rename("/tmp/b", "/etc/b").error == Errno::XDev);
    CHECK(s.rename("/etc/motd", "/tmp/motd").error == Errno::XDev);
    CHECK(s.rename("/etc/motd", "/etc/m").error == Errno::RoFs);
    CHECK(s.rename("/etc/none", "/etc/m").error == Errno::NoEnt);
    CHECK(s.rename("/tmp", "/tmp/x").error == Errno::Busy);
    CHECK(s.path_call(SYS_mkdir, "/tmp/e", 0755).ok());
    CHECK(s.put_file("/tmp/e/f", "") == Errno::Ok);
    CHECK(s.rename("/tmp/d", "/tmp/e").error == Errno::NotEmpty);
    CHECK(s.rename("/tmp/d/sub", "/tmp/e/sub").ok()); // a directory changes parent
    CHECK(s.stat("/tmp/d").st_nlink == 2);
    CHECK(s.stat("/tmp/e").st_nlink == 3);
    CHECK(s.path_call(SYS_mkdir, "/tmp/empty", 0755).ok());
    CHECK(s.rename("/tmp/d", "/tmp/empty").ok()); // over an empty directory
    CHECK(s.rename("/tmp/b", "/tmp/b").ok());
    CHECK(tmpfs_violations() == 0);
}

TEST_CASE("tmpfs: the initrd stays read-only: EROFS, EEXIST and ENOENT as FreeBSD answers")
{
    TmpfsWorld s;
    CHECK(s.open("/etc/new", O_CREAT | O_WRONLY).error == Errno::RoFs);
    CHECK(s.path_call(SYS_unlink, "/etc/motd").error == Errno::RoFs);
    CHECK(s.path_call(SYS_unlink, "/etc/none").error == Errno::NoEnt);
    CHECK(s.path_call(SYS_mkdir, "/etc/d", 0755).error == Errno::RoFs);
    CHECK(s.path_call(SYS_mkdir, "/etc", 0755).error == Errno::Exist);
    CHECK(s.path_call(SYS_rmdir, "/etc").error == Errno::RoFs);
    CHECK(s.open("/etc/motd/", O_RDONLY).error == Errno::NotDir);
    CHECK(s.stat("/etc/motd").st_mode == (S_IFREG | 0644));
    CHECK(s.stat("/").st_mode == (S_IFDIR | 0755));
    CHECK(s.contents("/tmp/../etc/motd") == "hello\n");
}

TEST_CASE("tmpfs: getdirentries lists tmpfs and the initrd, / shows the mount point")
{
    TmpfsWorld s;
    CHECK(s.put_file("/tmp/one", "") == Errno::Ok);
    CHECK(s.path_call(SYS_mkdir, "/tmp/two", 0755).ok());
    CHECK(s.list("/tmp") == "./ ../ one two/ ");
    CHECK(s.list("/tmp", 32) == "./ ../ one two/ "); // one record per call
    CHECK(s.list("/") == "./ ../ etc/ bin/ tmp/ ");
    CHECK(s.list("/etc") == "./ ../ motd ");
    const Ret d = s.open("/tmp", O_RDONLY);
    REQUIRE(d.ok());
    CHECK(s.call(SYS_getdirentries, {u(d.fd()), SysWorld::UBUF, 16, 0}).error == Errno::Inval);
    CHECK(s.call(SYS_getdirentries, {u(d.fd()), BAD_ADDR, 4096, 0}).error == Errno::Fault);
    // basep gets where the read began.
    CHECK(s.call(SYS_getdirentries, {u(d.fd()), SysWorld::UBUF, 32, SysWorld::UBUF + 0x100}).ok());
    CHECK(s.call(SYS_getdirentries, {u(d.fd()), SysWorld::UBUF, 32, SysWorld::UBUF + 0x100}).ok());
    int64_t base = -1;
    REQUIRE(copyin(SysWorld::UBUF + 0x100, &base, sizeof base) == Errno::Ok);
    CHECK(base == 1);
    const Ret f = s.open("/tmp/one", O_RDONLY);
    CHECK(s.call(SYS_getdirentries, {u(f.fd()), SysWorld::UBUF, 4096, 0}).error == Errno::Inval);
    const Ret w = s.open("/tmp/one", O_WRONLY);
    const Ret wd = s.open("/tmp/two", O_RDONLY);
    CHECK(s.call(SYS_close, {u(wd.fd())}).ok());
    CHECK(s.call(SYS_getdirentries, {u(w.fd()), SysWorld::UBUF, 4096, 0}).error == Errno::BadF);
}

TEST_CASE("tmpfs: every path call is EFAULT for a bad pointer and ENAMETOOLONG for a long path or name")
{
    TmpfsWorld s;
    const std::string too_long(MAXPATHLEN, 'a'); // no NUL within MAXPATHLEN
    const std::string long_name = "/tmp/" + std::string(NAME_MAX + 1, 'n');
    const std::string max_name = "/tmp/" + std::string(NAME_MAX, 'n');
    for (int code : {SYS_open, SYS_unlink, SYS_mkdir, SYS_rmdir}) {
        CAPTURE(code);
        const uint64_t flags = code == SYS_open ? u(O_CREAT | O_WRONLY) : 0755;
        CHECK(s.call(code, {BAD_ADDR, flags, 0644}).error == Errno::Fault);
        CHECK(s.path_call(code, too_long, flags, 0644).error == Errno::NameTooLong);
        CHECK(s.path_call(code, long_name, flags, 0644).error == Errno::NameTooLong);
    }
    CHECK(s.call(SYS_rename, {BAD_ADDR, SysWorld::UBUF}).error == Errno::Fault);
    s.put_str(0x800, "/tmp/x");
    CHECK(s.call(SYS_rename, {SysWorld::UBUF + 0x800, BAD_ADDR}).error == Errno::Fault);
    CHECK(s.rename("/tmp/x", too_long).error == Errno::NameTooLong);
    CHECK(s.call(SYS_fstatat, {u(AT_FDCWD), BAD_ADDR, SysWorld::UBUF, 0}).error == Errno::Fault);
    s.put_str(0x800, "/tmp");
    CHECK(s.call(SYS_fstatat, {u(AT_FDCWD), SysWorld::UBUF + 0x800, BAD_ADDR, 0}).error == Errno::Fault);
    CHECK(s.call(SYS_fstatat, {u(AT_FDCWD), SysWorld::UBUF + 0x800, SysWorld::UBUF, 0x1}).error == Errno::Inval);
    s.put_str(0x800, "tmp");
    CHECK(s.call(SYS_fstatat, {3, SysWorld::UBUF + 0x800, SysWorld::UBUF, 0}).error == Errno::Inval);
    CHECK(s.stat(too_long, Errno::NameTooLong).st_ino == 0);
    CHECK(s.call(SYS_fstat, {0, SysWorld::UBUF}).error == Errno::BadF);
    CHECK(s.put_file(max_name, "ok") == Errno::Ok); // NAME_MAX itself is fine
    CHECK(s.contents(max_name) == "ok");
    const Ret w = s.open("/tmp/w", O_WRONLY | O_CREAT);
    CHECK(s.call(SYS_write, {u(w.fd()), BAD_ADDR, 10}).error == Errno::Fault);
    CHECK(s.stat("/tmp/w").st_size == 0);
    CHECK(tmpfs_violations() == 0);
}

TEST_CASE("tmpfs: ENOSPC at the page limit and the node limit; a short write, then room again")
{
    TmpfsWorld s(4, 3); // four pages; the root and two more nodes
    const Ret o = s.open("/tmp/big", O_WRONLY | O_CREAT);
    REQUIRE(o.ok());
    const Ret w = s.write(o.fd(), std::string(5 * PG, 'b'));
    CHECK(w.ok());
    CHECK(w.a0 == 4 * PG); // what fitted
    CHECK(s.write(o.fd(), "x").error == Errno::NoSpc);
    CHECK(s.open("/tmp/n2", O_WRONLY | O_CREAT).ok());
    CHECK(s.open("/tmp/n3", O_WRONLY | O_CREAT).error == Errno::NoSpc);
    CHECK(s.path_call(SYS_mkdir, "/tmp/d", 0755).error == Errno::NoSpc);
    // A write beyond the largest file (twice the pages) is EFBIG.
    CHECK(s.call(SYS_lseek, {u(o.fd()), 8 * PG, u(L_SET)}).ok());
    CHECK(s.write(o.fd(), "x").error == Errno::FBig);
    CHECK(s.call(SYS_close, {u(o.fd())}).ok());
    CHECK(s.path_call(SYS_unlink, "/tmp/big").ok());
    CHECK(tmpfs_root_mount()->tm_pages_used == 0);
    CHECK(s.put_file("/tmp/again", std::string(4 * PG, 'a')) == Errno::Ok);
    CHECK(tmpfs_violations() == 0);
}

namespace {

// Makes a file of two pages, a directory, renames the file into it and
// appends to it: every kind of allocation tmpfs makes.  The first error.
Errno scenario(TmpfsWorld& s)
{
    const Ret o = s.open("/tmp/f", O_RDWR | O_CREAT);
    if (!o.ok()) return o.error;
    const Ret w = s.write(o.fd(), std::string(2 * PG, 'w'));
    CHECK(s.call(SYS_close, {u(o.fd())}).ok());
    if (!w.ok()) return w.error;
    if (w.a0 != 2 * PG) return Errno::NoSpc;
    if (const Ret r = s.path_call(SYS_mkdir, "/tmp/d", 0755); !r.ok()) return r.error;
    if (const Ret r = s.rename("/tmp/f", "/tmp/d/g"); !r.ok()) return r.error;
    const Ret a = s.open("/tmp/d/g", O_WRONLY | O_APPEND);
    if (!a.ok()) return a.error;
    const Ret w2 = s.write(a.fd(), "tail");
    CHECK(s.call(SYS_close, {u(a.fd())}).ok());
    return w2.ok() ? Errno::Ok : w2.error;
}

void cleanup(TmpfsWorld& s)
{
    for (const char* f : {"/tmp/f", "/tmp/d/g"}) (void)s.path_call(SYS_unlink, f);
    (void)s.path_call(SYS_rmdir, "/tmp/d");
}

// Fails the nth allocation of a site for n = 0, 1, ... until the scenario
// runs through; after each try everything is back to the baseline.
template <typename Arm, typename Disarm>
void sweep(TmpfsWorld& s, Arm arm, Disarm disarm, std::vector<Errno> allowed)
{
    const Baseline before = baseline(s);
    bool done = false;
    for (long n = 0; !done && n < 200; n++) {
        CAPTURE(n);
        arm(n);
        const Errno e = scenario(s);
        disarm();
        done = e == Errno::Ok;
        if (!done) CHECK(std::find(allowed.begin(), allowed.end(), e) != allowed.end());
        CHECK(tmpfs_violations() == 0);
        cleanup(s);
        check_back_to(s, before);
    }
    CHECK(done);
}

} // namespace

TEST_CASE("tmpfs: every kmalloc, page and commit failure is an error and leaks nothing")
{
    TmpfsWorld s;
    SUBCASE("kmalloc")
    {
        sweep(
            s, [&](long n) { s.w.km->fail_after(n); }, [&] { s.w.km->fail_after(-1); },
            {Errno::NoMem, Errno::NFile});
    }
    SUBCASE("page")
    {
        sweep(
            s, [&](long n) { s.w.pages.fail_after(n); }, [&] { s.w.pages.fail_after(-1); },
            {Errno::NoMem, Errno::NFile});
    }
    SUBCASE("commit")
    {
        sweep(
            s, [&](long n) { kernel_commit().fail_after(n); }, [&] { kernel_commit().fail_after(-1); },
            {Errno::NoSpc});
    }
    SUBCASE("file zone")
    {
        sweep(
            s, [&](long n) { proc_zones().fds.files.zone().fail_after(n); },
            [&] { proc_zones().fds.files.zone().fail_after(-1); }, {Errno::NFile});
    }
}

TEST_CASE("tmpfs: the invariant checker finds a wrong link count and a wrong page count")
{
    TmpfsWorld s;
    CHECK(s.put_file("/tmp/f", "x") == Errno::Ok);
    CHECK(tmpfs_violations() == 0);
    tmpfs_node* root = tmpfs_root_mount()->tm_root;
    root->tn_links++;
    CHECK(tmpfs_violations() == 1);
    root->tn_links--;
    tmpfs_root_mount()->tm_pages_used++;
    CHECK(tmpfs_violations() == 1);
    tmpfs_root_mount()->tm_pages_used--;
    CHECK(tmpfs_charged_bytes() == PG);
}

TEST_CASE("tmpfs: unmount refuses while a file is open")
{
    TmpfsWorld s;
    const Ret o = s.open("/tmp/f", O_RDONLY | O_CREAT);
    REQUIRE(o.ok());
    CHECK(tmpfs_unmount_root() == Errno::Busy);
    CHECK(tmpfs_root_mount() != nullptr);
}

TEST_CASE("tmpfs: mmap of a file is ENODEV (no file is ever mapped), of a closed descriptor EBADF")
{
    TmpfsWorld s;
    const Ret o = s.open("/tmp/m", O_RDWR | O_CREAT);
    REQUIRE(o.ok());
    CHECK(s.write(o.fd(), std::string(PG, 'm')).a0 == PG);
    const uint64_t rw = PROT_READ | PROT_WRITE;
    CHECK(s.call(SYS_mmap, {0, PG, rw, u(MAP_SHARED), u(o.fd()), 0}).error == Errno::NoDev);
    CHECK(s.call(SYS_mmap, {0, PG, rw, u(MAP_PRIVATE), u(o.fd()), 0}).error == Errno::NoDev);
    CHECK(s.call(SYS_mmap, {0, PG, rw, u(MAP_PRIVATE), 9, 0}).error == Errno::BadF);
}

namespace {

// kevent(2) with one change (or none) and room for four events, no wait.
struct KeventCall {
    TmpfsWorld& s;
    int kq;
    Ret add(int fd, int16_t filter, int nevents = 0)
    {
        struct kevent k{};
        k.ident = uintptr_t(fd);
        k.filter = filter;
        k.flags = EV_ADD;
        s.put(0x2000, std::string(reinterpret_cast<const char*>(&k), sizeof k));
        s.put(0x2800, std::string(sizeof(ktimespec), '\0'));
        return s.call(SYS_kevent, {u(kq), s.UBUF + 0x2000, 1, s.UBUF + 0x3000, u(nevents), s.UBUF + 0x2800});
    }
    std::vector<struct kevent> poll()
    {
        s.put(0x2800, std::string(sizeof(ktimespec), '\0'));
        const Ret r = s.call(SYS_kevent, {u(kq), 0, 0, s.UBUF + 0x3000, 4, s.UBUF + 0x2800});
        REQUIRE(r.ok());
        std::vector<struct kevent> out(r.a0);
        const std::string raw = s.get(0x3000, r.a0 * sizeof(struct kevent));
        if (!raw.empty()) memcpy(out.data(), raw.data(), raw.size());
        return out;
    }
};

} // namespace

TEST_CASE("kevent on files: EVFILT_READ is the bytes past the offset, raised by a write that grows the file; "
          "EVFILT_WRITE always ready; directories EINVAL")
{
    TmpfsWorld s;
    const Ret w = s.open("/tmp/f", O_RDWR | O_CREAT);
    const Ret r = s.open("/tmp/f", O_RDONLY); // its own offset
    const Ret motd = s.open("/etc/motd", O_RDONLY);
    const Ret dir = s.open("/tmp", O_RDONLY);
    REQUIRE((w.ok() && r.ok() && motd.ok() && dir.ok()));
    const Ret q = s.call(SYS_kqueue, {});
    REQUIRE(q.ok());
    KeventCall kc{s, q.fd()};
    CHECK(kc.add(dir.fd(), EVFILT_READ).error == Errno::Inval);
    CHECK(kc.add(dir.fd(), EVFILT_WRITE).error == Errno::Inval);
    REQUIRE(kc.add(r.fd(), EVFILT_READ).ok());
    CHECK(kc.poll().empty()); // an empty file: nothing to read
    // The write must raise the knote itself: nothing else looks at it again.
    REQUIRE(s.write(w.fd(), "hello").a0 == 5);
    std::vector<struct kevent> ev = kc.poll();
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].ident == uintptr_t(r.fd()));
    CHECK(ev[0].filter == EVFILT_READ);
    CHECK(ev[0].data == 5);
    CHECK(s.read(r.fd(), 2) == "he");
    ev = kc.poll();
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].data == 3);
    CHECK(s.read(r.fd(), 8) == "llo");
    CHECK(kc.poll().empty()); // at the end
    // Unlinked while watched: still the same file, still told of writes.
    REQUIRE(s.path_call(SYS_unlink, "/tmp/f").ok());
    REQUIRE(s.write(w.fd(), "!!").a0 == 2);
    ev = kc.poll();
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].data == 2);
    REQUIRE(s.call(SYS_close, {u(r.fd())}).ok()); // takes its knote along
    CHECK(kc.poll().empty());
    // A file of the initrd: its size past the offset; any file: writable.
    REQUIRE(kc.add(motd.fd(), EVFILT_READ).ok());
    REQUIRE(kc.add(w.fd(), EVFILT_WRITE).ok());
    ev = kc.poll();
    REQUIRE(ev.size() == 2);
    const struct kevent& rd = ev[0].filter == EVFILT_READ ? ev[0] : ev[1];
    const struct kevent& wr = ev[0].filter == EVFILT_READ ? ev[1] : ev[0];
    CHECK(rd.ident == uintptr_t(motd.fd()));
    CHECK(rd.data == int64_t(strlen("hello\n")));
    CHECK(wr.ident == uintptr_t(w.fd()));
    CHECK(wr.data == 0);
    // The last close of the unlinked file frees its node with no knote left
    // on it (tmpfs_free_node asserts that).
    REQUIRE(s.call(SYS_close, {u(w.fd())}).ok());
    CHECK(tmpfs_violations() == 0);
}
