// ktrace(2).
#include <abi/syscall.h>
#include <sys/ktrace.h>

#include "syscall.h"

using sprig::reg;
using sprig::syscall;

extern "C" int ktrace(const char* tracefile, int ops, int trpoints, pid_t pid)
{
    return static_cast<int>(syscall(SYS_ktrace, reg(tracefile), ops, trpoints, pid));
}
