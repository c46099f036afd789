#include <mm/copyio.h>

#include <kernel/machdep.h>
#include <arch/param.h>

bool user_range_ok(uint64_t uaddr, size_t len)
{
    return uaddr <= arch::USER_TOP && len <= arch::USER_TOP - uaddr;
}

Errno copyin(uint64_t uaddr, void* kaddr, size_t len)
{
    if (!user_range_ok(uaddr, len)) return Errno::Fault;
    return len ? arch::copy_from_user(kaddr, uaddr, len) : Errno::Ok;
}

Errno copyout(const void* kaddr, uint64_t uaddr, size_t len)
{
    if (!user_range_ok(uaddr, len)) return Errno::Fault;
    return len ? arch::copy_to_user(uaddr, kaddr, len) : Errno::Ok;
}

Errno copyinstr(uint64_t uaddr, char* kaddr, size_t maxlen, size_t* done)
{
    size_t copied = 0;
    Errno e = Errno::NameTooLong;
    if (uaddr >= arch::USER_TOP) {
        e = Errno::Fault;
    } else if (maxlen) {
        // Never past the user half: a string still going there is EFAULT.
        const size_t room = arch::USER_TOP - uaddr;
        const size_t n = maxlen < room ? maxlen : room;
        e = arch::copy_str_from_user(kaddr, uaddr, n, &copied);
        if (e == Errno::NameTooLong && n < maxlen) e = Errno::Fault;
    }
    if (done) *done = copied;
    return e;
}

Errno fuword(uint64_t uaddr, uint64_t* value) { return copyin(uaddr, value, sizeof *value); }

Errno suword(uint64_t uaddr, uint64_t value) { return copyout(&value, uaddr, sizeof value); }
