// A lock held across sleeps (FreeBSD's pipelock/foffset_lock pattern: a
// LOCKED bit and a WANT bit, waiters asleep on the lock's address).  On
// one hart code between two sleep points is atomic, but a copy to or from
// user memory is a sleep point (a fault in it may wait in vmwait for a
// page), so state computed before such a copy and applied after it needs
// one of these held across the copy.
//
// Never held by an interrupt handler; never taken twice by one thread.
#pragma once

#include <abi/errno.h>
#include <kernel/sched/sleep.h>
#include <lib/kassert.h>
#include <mm/intr_off.h>

struct thread;
extern thread* sched_curthread;

class SleepLock {
public:
    // Takes the lock, sleeping on it at priority pri (which may hold
    // PCATCH: then a signal ends the wait with Intr or Restart and the
    // lock is not taken).  A free lock is taken inline (a pipe takes one
    // for every read and write).
    Errno lock(int pri, const char* wmesg)
    {
        thread* td = sched_curthread;
        KASSERT(td, "%s: taken with no thread running", wmesg);
        KASSERT(holder_ != td, "%s: taken twice by one thread", wmesg);
        {
            IntrOff off;
            if (!holder_) {
                holder_ = td;
                return Errno::Ok;
            }
        }
        return lock_contended(pri, wmesg);
    }
    void unlock()
    {
        IntrOff off;
        KASSERT(holder_ == sched_curthread, "sleep lock released by a thread that does not hold it");
        holder_ = nullptr;
        if (want_) wake_waiters();
    }
    bool locked() const { return holder_ != nullptr; }
    // Whether the running thread holds it (for KASSERTs).
    bool owned() const;

private:
    Errno lock_contended(int pri, const char* wmesg);
    void wake_waiters();

    thread* holder_ = nullptr; // FreeBSD keeps only a bit; the holder helps KASSERTs
    bool want_ = false;        // somebody sleeps for it
};

// Holds a SleepLock for a scope (the RAII guard): error() says whether
// the lock was taken; drop() and retake() around a sleep for something
// else (which must not be slept for with the lock held).
class SleepLockHeld {
public:
    SleepLockHeld(SleepLock& l, int pri, const char* wmesg)
        : lock_(l), pri_(pri), wmesg_(wmesg), error_(l.lock(pri, wmesg)), held_(error_ == Errno::Ok)
    {
    }
    ~SleepLockHeld()
    {
        if (held_) lock_.unlock();
    }
    SleepLockHeld(const SleepLockHeld&) = delete;
    SleepLockHeld& operator=(const SleepLockHeld&) = delete;

    Errno error() const { return error_; }
    void drop();
    Errno retake();

private:
    SleepLock& lock_;
    int pri_;
    const char* wmesg_;
    Errno error_;
    bool held_;
};
