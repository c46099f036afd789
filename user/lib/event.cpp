// kqueue(2) and kevent(2).
#include <abi/syscall.h>
#include <sys/event.h>

#include "syscall.h"

using sprig::reg;
using sprig::syscall;

extern "C" {

int kqueue(void) { return static_cast<int>(syscall(SYS_kqueue)); }

int kevent(int kq, const struct kevent* changelist, int nchanges, struct kevent* eventlist,
           int nevents, const struct timespec* timeout)
{
    return static_cast<int>(syscall(SYS_kevent, kq, reg(changelist), nchanges, reg(eventlist),
                                    nevents, reg(timeout)));
}
}
