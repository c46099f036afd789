// Open files (falloc_noinstall/finit/fhold/fdrop), descriptor tables
// (fdinit/fdcopy/fdshare/fdfree/fdunshare/fdreplace_empty and the
// descriptor operations), leader records, and text-vnode references.
#include "fd_test_util.h"

#include <kernel/fs/vnode.h>

#include <functional>
#include <string>

using namespace fdtest;

namespace {

// One source of allocation failures and how many times op allocates
// from it (-1: not worked out, any number will do).
struct Source {
    const char* name;
    std::function<void(long)> arm;
    long expected;
};

std::vector<Source> sources(FdEnv& env, long tables, long km, long files = 0, long leaders = 0)
{
    return {
        {"filedesc zone", [&env](long n) { env.zones.tables.fail_after(n); }, tables},
        {"kmalloc", [&env](long n) { env.km.fail_after(n); }, km},
        {"file zone", [&env](long n) { env.zones.files.fail_after(n); }, files},
        {"leader zone", [&env](long n) { env.zones.leaders.fail_after(n); }, leaders},
        {"pages", [&env](long n) { env.mem.pages.fail_after(n); }, -1},
    };
}

// The slot count of a table holding descriptor fd: 20, doubled as needed.
int slots_for(int fd)
{
    int n = 20;
    while (n <= fd) n *= 2;
    return n;
}

} // namespace

// --- Files ---

TEST_CASE("file: falloc_noinstall, fhold and fdrop count references; the last closes once")
{
    FdEnv env;
    TestFile t;
    t.close_error = Errno::Io;
    file* fp = falloc_noinstall(env.zones.files).value();
    CHECK(fp->f_count == 1);
    CHECK(fp->f_type == FileType::None);
    CHECK(fp->f_ops == nullptr);
    CHECK(fp->f_offset == 0);
    finit(fp, FFLAGS(O_RDWR), FileType::Vnode, &t, &test_fileops);
    CHECK(fp->f_flag == (FREAD | FWRITE));
    CHECK(fp->f_type == FileType::Vnode);
    CHECK(fp->f_data == &t);

    CHECK(fhold(fp) == fp);
    CHECK(fhold(fp) == fp);
    CHECK(fp->f_count == 3);
    CHECK(fdrop(fp) == Errno::Ok); // not the last: no close, no error
    CHECK(fdrop(fp) == Errno::Ok);
    CHECK(t.closes == 0);
    CHECK(env.zones.files.objects_in_use() == 1);
    CHECK(fdrop(fp) == Errno::Io); // the last: fo_close's error
    CHECK(t.closes == 1);
    CHECK(env.zones.files.objects_in_use() == 0);
}

TEST_CASE("file: a file never given a kind is freed without a close")
{
    FdEnv env;
    file* fp = falloc_noinstall(env.zones.files).value();
    CHECK(fdrop(fp) == Errno::Ok);
    CHECK(env.zones.files.objects_in_use() == 0);
}

TEST_CASE("file: FFLAGS turns the access mode into bits and keeps the status flags")
{
    CHECK(FFLAGS(O_RDONLY) == FREAD);
    CHECK(FFLAGS(O_WRONLY) == FWRITE);
    CHECK(FFLAGS(O_RDWR) == (FREAD | FWRITE));
    CHECK(FFLAGS(O_WRONLY | O_APPEND | O_NONBLOCK) == (FWRITE | O_APPEND | O_NONBLOCK));
    CHECK(OFLAGS(FREAD | FWRITE | O_APPEND) == (O_RDWR | O_APPEND));
    CHECK((FFLAGS(O_RDWR | O_APPEND | O_NONBLOCK) & ~FMASK) == 0);
}

TEST_CASE("file: the zone's failure gives NoMem and nothing in use")
{
    FdEnv env;
    const long fails = every_failure(
        env, [&](long n) { env.zones.files.fail_after(n); },
        [&] {
            Result<file*> r = falloc_noinstall(env.zones.files);
            if (!r.ok()) return r.error();
            return fdrop(r.value());
        },
        [] { return std::vector<uint64_t>{}; });
    CHECK(fails == 1);
}

// --- Whole tables ---

