// A terminal for host tests: its output collected in a string, and input
// typed as the UART's handler hands it over, each character in its own
// (kernel-mode) interrupt.
#pragma once

#include <abi/errno.h>
#include <kernel/fs/uio.h>
#include <kernel/proc/init_main.h>
#include <kernel/sched/preempt.h>
#include <kernel/tty/tty.h>
#include <mm/intr_off.h>

#include <string>

namespace ttytest {

inline void tty_type(tty* tp, const std::string& s)
{
    for (char c : s) {
        IntrOff off;
        intr_enter();
        ttydisc_rint(tp, c);
        intr_exit(false);
    }
}

inline void collect_output(void* ctx, char c) { static_cast<std::string*>(ctx)->push_back(c); }

// A terminal whose output is collected in `out`.
struct TestTty {
    tty tp;
    std::string out;
    TestTty() { tty_init(&tp, collect_output, &out); }
    ~TestTty() { tty_fini(&tp); }
    TestTty(const TestTty&) = delete;
    TestTty& operator=(const TestTty&) = delete;
    void type(const std::string& s) { tty_type(&tp, s); }
    // A read of up to n bytes; "<errno name>" when it fails.
    std::string read(size_t n, bool nonblock = true)
    {
        std::string buf(n, '\0');
        uio u = uio_kernel(UioRw::Read, buf.data(), n, &thread0);
        const Errno e = ttydisc_read(&tp, &u, nonblock);
        if (e != Errno::Ok) return std::string("<") + errno_name(e) + ">";
        buf.resize(n - u.uio_resid);
        return buf;
    }
};

} // namespace ttytest
