// Shadows picolibc's <termios.h>: FreeBSD's struct termios and flags
// (abi/termios.h), over the TIOCGETA/TIOCSETA ioctls.
#pragma once

#include <abi/termios.h>

extern "C" {
int tcgetattr(int fd, struct termios* t);
int tcsetattr(int fd, int optional_actions, const struct termios* t);
}