TEST_CASE("fdinit: an empty table, umask CMASK or the given table's")
{
    FdEnv env;
    filedesc* fdp = fdinit(env.zones, nullptr).value();
    CHECK(fdp->fd_refcnt == 1);
    CHECK(fdp->fd_nfiles == NDFILE);
    CHECK(fdp->fd_lastfile == -1);
    CHECK(fdp->fd_freefile == 0);
    CHECK(fdp->fd_cmask == 022);
    for (int fd = 0; fd < NDFILE; fd++) CHECK(fget_locked(fdp, fd) == nullptr);

    TestFile t;
    open_file(env, fdp, t);
    fdp->fd_cmask = 077;
    filedesc* child = fdinit(env.zones, fdp).value();
    CHECK(child->fd_cmask == 077);
    CHECK(child->fd_lastfile == -1); // the files are not copied
    CHECK(fget_locked(child, 0) == nullptr);
    CHECK(fget_locked(fdp, 0)->f_count == 1);
    CHECK(env.km.objects_in_use() == 0); // embedded slots: no kmalloc
    fdfree(child);
    fdfree(fdp);
    CHECK(t.closes == 1);
}

TEST_CASE("fdcopy: the copy shares the file objects, their offsets and the slot flags")
{
    FdEnv env;
    TestFile a, b, c;
    filedesc* parent = fdinit(env.zones, nullptr).value();
    parent->fd_cmask = 027;
    const int fa = open_file(env, parent, a);
    const int fb = open_file(env, parent, b, O_CLOEXEC);
    const int fc = open_file(env, parent, c);
    CHECK(fdclose(parent, fb) == Errno::Ok); // a hole at 1
    CHECK(b.closes == 1);
    const int fb2 = open_file(env, parent, b, O_CLOEXEC); // back into the hole
    CHECK(fb2 == fb);

    filedesc* child = fdcopy(env.zones, parent).value();
    CHECK(child != parent);
    CHECK(child->fd_refcnt == 1);
    CHECK(parent->fd_refcnt == 1);
    CHECK(child->fd_cmask == 027);
    CHECK(child->fd_lastfile == parent->fd_lastfile);
    CHECK(child->fd_freefile == 3);
    for (int fd : {fa, fb, fc}) {
        CAPTURE(fd);
        CHECK(fget_locked(child, fd) == fget_locked(parent, fd));
        CHECK(fget_locked(child, fd)->f_count == 2);
    }
    CHECK(child->fd_ofileflags[fb] == UF_EXCLOSE);
    CHECK(child->fd_ofileflags[fa] == 0);

    // One offset: a move through the child's descriptor shows in the parent.
    fget_locked(child, fa)->f_offset = 4096;
    CHECK(fget_locked(parent, fa)->f_offset == 4096);

    // Closing in one table leaves the other's descriptor open.
    CHECK(fdclose(child, fa) == Errno::Ok);
    CHECK(a.closes == 0);
    CHECK(fget_locked(parent, fa) != nullptr);
    CHECK(fget_locked(parent, fa)->f_count == 1);
    CHECK(fget_locked(child, fa) == nullptr);

    fdfree(child);
    CHECK(a.closes + b.closes + c.closes == 1); // only b's first file so far
    fdfree(parent);
    CHECK(a.closes == 1);
    CHECK(b.closes == 2);
    CHECK(c.closes == 1);
}

TEST_CASE("fdshare/fdfree: references count processes; the last fdfree closes every file once")
{
    FdEnv env;
    TestFile t[5];
    filedesc* fdp = fdinit(env.zones, nullptr).value();
    for (TestFile& f : t) open_file(env, fdp, f);
    // The same file in two slots is still one file: closed once.
    CHECK(fddup(fdp, 2, -1).value() == 5);

    CHECK(fdshare(fdp) == fdp);
    CHECK(fdshare(fdp) == fdp);
    CHECK(fdp->fd_refcnt == 3);
    CHECK(fdshared(fdp));
    fdfree(fdp);
    fdfree(fdp);
    CHECK(fdp->fd_refcnt == 1);
    CHECK_FALSE(fdshared(fdp));
    for (TestFile& f : t) CHECK(f.closes == 0);
    CHECK(env.zones.tables.objects_in_use() == 1);
    fdfree(fdp);
    for (TestFile& f : t) CHECK(f.closes == 1);
    CHECK(env.zones.tables.objects_in_use() == 0);
    CHECK(env.zones.files.objects_in_use() == 0);
}

TEST_CASE("fdfree: a file shared with a copied table closes with the last table")
{
    FdEnv env;
    TestFile t;
    filedesc* parent = fdinit(env.zones, nullptr).value();
    open_file(env, parent, t);
    filedesc* child = fdcopy(env.zones, parent).value();
    fdfree(parent);
    CHECK(t.closes == 0);
    CHECK(fget_locked(child, 0)->f_count == 1);
    fdfree(child);
    CHECK(t.closes == 1);
}

