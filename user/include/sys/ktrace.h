// ktrace(2), FreeBSD's (sys/ktrace.h): the operations, facilities and
// record layouts come from abi/ktrace.h, shared with the kernel.
#pragma once

#include <abi/ktrace.h>
#include <sys/types.h>

extern "C" int ktrace(const char* tracefile, int ops, int trpoints, pid_t pid);
