// The trace points' records (FreeBSD's ktrsyscall, ktrsysret, ktrnamei,
// ktrgenio, ktrpsig): each builds its body after a header and submits it.
#include <kernel/ktrace/ktrace.h>

#include <string.h>
#include <kernel/ktrace/ktr_narg.h>
#include <kernel/ktrace/ktr_request.h>
#include <lib/utility.h>
#include <mm/copyio.h>

void ktrsyscall(thread* td, uint64_t code, const uint64_t* args)
{
    const int narg = ktr_narg(code);
    const size_t len = offsetof(ktr_syscall, ktr_args) + size_t(narg) * sizeof(uint64_t);
    ktr_header* h = ktr_getrequest(td, KTR_SYSCALL, len);
    if (!h) return;
    auto* k = static_cast<ktr_syscall*>(ktr_body(h));
    memset(k, 0, len); // the padding after ktr_narg too: no kernel bytes in the file
    k->ktr_code = int16_t(code);
    k->ktr_narg = int16_t(narg);
    // Written through memcpy: the body is as long as its arguments, not
    // as struct ktr_syscall's one-element array.
    memcpy(reinterpret_cast<char*>(k) + offsetof(ktr_syscall, ktr_args), args, size_t(narg) * sizeof(uint64_t));
    ktr_submitrequest(td, h);
}

void ktrsysret(thread* td, uint64_t code, Errno error, uint64_t retval)
{
    ktr_header* h = ktr_getrequest(td, KTR_SYSRET, sizeof(ktr_sysret));
    if (!h) return;
    auto* k = static_cast<ktr_sysret*>(ktr_body(h));
    *k = {};
    k->ktr_code = int16_t(code);
    k->ktr_error = error == Errno::Ok ? 0 : int32_t(error);
    k->ktr_retval = int64_t(retval); // td_retval[0] as the call left it, as FreeBSD
    ktr_submitrequest(td, h);
}

void ktrnamei(thread* td, const char* path)
{
    const size_t len = strlen(path);
    ktr_header* h = ktr_getrequest(td, KTR_NAMEI, len);
    if (!h) return;
    memcpy(ktr_body(h), path, len);
    ktr_submitrequest(td, h);
}

void ktrgenio(thread* td, int fd, bool write, uint64_t ubuf, size_t len)
{
    const size_t n = sprig::min(len, KTR_GENIOSIZE);
    ktr_header* h = ktr_getrequest(td, KTR_GENIO, sizeof(ktr_genio) + n);
    if (!h) return;
    auto* k = static_cast<ktr_genio*>(ktr_body(h));
    k->ktr_fd = fd;
    k->ktr_rw = write ? ktr_uio_rw::UIO_WRITE : ktr_uio_rw::UIO_READ;
    // The bytes as the process's buffer holds them now: what it wrote,
    // or what the read put there.  A buffer gone meanwhile: no record.
    if (copyin(ubuf, k + 1, n) != Errno::Ok) {
        ktr_freerequest(h);
        return;
    }
    ktr_submitrequest(td, h);
}

void ktrpsig(thread* td, int sig, uintptr_t action, int code, const ksigset_t& mask)
{
    ktr_header* h = ktr_getrequest(td, KTR_PSIG, sizeof(ktr_psig));
    if (!h) return;
    auto* k = static_cast<ktr_psig*>(ktr_body(h));
    *k = {};
    k->signo = sig;
    k->action = action;
    k->code = code;
    static_assert(sizeof k->mask == sizeof mask, "ktr_psig's mask is a ksigset_t");
    memcpy(k->mask, &mask, sizeof k->mask);
    ktr_submitrequest(td, h);
}