TEST_CASE("fdalloc/finstall: beyond NDFILE the table doubles, and a grown table copies")
{
    FdEnv env;
    constexpr int N = 45;
    TestFile t[N];
    filedesc* fdp = fdinit(env.zones, nullptr).value();
    for (int i = 0; i < N; i++) {
        CAPTURE(i);
        CHECK(open_file(env, fdp, t[i]) == i);
    }
    CHECK(fdp->fd_nfiles == 80); // 20 -> 40 -> 80
    CHECK(fdp->fd_lastfile == N - 1);
    CHECK(fdp->fd_freefile == N);
    CHECK(env.km.objects_in_use() == 1); // the 40-slot block went back
    for (int i = 0; i < N; i++) CHECK(fget_locked(fdp, i)->f_data == &t[i]);
    for (int fd = N; fd < fdp->fd_nfiles; fd++) CHECK(fget_locked(fdp, fd) == nullptr);

    filedesc* copy = fdcopy(env.zones, fdp).value();
    CHECK(copy->fd_nfiles == 80);
    CHECK(env.km.objects_in_use() == 2);
    for (int i = 0; i < N; i++) {
        CHECK(fget_locked(copy, i) == fget_locked(fdp, i));
        CHECK(fget_locked(copy, i)->f_count == 2);
    }
    fdfree(copy);
    fdfree(fdp);
    for (TestFile& f : t) CHECK(f.closes == 1);
}

TEST_CASE("fdcopy: a grown table whose high descriptors closed copies into fewer slots")
{
    FdEnv env;
    TestFile low, high;
    filedesc* fdp = fdinit(env.zones, nullptr).value();
    open_file(env, fdp, low);
    file* fp = new_file(env, high);
    CHECK(finstall(fdp, fp, 0).value() == 1);
    CHECK(fddup(fdp, 1, 70).value() == 70);
    CHECK(fdp->fd_nfiles == slots_for(70));
    CHECK(fdclose(fdp, 70) == Errno::Ok);
    CHECK(fdp->fd_lastfile == 1);
    filedesc* copy = fdcopy(env.zones, fdp).value();
    CHECK(copy->fd_nfiles == NDFILE);
    CHECK(fget_locked(copy, 1) == fp);
    CHECK(fp->f_count == 3); // the caller's, and one slot per table
    CHECK(fdrop(fp) == Errno::Ok);
    fdfree(copy);
    fdfree(fdp);
    CHECK(low.closes == 1);
    CHECK(high.closes == 1);
}

TEST_CASE("fdunshare: a shared table is replaced by a copy, an unshared one kept")
{
    FdEnv env;
    TestFile t;
    filedesc* fdp = fdinit(env.zones, nullptr).value();
    open_file(env, fdp, t);
    file* fp = fget_locked(fdp, 0);

    filedesc* mine = fdp;
    REQUIRE(fdunshare(env.zones, &mine).ok());
    CHECK(mine == fdp); // not shared: nothing to do
    CHECK(fp->f_count == 1);

    filedesc* other = fdshare(fdp);
    REQUIRE(fdunshare(env.zones, &mine).ok());
    CHECK(mine != fdp);
    CHECK(mine->fd_refcnt == 1);
    CHECK(other->fd_refcnt == 1); // the shared reference was dropped
    CHECK(fget_locked(mine, 0) == fp);
    CHECK(fp->f_count == 2);
    CHECK(t.closes == 0);
    fdfree(other);
    fdfree(mine);
    CHECK(t.closes == 1);
}

TEST_CASE("fdreplace_empty: the caller gets an empty table; the old closes only when unshared")
{
    FdEnv env;
    TestFile t, u;
    filedesc* fdp = fdinit(env.zones, nullptr).value();
    fdp->fd_cmask = 077;
    open_file(env, fdp, t);

    SUBCASE("shared: the other process keeps its descriptors")
    {
        filedesc* other = fdshare(fdp);
        filedesc* mine = fdp;
        REQUIRE(fdreplace_empty(env.zones, &mine).ok());
        CHECK(mine != other);
        CHECK(mine->fd_lastfile == -1);
        CHECK(mine->fd_cmask == 077);
        CHECK(other->fd_refcnt == 1);
        CHECK(fget_locked(other, 0) != nullptr);
        CHECK(t.closes == 0);
        fdfree(other);
        CHECK(t.closes == 1);
        fdfree(mine);
    }
    SUBCASE("unshared: its files close")
    {
        filedesc* mine = fdp;
        open_file(env, mine, u);
        REQUIRE(fdreplace_empty(env.zones, &mine).ok());
        CHECK(mine != fdp);
        CHECK(mine->fd_lastfile == -1);
        CHECK(t.closes == 1);
        CHECK(u.closes == 1);
        CHECK(env.zones.tables.objects_in_use() == 1);
        fdfree(mine);
    }
}

