#include <kernel/msgbuf.h>

#include <abi/errno.h>
#include <kernel/sysctl/kern_sysctl.h>
#include <mm/intr_off.h>

namespace {
// In .bss: there from the first instruction, before any allocator.
MsgBuf g_msgbuf;
} // namespace

size_t MsgBuf::first_shown() const
{
    if (seq_ <= MSGBUF_SIZE) return 0;
    for (size_t i = 0; i < size(); i++)
        if (at(i) == '\n') return i + 1;
    return 0; // one line longer than the ring: show what there is
}

MsgBuf& msgbufp() { return g_msgbuf; }

void msgbuf_addchar(char c)
{
    IntrOff off;
    g_msgbuf.addchar(c);
}

// Copied out in pieces through a stack buffer: copyout may fault and
// sleep, and the ring must not be read in place across that.  The text
// is the bytes held when the read began; any of them overwritten by new
// messages meanwhile are left out rather than shown out of order.
Errno sysctl_kern_msgbuf(const int*, unsigned namelen, SysctlReq& req)
{
    if (namelen != 0) return Errno::NotDir;
    if (req.newptr) return Errno::Perm;
    uint64_t s, end;
    {
        IntrOff off;
        end = g_msgbuf.seq();
        s = end - g_msgbuf.size() + g_msgbuf.first_shown();
    }
    while (s < end) {
        char piece[128];
        size_t got = 0;
        {
            IntrOff off;
            const uint64_t oldest = g_msgbuf.seq() - g_msgbuf.size();
            if (s < oldest) s = oldest;
            while (got < sizeof piece && s < end) piece[got++] = g_msgbuf.at_seq(s++);
        }
        if (const Errno e = req.out(piece, got); e != Errno::Ok) return e;
    }
    return Errno::Ok;
}
