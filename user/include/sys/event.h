// kqueue(2) and kevent(2), FreeBSD's (sys/event.h): struct kevent and the
// constants come from abi/event.h, shared with the kernel.
#pragma once

#include <abi/event.h>
#include <stdint.h>
#include <time.h>

// FreeBSD's initialiser of a struct kevent.
#define EV_SET(kevp, a, b, c, d, e, f)                   \
    do {                                                 \
        struct kevent* ev_ = (kevp);                     \
        ev_->ident = (a);                                \
        ev_->filter = (b);                               \
        ev_->flags = (c);                                \
        ev_->fflags = (d);                               \
        ev_->data = (e);                                 \
        ev_->udata = (f);                                \
        ev_->ext[0] = ev_->ext[1] = ev_->ext[2] = ev_->ext[3] = 0; \
    } while (0)

// The call and the structure share FreeBSD's name; C++ warns that the
// function hides the structure's constructor, which callers never use
// (they write `struct kevent`).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
extern "C" {
int kqueue(void);
int kevent(int kq, const struct kevent* changelist, int nchanges, struct kevent* eventlist,
           int nevents, const struct timespec* timeout);
}
#pragma GCC diagnostic pop