// --- Descriptors ---

TEST_CASE("finstall: the slot takes its own reference; O_CLOEXEC sets UF_EXCLOSE")
{
    FdEnv env;
    TestFile t;
    filedesc* fdp = fdinit(env.zones, nullptr).value();
    file* fp = new_file(env, t);
    CHECK(finstall(fdp, fp, O_RDWR | O_CLOEXEC).value() == 0);
    CHECK(fp->f_count == 2);
    CHECK(fdp->fd_ofileflags[0] == UF_EXCLOSE);
    CHECK(finstall(fdp, fp, O_RDWR | O_APPEND).value() == 1);
    CHECK(fdp->fd_ofileflags[1] == 0);
    CHECK(fp->f_count == 3);
    CHECK(fdrop(fp) == Errno::Ok);

    file* got = fget(fdp, 1).value();
    CHECK(got == fp);
    CHECK(fp->f_count == 3); // fget's reference, for the caller to drop
    CHECK(fdrop(got) == Errno::Ok);
    fdfree(fdp);
    CHECK(t.closes == 1);
}

TEST_CASE("fdalloc: the lowest free descriptor at or above minfd, within maxfd")
{
    FdEnv env;
    TestFile t[5];
    filedesc* fdp = fdinit(env.zones, nullptr).value();
    for (TestFile& f : t) open_file(env, fdp, f);
    CHECK(fdclose(fdp, 1) == Errno::Ok);
    CHECK(fdclose(fdp, 3) == Errno::Ok);
    CHECK(fdp->fd_freefile == 1);
    CHECK(fdalloc(fdp, 0).value() == 1);
    CHECK(fdalloc(fdp, 2).value() == 3);
    CHECK(fdalloc(fdp, 4).value() == 5);
    CHECK(fdalloc(fdp, 0).value() == 1); // not reserved: still free
    // Far above the table: it grows so that the slot exists.
    CHECK(fdalloc(fdp, 30).value() == 30);
    CHECK(fdp->fd_nfiles == slots_for(30));
    CHECK(fget_locked(fdp, 4)->f_data == &t[4]); // the move kept the files
    // The ceiling.
    CHECK(fdalloc(fdp, 5, 5).error() == Errno::MFile);
    CHECK(fdalloc(fdp, 4, 5).error() == Errno::MFile); // 4 is in use
    CHECK(fdalloc(fdp, 3, 5).value() == 3);
    fdfree(fdp);
}

TEST_CASE("finstall: MFile when every descriptor below maxfd is in use")
{
    FdEnv env;
    TestFile t;
    filedesc* fdp = fdinit(env.zones, nullptr).value();
    file* fp = new_file(env, t);
    for (int i = 0; i < 3; i++) CHECK(finstall(fdp, fp, 0, 3).value() == i);
    CHECK(finstall(fdp, fp, 0, 3).error() == Errno::MFile);
    CHECK(fp->f_count == 4); // the failed install took no reference
    CHECK(fdrop(fp) == Errno::Ok);
    fdfree(fdp);
    CHECK(t.closes == 1);
}

TEST_CASE("fdcloseexec: closes exactly the UF_EXCLOSE descriptors")
{
    FdEnv env;
    TestFile keep0, exec1, keep2, exec3;
    filedesc* fdp = fdinit(env.zones, nullptr).value();
    open_file(env, fdp, keep0);
    open_file(env, fdp, exec1, O_CLOEXEC);
    open_file(env, fdp, keep2);
    open_file(env, fdp, exec3, O_CLOEXEC);
    // A dup of a close-on-exec descriptor is not close-on-exec.
    CHECK(fddup(fdp, 3, 30).value() == 30);
    CHECK(fdp->fd_ofileflags[30] == 0);
    fdcloseexec(fdp);
    CHECK(fget_locked(fdp, 0) != nullptr);
    CHECK(fget_locked(fdp, 1) == nullptr);
    CHECK(fget_locked(fdp, 2) != nullptr);
    CHECK(fget_locked(fdp, 3) == nullptr);
    CHECK(fget_locked(fdp, 30) != nullptr);
    CHECK(exec1.closes == 1);
    CHECK(exec3.closes == 0); // fd 30 still holds it
    CHECK(keep0.closes == 0);
    CHECK(fdp->fd_lastfile == 30);
    CHECK(fdp->fd_freefile == 1);
    fdfree(fdp);
    CHECK(exec3.closes == 1);
}

