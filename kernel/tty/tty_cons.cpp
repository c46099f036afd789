#include <kernel/tty/tty_cons.h>

#include <kernel/console.h>
#include <kernel/fs/filedesc.h>
#include <kernel/proc/proc.h>
#include <kernel/tty/tty.h>

namespace {

void cons_output(void*, char c) { cons_putc(c); }

void cons_input(char c) { ttydisc_rint(cons_tty(), c); }

void cons_firstopen(tty*) { console_set_input(cons_input); }
void cons_lastclose(tty*) { console_set_input(nullptr); }

constinit tty g_cons_tty = {
    .t_output = cons_output,
    .t_firstopen = cons_firstopen,
    .t_lastclose = cons_lastclose,
};

} // namespace

tty* cons_tty() { return &g_cons_tty; }

Errno cons_open_stdio(proc* p)
{
    filedesc* fdp = p->p_fd;
    for (int fd = 0; fd < 3; fd++)
        if (fget_locked(fdp, fd)) return Errno::Busy;
    Result<file*> fp = tty_open_file(cons_tty(), FREAD | FWRITE);
    if (!fp.ok()) return fp.error();
    Errno e = Errno::Ok;
    for (int fd = 0; fd < 3 && e == Errno::Ok; fd++) {
        Result<int> r = finstall(fdp, fp.value(), 0);
        e = r.ok() ? Errno::Ok : r.error();
        KASSERT(!r.ok() || r.value() == fd, "console installed at %d, not %d", r.ok() ? r.value() : -1, fd);
    }
    if (e != Errno::Ok)
        for (int fd = 0; fd < 3; fd++)
            if (fget_locked(fdp, fd)) (void)fdclose(fdp, fd);
    (void)fdrop(fp.value()); // the slots hold their own references
    return e;
}

Errno cons_set_ctty(proc* p) { return tty_set_ctty(cons_tty(), p); }
