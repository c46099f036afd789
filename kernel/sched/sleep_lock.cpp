#include <kernel/sched/sleep_lock.h>

#include <kernel/proc/proc.h>
#include <kernel/sched/sched.h>
#include <lib/kassert.h>
#include <mm/intr_off.h>

Errno SleepLock::lock_contended(int pri, const char* wmesg)
{
    IntrOff off;
    thread* td = curthread();
    while (holder_) {
        want_ = true;
        if (const Errno e = tsleep(this, pri, wmesg, 0); e != Errno::Ok) return e;
    }
    holder_ = td;
    return Errno::Ok;
}

void SleepLock::wake_waiters()
{
    want_ = false;
    wakeup(this);
}

bool SleepLock::owned() const { return holder_ && holder_ == curthread(); }

void SleepLockHeld::drop()
{
    KASSERT(held_, "%s: dropped while not held", wmesg_);
    lock_.unlock();
    held_ = false;
}

Errno SleepLockHeld::retake()
{
    KASSERT(!held_, "%s: retaken while held", wmesg_);
    error_ = lock_.lock(pri_, wmesg_);
    held_ = error_ == Errno::Ok;
    return error_;
}
