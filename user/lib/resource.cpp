// Resource limits: getrlimit and setrlimit (FreeBSD's struct rlimit);
// getrusage.
#include <abi/syscall.h>
#include <sys/resource.h>

#include "syscall.h"

using sprig::reg;

extern "C" {

int getrlimit(int resource, struct rlimit* rlp)
{
    return static_cast<int>(sprig::syscall(SYS_getrlimit, resource, reg(rlp)));
}

int setrlimit(int resource, const struct rlimit* rlp)
{
    return static_cast<int>(sprig::syscall(SYS_setrlimit, resource, reg(rlp)));
}

int getrusage(int who, struct rusage* usage)
{
    return static_cast<int>(sprig::syscall(SYS_getrusage, who, reg(usage)));
}

} // extern "C"
