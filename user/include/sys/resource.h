// Shadows picolibc's <sys/resource.h>: resource numbers, struct rlimit
// and struct rusage are FreeBSD's (abi/resource.h).
#pragma once

#include <abi/resource.h>

extern "C" {
int getrlimit(int resource, struct rlimit* rlp);
int setrlimit(int resource, const struct rlimit* rlp);
}