TEST_CASE("fddup: dup takes the lowest free descriptor; dup2 exactly newfd")
{
    FdEnv env;
    TestFile a, b;
    filedesc* fdp = fdinit(env.zones, nullptr).value();
    open_file(env, fdp, a);
    open_file(env, fdp, b);
    file* fa = fget_locked(fdp, 0);
    file* fb = fget_locked(fdp, 1);

    CHECK(fddup(fdp, 0, -1).value() == 2);
    CHECK(fget_locked(fdp, 2) == fa);
    CHECK(fa->f_count == 2);

    // dup2 onto an open descriptor closes what it held.
    fb->f_offset = 7;
    CHECK(fddup(fdp, 1, 0).value() == 0);
    CHECK(fget_locked(fdp, 0) == fb);
    CHECK(fa->f_count == 1);
    CHECK(a.closes == 0);
    CHECK(fddup(fdp, 1, 2).value() == 2);
    CHECK(a.closes == 1); // its last descriptor went
    CHECK(fb->f_count == 3);
    CHECK(fget_locked(fdp, 2)->f_offset == 7);

    // dup2 onto itself changes nothing.
    CHECK(fddup(fdp, 1, 1).value() == 1);
    CHECK(fb->f_count == 3);

    // fcntl(F_DUPFD): the lowest free at or above minfd.
    CHECK(fddup_min(fdp, 1, 1).value() == 3);
    CHECK(fddup_min(fdp, 1, 10).value() == 10);
    CHECK(fddup_min(fdp, 1, 4).value() == 4);
    CHECK(fb->f_count == 6);
    fdfree(fdp);
    CHECK(b.closes == 1);
}

TEST_CASE("descriptor errors: BadF, MFile and Inval leave everything as it was")
{
    FdEnv env;
    TestFile t;
    filedesc* fdp = fdinit(env.zones, nullptr).value();
    open_file(env, fdp, t);
    file* fp = fget_locked(fdp, 0);

    for (int fd : {-1, 1, NDFILE - 1, NDFILE, 1000}) {
        CAPTURE(fd);
        CHECK(fget_locked(fdp, fd) == nullptr);
        CHECK(fget(fdp, fd).error() == Errno::BadF);
        CHECK(fdclose(fdp, fd) == Errno::BadF);
        CHECK(fddup(fdp, fd, -1).error() == Errno::BadF);
        CHECK(fddup(fdp, fd, 3).error() == Errno::BadF);
        CHECK(fddup_min(fdp, fd, 3).error() == Errno::BadF);
    }
    CHECK(fddup(fdp, 0, -2).error() == Errno::BadF);
    CHECK(fddup(fdp, 0, 8, 8).error() == Errno::BadF);   // dup2 beyond maxfd
    CHECK(fddup_min(fdp, 0, -1).error() == Errno::Inval);
    CHECK(fddup_min(fdp, 0, 8, 8).error() == Errno::Inval); // F_DUPFD beyond maxfd
    CHECK(fddup(fdp, 0, -1, 1).error() == Errno::MFile);
    CHECK(fddup_min(fdp, 0, 1, 2).value() == 1);
    CHECK(fddup_min(fdp, 0, 0, 2).error() == Errno::MFile);

    CHECK(fdclose(fdp, 1) == Errno::Ok);
    CHECK(fdclose(fdp, 1) == Errno::BadF); // twice
    CHECK(fp->f_count == 1);
    CHECK(fdp->fd_lastfile == 0);
    CHECK(fdp->fd_nfiles == NDFILE);
    fdfree(fdp);
    CHECK(t.closes == 1);
}

TEST_CASE("fdclose: the last reference's close error is close's")
{
    FdEnv env;
    TestFile t;
    t.close_error = Errno::Io;
    filedesc* fdp = fdinit(env.zones, nullptr).value();
    open_file(env, fdp, t);
    CHECK(fddup(fdp, 0, -1).value() == 1);
    CHECK(fdclose(fdp, 0) == Errno::Ok); // fd 1 still holds the file
    CHECK(fdclose(fdp, 1) == Errno::Io);
    CHECK(t.closes == 1);
    CHECK(fdp->fd_lastfile == -1);
    CHECK(fdp->fd_freefile == 0);
    fdfree(fdp);
}

