// copyin, copyout and friends (FreeBSD's copy(9), fetch(9), store(9)):
// the only way the kernel reads or writes user memory.  Each first checks
// that the whole range lies in the user half (with SUM on, a kernel
// address would simply be read or written), then copies through the
// machine's primitive, under which a fault is resolved as a user access
// would be (zero-fill, copy-on-write) and only a fault the VM refuses
// makes the call return EFAULT.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <abi/errno.h>

// Whether [uaddr, uaddr + len) lies in the user half (len 0 always does).
bool user_range_ok(uint64_t uaddr, size_t len);

Errno copyin(uint64_t uaddr, void* kaddr, size_t len);
Errno copyout(const void* kaddr, uint64_t uaddr, size_t len);
// Copies a NUL-terminated string of at most maxlen bytes (NUL included);
// *done (if given) gets the bytes copied.  NameTooLong when there is no
// NUL within maxlen bytes, Fault as copyin (a string running into the
// end of the user half included).
Errno copyinstr(uint64_t uaddr, char* kaddr, size_t maxlen, size_t* done);
// One 64-bit word (fuword/suword).
Errno fuword(uint64_t uaddr, uint64_t* value);
Errno suword(uint64_t uaddr, uint64_t value);
