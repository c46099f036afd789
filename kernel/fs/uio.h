// A transfer description (FreeBSD's struct uio, sys/uio.h): where the
// bytes of a read or write go or come from, how many remain and at which
// file offset.  Every file kind moves its bytes with uiomove(), so the
// same read and write code serves a user buffer (copyin/copyout, a bad
// address is EFAULT) and a kernel buffer (host tests, the kernel itself).
// One buffer per transfer: Sprig has no readv/writev.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <abi/errno.h>

struct thread;

// Whose address uio_base is (FreeBSD's UIO_USERSPACE, UIO_SYSSPACE).
enum class UioSeg : uint8_t { User, Kernel };
// The direction: Read moves bytes from the file to the buffer.
enum class UioRw : uint8_t { Read, Write };

struct uio {
    uint64_t uio_base = 0;  // the next byte of the buffer (user or kernel address)
    size_t uio_resid = 0;   // bytes still to move
    int64_t uio_offset = 0; // the file offset the next byte is at (seekable kinds)
    UioSeg uio_segflg = UioSeg::Kernel;
    UioRw uio_rw = UioRw::Read;
    thread* uio_td = nullptr; // who transfers
};

// A transfer of a user buffer.
uio uio_user(UioRw rw, uint64_t ubuf, size_t len, thread* td);
// A transfer of a kernel buffer.
uio uio_kernel(UioRw rw, void* kbuf, size_t len, thread* td);

// Moves up to n bytes between cp and the buffer (FreeBSD's uiomove): to
// the buffer for a Read, from it for a Write, at most uio_resid.  The
// base, count and offset advance by what moved.  Fault when a user
// address is bad; then nothing has moved.
Errno uiomove(void* cp, size_t n, uio* uio);
