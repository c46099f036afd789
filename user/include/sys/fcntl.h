// Shadows picolibc's <sys/fcntl.h> (its O_* values are not FreeBSD's):
// everything is in the runtime's <fcntl.h>.
#pragma once
#include <fcntl.h>
