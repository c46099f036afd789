// The kernel message buffer (FreeBSD's struct msgbuf, subr_msgbuf.c):
// a ring in the kernel's data that keeps the latest MSGBUF_SIZE bytes
// the kernel printed, from the first boot line on (it needs no
// allocator).  console.cpp feeds it every character of kprintf and
// cons_puts; what programs write to the terminal is not in it.  dmesg(8)
// reads it through kern.msgbuf.
#pragma once

#include <stddef.h>
#include <stdint.h>

inline constexpr size_t MSGBUF_SIZE = 16384;

class MsgBuf {
public:
    constexpr MsgBuf() = default;
    // One more byte; the oldest goes when the ring is full.
    void addchar(char c)
    {
        buf_[seq_ % MSGBUF_SIZE] = c;
        seq_++;
    }
    // Bytes held (at most MSGBUF_SIZE).
    size_t size() const { return seq_ < MSGBUF_SIZE ? static_cast<size_t>(seq_) : MSGBUF_SIZE; }
    // Bytes ever added.
    uint64_t seq() const { return seq_; }
    // Byte i of what is held, 0 the oldest.
    char at(size_t i) const { return at_seq(seq_ - size() + i); }
    // The byte added as number s (still held: s >= seq() - size()).
    char at_seq(uint64_t s) const { return buf_[s % MSGBUF_SIZE]; }
    // Where the text to show starts: 0, or once the ring has wrapped,
    // after its first newline, so that no line is shown cut.
    size_t first_shown() const;
    void clear() { seq_ = 0; }

private:
    char buf_[MSGBUF_SIZE] = {};
    uint64_t seq_ = 0;
};

// The kernel's buffer.
MsgBuf& msgbufp();
// Adds c to the kernel's buffer, with interrupts off (kprintf runs in
// interrupt handlers too).
void msgbuf_addchar(char c);

struct SysctlReq;
enum class Errno : int;
// kern.msgbuf (read-only): the buffer's text, oldest first.
Errno sysctl_kern_msgbuf(const int* name, unsigned namelen, SysctlReq& req);
