// Shadows picolibc's <machine/_types.h> so that uid_t and gid_t are
// FreeBSD's 32-bit types: picolibc's sys/_types.h makes them 16-bit
// unless the machine header says otherwise, and a uid above 65535 (or a
// kinfo_proc field) would not survive that.
#pragma once

#include <machine/_default_types.h>

#define __machine_uid_t_defined 1
typedef __uint32_t __uid_t;
#define __machine_gid_t_defined 1
typedef __uint32_t __gid_t;
