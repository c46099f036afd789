// Terminal attributes, FreeBSD's struct termios and flag values
// (sys/_termios.h), shared by the kernel and user space, and the ioctls
// that read and set them (TIOCGETA, TIOCSETA, TIOCSETAW, TIOCSETAF).
// Sprig's line discipline honours ICANON, ECHO and ISIG in c_lflag,
// ICRNL in c_iflag, and VMIN and VTIME in c_cc; the other flags and
// special characters are kept and reported but change nothing (the
// special characters stay ^C, ^\, ^Z, DEL/^H, ^U and ^D).
#pragma once

#include <stdint.h>
#include <abi/ttycom.h>

typedef unsigned int tcflag_t;
typedef unsigned char cc_t;
typedef unsigned int speed_t;

// Indices into c_cc.
inline constexpr int VEOF = 0;
inline constexpr int VEOL = 1;
inline constexpr int VEOL2 = 2;
inline constexpr int VERASE = 3;
inline constexpr int VWERASE = 4;
inline constexpr int VKILL = 5;
inline constexpr int VREPRINT = 6;
inline constexpr int VERASE2 = 7;
inline constexpr int VINTR = 8;
inline constexpr int VQUIT = 9;
inline constexpr int VSUSP = 10;
inline constexpr int VMIN = 16;
inline constexpr int VTIME = 17;
inline constexpr int NCCS = 20;

// c_iflag
inline constexpr tcflag_t BRKINT = 0x00000002;
inline constexpr tcflag_t ICRNL = 0x00000100;
inline constexpr tcflag_t IXON = 0x00000200;
inline constexpr tcflag_t IMAXBEL = 0x00002000;
// c_oflag
inline constexpr tcflag_t OPOST = 0x00000001;
inline constexpr tcflag_t ONLCR = 0x00000002;
// c_cflag
inline constexpr tcflag_t CS8 = 0x00000300;
inline constexpr tcflag_t CREAD = 0x00000800;
// c_lflag
inline constexpr tcflag_t ECHOKE = 0x00000001;
inline constexpr tcflag_t ECHOE = 0x00000002;
inline constexpr tcflag_t ECHOK = 0x00000004;
inline constexpr tcflag_t ECHO = 0x00000008;
inline constexpr tcflag_t ECHOCTL = 0x00000040;
inline constexpr tcflag_t ISIG = 0x00000080;
inline constexpr tcflag_t ICANON = 0x00000100;
inline constexpr tcflag_t IEXTEN = 0x00000400;

// tcsetattr's optional_actions.
inline constexpr int TCSANOW = 0;
inline constexpr int TCSADRAIN = 1;
inline constexpr int TCSAFLUSH = 2;

struct termios {
    tcflag_t c_iflag;
    tcflag_t c_oflag;
    tcflag_t c_cflag;
    tcflag_t c_lflag;
    cc_t c_cc[NCCS];
    speed_t c_ispeed;
    speed_t c_ospeed;
};
static_assert(sizeof(termios) == 44, "FreeBSD's struct termios");

inline constexpr uint32_t TIOCGETA = _IOC(IOC_OUT, 't', 19, sizeof(termios));  // get the attributes
inline constexpr uint32_t TIOCSETA = _IOC(IOC_IN, 't', 20, sizeof(termios));   // set them now
inline constexpr uint32_t TIOCSETAW = _IOC(IOC_IN, 't', 21, sizeof(termios));  // after output drains
inline constexpr uint32_t TIOCSETAF = _IOC(IOC_IN, 't', 22, sizeof(termios));  // and drop unread input
static_assert(TIOCGETA == 0x402c7413 && TIOCSETA == 0x802c7414 && TIOCSETAF == 0x802c7416,
              "FreeBSD's values");

// A terminal's attributes when first opened (FreeBSD's ttydefaults.h,
// cut to what Sprig has): canonical, echoing, signals on, 115200 baud.
constexpr termios termios_defaults()
{
    termios t{};
    t.c_iflag = BRKINT | ICRNL | IXON | IMAXBEL;
    t.c_oflag = OPOST | ONLCR;
    t.c_cflag = CREAD | CS8;
    t.c_lflag = ECHOKE | ECHOE | ECHOK | ECHO | ECHOCTL | ISIG | ICANON | IEXTEN;
    t.c_cc[VEOF] = 0x04;
    t.c_cc[VEOL] = 0xff;
    t.c_cc[VEOL2] = 0xff;
    t.c_cc[VERASE] = 0x7f;
    t.c_cc[VWERASE] = 0x17;
    t.c_cc[VKILL] = 0x15;
    t.c_cc[VREPRINT] = 0x12;
    t.c_cc[VERASE2] = 0x08;
    t.c_cc[VINTR] = 0x03;
    t.c_cc[VQUIT] = 0x1c;
    t.c_cc[VSUSP] = 0x1a;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    t.c_ispeed = t.c_ospeed = 115200;
    return t;
}
