// Shadows picolibc's <sys/resource.h>: resource numbers, struct rlimit
// and struct rusage are FreeBSD's (abi/resource.h); getrusage(2).
#pragma once

#include <abi/resource.h>

extern "C" {
int getrlimit(int resource, struct rlimit* rlp);
int setrlimit(int resource, const struct rlimit* rlp);
int getrusage(int who, struct rusage* usage);
}
