#include <kernel/fs/uio.h>

#include <string.h>
#include <lib/kassert.h>
#include <lib/utility.h>
#include <mm/copyio.h>

uio uio_user(UioRw rw, uint64_t ubuf, size_t len, thread* td)
{
    uio u;
    u.uio_base = ubuf;
    u.uio_resid = len;
    u.uio_segflg = UioSeg::User;
    u.uio_rw = rw;
    u.uio_td = td;
    return u;
}

uio uio_kernel(UioRw rw, void* kbuf, size_t len, thread* td)
{
    uio u;
    u.uio_base = reinterpret_cast<uint64_t>(kbuf);
    u.uio_resid = len;
    u.uio_segflg = UioSeg::Kernel;
    u.uio_rw = rw;
    u.uio_td = td;
    return u;
}

Errno uiomove(void* cp, size_t n, uio* uio)
{
    KASSERT(uio != nullptr, "uiomove without a uio");
    n = sprig::min(n, uio->uio_resid);
    if (n == 0) return Errno::Ok;
    const bool to_buffer = uio->uio_rw == UioRw::Read;
    if (uio->uio_segflg == UioSeg::User) {
        const Errno e = to_buffer ? copyout(cp, uio->uio_base, n) : copyin(uio->uio_base, cp, n);
        if (e != Errno::Ok) return e;
    } else {
        void* k = reinterpret_cast<void*>(uio->uio_base);
        if (to_buffer)
            memcpy(k, cp, n);
        else
            memcpy(cp, k, n);
    }
    uio->uio_base += n;
    uio->uio_resid -= n;
    uio->uio_offset += static_cast<int64_t>(n);
    return Errno::Ok;
}
