#include <kernel/fs/sys_generic.h>

#include <abi/signal.h>
#include <abi/ttycom.h>
#include <kernel/fs/file.h>
#include <kernel/fs/filedesc.h>
#include <kernel/fs/uio.h>
#include <kernel/ktrace/ktrace.h>
#include <kernel/proc/kern_sig.h>
#include <kernel/proc/proc.h>
#include <lib/kassert.h>
#include <mm/copyio.h>

namespace {

// A sleep that ended with bytes already moved: the caller gets the count
// and sees the signal after (FreeBSD's dofileread/dofilewrite rule).
Errno partial_ok(Errno e, const uio& uio, size_t cnt)
{
    const bool sleep_error = e == Errno::Restart || e == Errno::Intr || e == Errno::Again;
    return sleep_error && uio.uio_resid != cnt ? Errno::Ok : e;
}

// The kind's read or write, with f_offset handed in and taken back for
// a seekable kind under the file's offset lock (the transfer's copy may
// sleep, and another process holding the file may read or seek then).
Errno fo_rdwr(thread* td, file* fp, uio* uio)
{
    auto op = uio->uio_rw == UioRw::Read ? fp->f_ops->fo_read : fp->f_ops->fo_write;
    if (!op) return Errno::BadF;
    if (!(fp->f_ops->fo_flags & DFLAG_SEEKABLE)) return op(fp, uio, td);
    FOffsetLock held(fp);
    KASSERT(held.error() == Errno::Ok, "fofflk: an uninterruptible wait failed");
    uio->uio_offset = fp->f_offset;
    const Errno e = op(fp, uio, td);
    fp->f_offset = uio->uio_offset;
    return e;
}

// The file at fd when it is open with `want` (FREAD or FWRITE), held.
Result<file*> fget_for(thread* td, int64_t fd, uint32_t want)
{
    if (fd < 0 || fd > INT32_MAX) return Errno::BadF;
    file* fp = TRY(fget(td->td_proc->p_fd, int(fd)));
    if (!(fp->f_flag & want)) {
        (void)fdrop(fp);
        return Errno::BadF;
    }
    return fp;
}

} // namespace

namespace {

// A transfer on a held file; td_retval[0] is the count moved, also when
// a signal or an error cut it short after some bytes.
Errno dofilerw(thread* td, file* fp, uio* uio)
{
    const size_t cnt = uio->uio_resid;
    const Errno e = partial_ok(fo_rdwr(td, fp, uio), *uio, cnt);
    td->td_retval[0] = cnt - uio->uio_resid;
    return e;
}

// read(2) and write(2): fd must be open for the direction.
Errno kern_rw(thread* td, UioRw rw, int64_t fd, uint64_t buf, uint64_t nbyte)
{
    if (nbyte > IOSIZE_MAX) return Errno::Inval;
    Result<file*> fp = fget_for(td, fd, rw == UioRw::Read ? FREAD : FWRITE);
    if (!fp.ok()) return fp.error();
    uio u = uio_user(rw, buf, nbyte, td);
    const Errno e = rw == UioRw::Read ? dofileread(td, fp.value(), &u) : dofilewrite(td, fp.value(), &u);
    (void)fdrop(fp.value());
    if (KTRPOINT(td, KTR_GENIO) && td->td_retval[0]) ktrgenio(td, int(fd), rw == UioRw::Write, buf, td->td_retval[0]);
    return e;
}

} // namespace

Errno dofileread(thread* td, file* fp, uio* uio) { return dofilerw(td, fp, uio); }

Errno dofilewrite(thread* td, file* fp, uio* uio)
{
    const Errno e = dofilerw(td, fp, uio);
    if (e == Errno::Pipe) psignal(td->td_proc, SIGPIPE);
    return e;
}

Errno kern_read(thread* td, int64_t fd, uint64_t buf, uint64_t nbyte) { return kern_rw(td, UioRw::Read, fd, buf, nbyte); }

Errno kern_write(thread* td, int64_t fd, uint64_t buf, uint64_t nbyte)
{
    return kern_rw(td, UioRw::Write, fd, buf, nbyte);
}

namespace {

// The largest argument Sprig's commands take, kept on the kernel stack
// (FreeBSD mallocs beyond 128 bytes; no Sprig command needs that).
constexpr uint32_t IOCTL_ARG_MAX = 128;

// The kind's ioctl with the argument in kernel memory (FreeBSD's
// kern_ioctl after sys_ioctl's copyin).
Errno ioctl_with(thread* td, file* fp, uint32_t com, uint64_t data)
{
    const uint32_t size = IOCPARM_LEN(com);
    // A command with an argument must say which way it goes, and the
    // other way round (FreeBSD's checks, ENOTTY for both).
    if (size > IOCTL_ARG_MAX || (com & IOC_DIRMASK) == 0 || ((com & (IOC_IN | IOC_OUT)) && size == 0) ||
        ((com & IOC_VOID) && size > 0 && size != sizeof(int)))
        return Errno::NoTty;
    if (!fp->f_ops->fo_ioctl) return Errno::NoTty;
    alignas(8) unsigned char arg[IOCTL_ARG_MAX] = {};
    if ((com & IOC_IN) && size > 0) {
        if (const Errno e = copyin(data, arg, size); e != Errno::Ok) return e;
    } else if ((com & IOC_VOID) && size == sizeof(int)) {
        *reinterpret_cast<int*>(arg) = int(data); // an int passed by value
    }
    const Errno e = fp->f_ops->fo_ioctl(fp, com, arg, td);
    if (e == Errno::Ok && (com & IOC_OUT) && size > 0) return copyout(arg, data, size);
    return e;
}

} // namespace

Errno kern_ioctl(thread* td, int64_t fd, uint64_t com, uint64_t data)
{
    Result<file*> fp = fget_for(td, fd, FREAD | FWRITE);
    if (!fp.ok()) return fp.error();
    // FreeBSD's ioctl takes a u_long and looks at its low 32 bits only.
    const Errno e = ioctl_with(td, fp.value(), uint32_t(com), data);
    (void)fdrop(fp.value());
    return e;
}