// --- Allocation failures ---

TEST_CASE("fdinit and fdreplace_empty: every failure point gives NoMem and changes nothing")
{
    FdEnv env;
    TestFile t;
    filedesc* fdp = fdinit(env.zones, nullptr).value();
    open_file(env, fdp, t);
    filedesc* other = fdshare(fdp);
    filedesc* mine = fdp;
    const auto snapshot = [&] {
        return std::vector<uint64_t>{uint64_t(fdp->fd_refcnt), fget_locked(fdp, 0)->f_count,
                                     uint64_t(reinterpret_cast<uintptr_t>(mine))};
    };
    for (const Source& s : sources(env, 1, 0)) {
        CAPTURE(s.name);
        filedesc* made = nullptr;
        const long n = every_failure(
            env, s.arm,
            [&] {
                Result<filedesc*> r = fdinit(env.zones, fdp);
                if (!r.ok()) return r.error();
                made = r.value();
                return Errno::Ok;
            },
            snapshot);
        if (s.expected >= 0) CHECK(n == s.expected);
        fdfree(made);
    }
    for (const Source& s : sources(env, 1, 0)) {
        CAPTURE(s.name);
        const long n = every_failure(
            env, s.arm, [&] { return fdreplace_empty(env.zones, &mine).error(); }, snapshot);
        if (s.expected >= 0) CHECK(n == s.expected);
        CHECK(mine != fdp);
        CHECK(fdp->fd_refcnt == 1);
        fdfree(mine);
        mine = fdshare(fdp); // shared again for the next source
    }
    CHECK(t.closes == 0);
    fdfree(mine);
    fdfree(other);
    CHECK(t.closes == 1);
}

TEST_CASE("fdcopy: every failure point gives NoMem, nothing allocated, no reference taken")
{
    // Small: the slots fit in the table; grown: a kmalloc'd block under
    // the zone sizes; large: a block of whole pages.
    for (int files : {3, 30, 170}) {
        CAPTURE(files);
        FdEnv env;
        std::vector<TestFile> t(static_cast<size_t>(files));
        filedesc* fdp = fdinit(env.zones, nullptr).value();
        for (TestFile& f : t) open_file(env, fdp, f, O_CLOEXEC);
        const auto snapshot = [&] {
            std::vector<uint64_t> v{uint64_t(fdp->fd_refcnt)};
            for (int fd = 0; fd < files; fd++) v.push_back(fget_locked(fdp, fd)->f_count);
            return v;
        };
        const long blocks = files > NDFILE ? 1 : 0;
        for (const Source& s : sources(env, 1, blocks)) {
            CAPTURE(s.name);
            filedesc* copy = nullptr;
            const long n = every_failure(
                env, s.arm,
                [&] {
                    Result<filedesc*> r = fdcopy(env.zones, fdp);
                    if (!r.ok()) return r.error();
                    copy = r.value();
                    return Errno::Ok;
                },
                snapshot);
            if (s.expected >= 0) CHECK(n == s.expected);
            CHECK(copy->fd_nfiles == slots_for(files - 1));
            CHECK(fget_locked(copy, files - 1) == fget_locked(fdp, files - 1));
            for (int fd = 0; fd < files; fd++) CHECK(copy->fd_ofileflags[fd] == UF_EXCLOSE);
            fdfree(copy);
        }
        fdfree(fdp);
        for (const TestFile& f : t) CHECK(f.closes == 1);
    }
}

