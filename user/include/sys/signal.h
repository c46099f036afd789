// Shadows picolibc's <sys/signal.h> (its signal numbers are not
// FreeBSD's): everything is in the runtime's <signal.h>.
#pragma once
#include <signal.h>
