// The memory system calls (FreeBSD's vm/vm_mmap.c and obreak), for
// anonymous memory: mmap, munmap, mprotect and break over the vmspace
// cores of mm/vmspace.h, with FreeBSD's argument rules and errors.
#pragma once

#include <stdint.h>
#include <abi/errno.h>

struct thread;

// Where mmap looks for room when the caller gives no address (or one
// below it): far above any data segment, as FreeBSD places mappings
// above the data segment's largest size.
inline constexpr uint64_t MMAP_BASE = uint64_t{1} << 36; // 64 GiB

// mmap(addr, len, prot, flags, fd, pos): td_retval[0] gets the address.
// MAP_ANON with exactly one of MAP_PRIVATE and MAP_SHARED, fd -1, pos 0;
// MAP_FIXED replaces what was mapped there.  EINVAL for other flags or
// bad arguments, ENOMEM when there is no room or the charge is refused.
Errno kern_mmap(thread* td, uint64_t addr, uint64_t len, int prot, int flags, int fd, int64_t pos);
// munmap(addr, len): the range rounded out to pages; EINVAL for len 0 or
// a range outside the user half.
Errno kern_munmap(thread* td, uint64_t addr, uint64_t len);
// mprotect(addr, len, prot): rounded as munmap; EACCES beyond a mapping's
// maximum protection, ENOMEM when making private memory writable is
// refused.
Errno kern_mprotect(thread* td, uint64_t addr, uint64_t len, int prot);
// break(nsize): moves the end of the data segment (RLIMIT_DATA bounds it).
Errno kern_break(thread* td, uint64_t nsize);