TEST_CASE("fdunshare: every failure point leaves the shared table and every count unchanged")
{
    for (int files : {2, 40}) {
        CAPTURE(files);
        FdEnv env;
        std::vector<TestFile> t(static_cast<size_t>(files));
        filedesc* fdp = fdinit(env.zones, nullptr).value();
        for (TestFile& f : t) open_file(env, fdp, f);
        filedesc* other = fdshare(fdp);
        filedesc* mine = fdp;
        const auto snapshot = [&] {
            std::vector<uint64_t> v{uint64_t(fdp->fd_refcnt), uint64_t(reinterpret_cast<uintptr_t>(mine))};
            for (int fd = 0; fd < files; fd++) v.push_back(fget_locked(fdp, fd)->f_count);
            return v;
        };
        for (const Source& s : sources(env, 1, files > NDFILE ? 1 : 0)) {
            CAPTURE(s.name);
            const long n = every_failure(
                env, s.arm, [&] { return fdunshare(env.zones, &mine).error(); }, snapshot);
            if (s.expected >= 0) CHECK(n == s.expected);
            CHECK(mine != fdp);
            CHECK(fdp->fd_refcnt == 1);
            CHECK(fget_locked(fdp, 0)->f_count == 2);
            fdfree(mine);
            mine = fdshare(fdp);
        }
        // Unshared, it allocates nothing: no failure can be injected.
        fdfree(other);
        for (const Source& s : sources(env, 0, 0)) {
            CAPTURE(s.name);
            CHECK(every_failure(
                      env, s.arm, [&] { return fdunshare(env.zones, &mine).error(); }, snapshot) == 0);
            CHECK(mine == fdp);
        }
        fdfree(mine);
        for (const TestFile& f : t) CHECK(f.closes == 1);
    }
}

TEST_CASE("table growth: every failure point of finstall, fdalloc and dup2 leaves the table as it was")
{
    FdEnv env;
    std::vector<TestFile> t(static_cast<size_t>(NDFILE));
    TestFile extra;
    filedesc* fdp = fdinit(env.zones, nullptr).value();
    for (TestFile& f : t) open_file(env, fdp, f);
    file* fp = new_file(env, extra);
    const auto snapshot = [&] {
        std::vector<uint64_t> v{uint64_t(fdp->fd_nfiles), uint64_t(fdp->fd_lastfile),
                                uint64_t(fdp->fd_freefile), fp->f_count,
                                uint64_t(reinterpret_cast<uintptr_t>(fdp->fd_ofiles))};
        for (int fd = 0; fd < NDFILE; fd++) v.push_back(fget_locked(fdp, fd)->f_count);
        return v;
    };
    const auto grown_back = [&] {
        // Undo a successful growth's install so the next source starts equal.
        CHECK(fdclose(fdp, fdp->fd_lastfile) == Errno::Ok);
    };

    SUBCASE("finstall of descriptor NDFILE")
    {
        for (const Source& s : sources(env, 0, 1)) {
            CAPTURE(s.name);
            const long n = every_failure(
                env, s.arm, [&] { return finstall(fdp, fp, 0).error(); }, snapshot);
            if (s.expected >= 0) CHECK(n == s.expected);
            CHECK(fget_locked(fdp, NDFILE) == fp);
            grown_back();
            // A grown table stays grown: shrink it by starting over.
            filedesc* fresh = fdcopy(env.zones, fdp).value();
            fdfree(fdp);
            fdp = fresh;
        }
    }
    SUBCASE("fdalloc far above: a block of whole pages")
    {
        for (const Source& s : sources(env, 0, 1)) {
            CAPTURE(s.name);
            int fd = -1;
            const long n = every_failure(
                env, s.arm,
                [&] {
                    Result<int> r = fdalloc(fdp, 200);
                    if (!r.ok()) return r.error();
                    fd = r.value();
                    return Errno::Ok;
                },
                snapshot);
            if (s.expected >= 0) CHECK(n == s.expected);
            if (std::string(s.name) == "pages") CHECK(n >= 1); // 320 slots exceed the zone sizes
            CHECK(fd == 200);
            CHECK(fdp->fd_nfiles == slots_for(200));
            filedesc* fresh = fdcopy(env.zones, fdp).value();
            fdfree(fdp);
            fdp = fresh;
        }
    }
    SUBCASE("dup2 beyond the table")
    {
        for (const Source& s : sources(env, 0, 1)) {
            CAPTURE(s.name);
            const long n = every_failure(
                env, s.arm, [&] { return fddup(fdp, 3, 50).error(); }, snapshot);
            if (s.expected >= 0) CHECK(n == s.expected);
            CHECK(fget_locked(fdp, 50) == fget_locked(fdp, 3));
            grown_back();
            filedesc* fresh = fdcopy(env.zones, fdp).value();
            fdfree(fdp);
            fdp = fresh;
        }
    }
    CHECK(fdrop(fp) == Errno::Ok);
    fdfree(fdp);
    for (const TestFile& f : t) CHECK(f.closes == 1);
    CHECK(extra.closes == 1);
}

// --- Leader records ---

