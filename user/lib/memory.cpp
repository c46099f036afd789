// Memory calls: sbrk and brk over FreeBSD's break (which takes the new
// end and returns 0), mmap, munmap, mprotect.  picolibc's malloc grows
// the heap through sbrk.
#include <abi/syscall.h>
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "syscall.h"

using sprig::reg;

extern "C" char _end[];

namespace {

constexpr uintptr_t kPageSize = 4096;

// The kernel's break starts at the page above the end of the last
// writable segment (kern_break: vm_daddr + vm_dsize pages), which the
// linker script makes _end; the runtime tracks the exact byte.
uintptr_t current_break = 0;

uintptr_t initial_break() { return (reinterpret_cast<uintptr_t>(_end) + kPageSize - 1) & ~(kPageSize - 1); }

} // namespace

extern "C" {

int brk(void* addr)
{
    if (sprig::syscall(SYS_break, reg(addr)) < 0) return -1;
    current_break = reinterpret_cast<uintptr_t>(addr);
    return 0;
}

void* sbrk(ptrdiff_t incr)
{
    if (!current_break) current_break = initial_break();
    const uintptr_t old = current_break;
    const uintptr_t want = old + static_cast<uintptr_t>(incr);
    // Wrapping either way is a request no kernel could grant.
    if ((incr > 0 && want < old) || (incr < 0 && want > old)) {
        errno = ENOMEM;
        return reinterpret_cast<void*>(-1);
    }
    if (incr != 0 && brk(reinterpret_cast<void*>(want)) < 0) return reinterpret_cast<void*>(-1);
    return reinterpret_cast<void*>(old);
}

void* mmap(void* addr, size_t len, int prot, int flags, int fd, off_t offset)
{
    const long r = sprig::syscall(SYS_mmap, reg(addr), static_cast<long>(len), prot, flags, fd, offset);
    return r == -1 ? MAP_FAILED : reinterpret_cast<void*>(r);
}

int munmap(void* addr, size_t len)
{
    return static_cast<int>(sprig::syscall(SYS_munmap, reg(addr), static_cast<long>(len)));
}

int mprotect(void* addr, size_t len, int prot)
{
    return static_cast<int>(sprig::syscall(SYS_mprotect, reg(addr), static_cast<long>(len), prot));
}

} // extern "C"
