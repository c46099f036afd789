// Shared by the ktrace tests: a SysWorld with /tmp mounted (small, so a
// test can fill it), trace files made and read back from the kernel's
// side (no system call of the reader's is traced), and the records of a
// trace file parsed into headers and bodies.
#pragma once

#include "cpio_test_util.h"
#include "elf_test_util.h"
#include "syscall_test_util.h"

#include <abi/fcntl.h>
#include <abi/ktrace.h>
#include <kernel/fs/file.h>
#include <kernel/fs/filedesc.h>
#include <kernel/fs/initrd.h>
#include <kernel/fs/pipe.h>
#include <kernel/fs/tmpfs.h>
#include <kernel/fs/uio.h>
#include <kernel/fs/vfs_syscalls.h>
#include <kernel/fs/vnode.h>
#include <kernel/ktrace/ktr_sink.h>
#include <kernel/ktrace/ktrace.h>

#include <cstring>
#include <string>
#include <vector>

namespace ktrtest {

using namespace proctest;

// Paths live at UBUF + 0x800 in user memory (children see proc0's copy).
constexpr uint64_t UPATH = UBUF + 0x800;
constexpr uint64_t UDATA = UBUF + 0x1000;

inline void put_path(const std::string& p)
{
    REQUIRE(copyout(p.c_str(), UPATH, p.size() + 1) == Errno::Ok);
}

struct KtrWorld : SysWorld {
    std::string archive;
    explicit KtrWorld(uint64_t pages_max = 64)
    {
        REQUIRE(tmpfs_mount_root(pages_max, 32) == Errno::Ok);
        archive = cpiotest::archive({cpiotest::member("etc", "", 040755),
                                     cpiotest::member("etc/motd", "hello\n"),
                                     cpiotest::member("bin", "", 040755),
                                     cpiotest::member("bin/prog", elftest::ElfBuilder().bytes(), 0100755)});
        initrd_set(archive.data(), archive.size());
    }
    ~KtrWorld()
    {
        filedesc* fdp = proc0.p_fd;
        while (fdp->fd_lastfile >= 0) (void)fdclose(fdp, fdp->fd_lastfile);
        CHECK(ktr_sinks().empty());
        CHECK(ktr_traced_count() == 0);
        CHECK(tmpfs_unmount_root() == Errno::Ok);
        initrd_set(nullptr, 0);
    }
};

// An empty file at path (in /tmp) of mode, owned by root.
inline void make_file(const std::string& path, int mode = 0666)
{
    std::string p = path;
    Result<vnode*> vp = kern_open_vnode(&thread0, p.data(), O_WRONLY | O_CREAT | O_TRUNC, mode);
    REQUIRE(vp.ok());
    vrele(vp.value());
}

// The whole file at path.
inline std::string file_bytes(const std::string& path)
{
    std::string p = path;
    Result<vnode*> vp = kern_open_vnode(&thread0, p.data(), O_RDONLY, 0);
    REQUIRE(vp.ok());
    std::string s(vp.value()->v_size, '\0');
    uio u = uio_kernel(UioRw::Read, s.data(), s.size(), &thread0);
    CHECK(tmpfs_read(VP_TO_TMPFS(vp.value()), &u) == Errno::Ok);
    vrele(vp.value());
    return s;
}

// What a pipe's read end holds now (fd in proc0's table), without waiting.
inline std::string pipe_bytes(int fd, size_t max = 65536)
{
    Result<file*> fp = fget(proc0.p_fd, fd);
    REQUIRE(fp.ok());
    std::string s(max, '\0');
    fp.value()->f_flag |= O_NONBLOCK;
    uio u = uio_kernel(UioRw::Read, s.data(), s.size(), &thread0);
    const Errno e = fp.value()->f_ops->fo_read(fp.value(), &u, &thread0);
    CHECK((e == Errno::Ok || e == Errno::Again));
    s.resize(max - u.uio_resid);
    (void)fdrop(fp.value());
    return s;
}

struct Rec {
    ktr_header h;
    std::string body;
    int16_t type() const { return int16_t(h.ktr_type & ~KTR_TYPE); }
    template <typename T>
    T as() const
    {
        T v{};
        std::memcpy(&v, body.data(), std::min(sizeof v, body.size()));
        return v;
    }
};

// The records of a trace; CHECKs that they are whole.
inline std::vector<Rec> parse(const std::string& s)
{
    std::vector<Rec> out;
    size_t off = 0;
    while (off + sizeof(ktr_header) <= s.size()) {
        Rec r;
        std::memcpy(&r.h, s.data() + off, sizeof r.h);
        off += sizeof r.h;
        REQUIRE(r.h.ktr_len >= 0);
        REQUIRE(off + size_t(r.h.ktr_len) <= s.size());
        r.body = s.substr(off, size_t(r.h.ktr_len));
        off += size_t(r.h.ktr_len);
        out.push_back(r);
    }
    CHECK(off == s.size());
    return out;
}

// The records of one process.
inline std::vector<Rec> of_pid(const std::vector<Rec>& all, pid_t pid)
{
    std::vector<Rec> out;
    for (const Rec& r : all)
        if (r.h.ktr_pid == pid) out.push_back(r);
    return out;
}

inline UResult ktrace_as(thread* td, uint64_t upath, int ops, int facs, pid_t pid)
{
    return ucall(td, SYS_ktrace, {upath, uint64_t(ops), uint64_t(facs), uint64_t(int64_t(pid))});
}

inline pid_t self(thread* td) { return td->td_proc->p_pid; }

} // namespace ktrtest