TEST_CASE("filedesc_to_leader: rings of records, holds, and unlinking at the last free")
{
    FdEnv env;
    proc* leaders[3];
    int anchor[3];
    for (int i = 0; i < 3; i++) leaders[i] = reinterpret_cast<proc*>(&anchor[i]); // never dereferenced
    filedesc* fdp = fdinit(env.zones, nullptr).value();

    filedesc_to_leader* a = filedesc_to_leader_alloc(env.zones, nullptr, nullptr, leaders[0]).value();
    CHECK(a->fdl_refcount == 1);
    CHECK(a->fdl_holdcount == 0);
    CHECK(a->fdl_leader == leaders[0]);
    CHECK(a->fdl_next == a);
    CHECK(a->fdl_prev == a);

    filedesc_to_leader* b = filedesc_to_leader_alloc(env.zones, a, fdp, leaders[1]).value();
    filedesc_to_leader* c = filedesc_to_leader_alloc(env.zones, a, fdp, leaders[2]).value();
    // Each goes in right after old: a -> c -> b -> a.
    CHECK(a->fdl_next == c);
    CHECK(c->fdl_next == b);
    CHECK(b->fdl_next == a);
    CHECK(a->fdl_prev == b);
    CHECK(b->fdl_prev == c);
    CHECK(c->fdl_prev == a);
    CHECK(env.zones.leaders.objects_in_use() == 3);

    // An RFTHREAD peer shares its leader's record.
    CHECK(fdtol_hold(c) == c);
    CHECK(c->fdl_refcount == 2);
    fdtol_free(c);
    CHECK(c->fdl_refcount == 1);
    CHECK(a->fdl_next == c); // still linked
    fdtol_free(c);
    CHECK(a->fdl_next == b);
    CHECK(b->fdl_prev == a);
    CHECK(env.zones.leaders.objects_in_use() == 2);
    fdtol_free(a);
    CHECK(b->fdl_next == b);
    CHECK(b->fdl_prev == b);
    fdtol_free(b);
    CHECK(env.zones.leaders.objects_in_use() == 0);

    // The zone's failure: NoMem, the ring untouched.
    filedesc_to_leader* r = filedesc_to_leader_alloc(env.zones, nullptr, nullptr, leaders[0]).value();
    filedesc_to_leader* made = nullptr;
    const long n = every_failure(
        env, [&](long k) { env.zones.leaders.fail_after(k); },
        [&] {
            Result<filedesc_to_leader*> x = filedesc_to_leader_alloc(env.zones, r, fdp, leaders[1]);
            if (!x.ok()) return x.error();
            made = x.value();
            return Errno::Ok;
        },
        [&] {
            return std::vector<uint64_t>{uint64_t(reinterpret_cast<uintptr_t>(r->fdl_next)),
                                         uint64_t(reinterpret_cast<uintptr_t>(r->fdl_prev))};
        });
    CHECK(n == 1);
    CHECK(r->fdl_next == made);
    fdtol_free(made);
    fdtol_free(r);
    fdfree(fdp);
}

TEST_CASE("filedesc_to_leader: a held record may not be freed")
{
    CHECK(memtest::panics(
        [] {
            FdEnv env;
            filedesc_to_leader* a = filedesc_to_leader_alloc(env.zones, nullptr, nullptr, nullptr).value();
            a->fdl_holdcount = 1;
            fdtol_free(a);
        },
        "held by 1"));
}

// --- Vnodes ---

TEST_CASE("vnode: vref and vrele count use references; vrele below zero panics")
{
    vnode vp{0, "/bin/init"};
    vref(&vp);
    vref(&vp);
    CHECK(vrefcnt(&vp) == 2);
    vrele(&vp);
    CHECK(vrefcnt(&vp) == 1);
    vrele(&vp);
    CHECK(vrefcnt(&vp) == 0);
    CHECK(memtest::panics([&] { vrele(&vp); }, "vrele of /bin/init"));
}

TEST_CASE("KASSERTs: references and descriptor ranges")
{
    CHECK(memtest::panics(
        [] {
            FdEnv env;
            filedesc* fdp = fdinit(env.zones, nullptr).value();
            fdp->fd_refcnt = 0; // as if freed
            fdshare(fdp);
        },
        "fdshare of a freed table"));
    CHECK(memtest::panics(
        [] {
            FdEnv env;
            filedesc* fdp = fdinit(env.zones, nullptr).value();
            (void)fdalloc(fdp, -1);
        },
        "fdalloc from descriptor -1"));
    CHECK(memtest::panics(
        [] {
            FdEnv env;
            file* fp = falloc_noinstall(env.zones.files).value();
            fp->f_count = 0;
            fhold(fp);
        },
        "fhold of a freed file"));
}
