#!/usr/bin/env python3
"""make test-qemu: boot Sprig in QEMU virt and sifive_u and check the
banner, the kernel self-test, console input, panic reports, and the
acceptance suite's user programs run as init (suite_cases.py).

Prints one line per case and a closing 'N passed, N failed' line; exits
non-zero when a case failed.  Console logs go to <build>/qemu-logs/.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Case, run_cases  # noqa: E402
from suite_cases import suite_cases  # noqa: E402
from userland_cases import userland_cases  # noqa: E402
from failpoint_cases import failpoint_cases  # noqa: E402
from tmpfs_cases import tmpfs_cases  # noqa: E402
from kdump_cases import kdump_cases  # noqa: E402

SELFTEST_OK = r"selftest: \d+ passed, 0 failed"
# The process self-test: kernel-side fork, vfork and rfork children.
PROCS_OK = r"procs: [1-9]\d* passed, 0 failed"
NO_FAILURES = [r"selftest: .* FAIL", r"procs: .* FAIL"]
PROMPT = r"sprig> "
# Typed at the monitor once its prompt shows: proves that input arrives
# through the UART's interrupt, then ends the run.
TYPED = "echo typed-into-the-serial-port\r"


def interactive(extra_expect=()):
    """Sends a line to the monitor and checks it came back, then powers off."""
    return dict(
        send=[(PROMPT, TYPED), (r"\ntyped-into-the-serial-port\r?\n", "sleep 20\r"),
              (PROMPT, "vmstat\r"), (r"context switches", "ps\r"),
              (INIT_IN_PS, "forks\r"), (r"kthreads \d+", "check\r"),
              (r"invariants: \d+ violations", "poweroff\r")],
        # pagezero, a kernel process at idle priority, filled the pool
        # while the monitor slept.
        expect=[r"\ntyped-into-the-serial-port\r?\n", SELFTEST_OK, PROCS_OK,
                r"pre-zeroed pages [1-9]\d* \(target \d+\), zeroed in all [1-9]",
                # ps: init is pid 1, proc0's child, asleep in its wait loop;
                # pagezero is a kernel process (P_SYSTEM|P_KTHREAD).
                INIT_IN_PS, r"\n\s+\d+\s+0\s+0 [SR] 0x10000204 \S+\s+pagezero\r?\n",
                # the self-test's vfork was counted as one
                r"forks [1-9]\d* \(\d+ pages\), vforks [1-9]",
                # its user program's bad store was reported and killed it
                r"pid \d+ \(\S+\): write at 0x8, pc 0x1000\d: SIGSEGV",
                # its copy-on-write fork went through the fault handler
                r"page faults [1-9]\d*: zero-filled [1-9]\d*, copy-on-write copied [1-9]\d*, reused [1-9]",
                r"commit \d+ KiB reserved of [1-9]\d+ KiB \(counted, not enforced\)",
                # the invariant checker, from the monitor, finds nothing
                r"invariants: 0 violations \([1-9]\d* zones, [1-9]\d* processes, [1-9]\d* address spaces checked\)",
                # and every allocated page has a known holder
                r"pages in use [1-9]\d*: user memory [1-9]\d*, .*, other 0\r?\n"]
        + list(extra_expect),
        forbid=NO_FAILURES,
    )


INIT_IN_PS = r"\n\s+1\s+0\s+0 S 0x[0-9a-f]+ init\s+init\r?\n"


def banner(hart, console, timebase, ram):
    return [
        r"Sprig \S+ \(RISC-V, Sv39\)",
        r"hart:\s+%d\b" % hart,
        r"isa:\s+rv64i",
        r"ram:\s+" + ram,
        r"reserved:\s+0x0*80000000-",   # OpenSBI's own region, from /reserved-memory
        r"kernel:\s+0x[0-9a-f]+-0x[0-9a-f]+ at 0xffffffff80000000",
        r"console:\s+" + console,
        r"timebase:\s+%d Hz" % timebase,
        r"cmdline:\s+",
    ]


def cases(args):
    qemu = ["qemu-system-riscv64", "-bios", args.opensbi, "-display", "none",
            "-serial", "stdio", "-monitor", "none", "-no-reboot"]
    image = os.path.join(args.build, "Image")
    # Every boot carries the initrd: the process self-test execs from it.
    qemu = qemu + ["-initrd", args.initrd]
    virt = qemu + ["-M", "virt", "-smp", "1"]
    sifive = qemu + ["-M", "sifive_u", "-smp", "2"]
    # The boot argument monitor gives the console to the kernel monitor
    # instead of init's first program; selftest runs the kernel's and the
    # process self-tests first (a plain boot skips them).
    monitor = ["-append", "selftest monitor"]
    return [
        Case("virt-256M", virt + ["-m", "256M", "-kernel", image] + monitor,
             **merge(interactive(banner(0, r"ns16550a@0x0*10000000", 10000000,
                                        r"0x0*80000000-0x0*8fffffff")),
                     [r"loaded at 0x0*80200000", r"selftest: kernel mappings"])),
        Case("virt-second-load-address",
             virt + ["-m", "256M", "-kernel", args.second] + monitor,
             **merge(interactive(), [r"loaded at %s\b" % args.second_addr])),
        # The linked ELF itself, not the Image: its load segments carry
        # physical addresses, so QEMU's ELF loader puts it where it runs.
        Case("virt-kernel-elf",
             virt + ["-m", "256M", "-kernel", os.path.join(args.build, "kernel.elf")] + monitor,
             **merge(interactive(), [r"loaded at 0x0*80200000"])),
        # A plain boot, as `make run` does it: no self-test line, no
        # deliberate fault or limit message, straight to init and the shell.
        Case("virt-plain-boot-is-quiet",
             virt + ["-m", "256M", "-kernel", image],
             send=[(r"(^|\n)# $", "kill -USR2 1\r")],
             expect=[r"cmdline:\s+\"\"\r?\ninit: running /bin/init\r?\n", r"init: powering off\r?\n"],
             forbid=[r"selftest:", r"procs:", r"SIGSEGV", r"maxproc limit exceeded"],
             expect_exit=0),
        Case("virt-8G", virt + ["-m", "8G", "-kernel", image] + monitor,
             **merge(interactive(), [r"ram:\s+0x0*80000000-0x0*27fffffff \(8192 MiB\)"])),
        Case("sifive_u-hart1", sifive + ["-m", "256M", "-kernel", image] + monitor,
             **merge(interactive(banner(1, r"sifive-uart@0x0*10010000", 1000000,
                                        r"0x0*80000000-0x0*8fffffff")),
                     [r"plic:\s+.*context 2\b"])),
        # A small kern.maxproc: root's forks stop exactly at the limit, the
        # self-test's other cases fit in what is left.  Three processes
        # exist before it: proc0, init and pagezero.
        # With strict commit accounting (vm.overcommit=1) too: the self-test's
        # mappings fit, and vmstat reports the mode.
        Case("virt-maxproc-40-strict",
             virt + ["-m", "256M", "-kernel", image, "-append", "selftest kern.maxproc=40 vm.overcommit=1 monitor"],
             send=[(PROMPT, "vmstat\r"), (r"commit \d+ KiB", "poweroff\r")],
             expect=[SELFTEST_OK, PROCS_OK, r"procs: kern.maxproc 40 reached after 37 forks",
                     r"maxproc limit exceeded by uid 0",
                     r"commit \d+ KiB reserved of [1-9]\d+ KiB \(strict\)"],
             forbid=NO_FAILURES),
        # init=PATH runs one program as pid 1; its exit ends the system
        # with its status (/usr/tests/selftest/argc exits with 40 + argc).  A program the
        # initrd lacks is reported, and ends the run with status 127.
        Case("virt-init-argc",
             virt + ["-m", "256M", "-kernel", image, "-append", "selftest init=/usr/tests/selftest/argc"],
             expect=[SELFTEST_OK, PROCS_OK, r"init: running /usr/tests/selftest/argc\r?\n"],
             expect_exit=41, forbid=NO_FAILURES),
        # init="PATH ARGS...": the words after the path are its arguments.
        Case("virt-init-argc-args",
             virt + ["-m", "256M", "-kernel", image, "-append", 'init="/usr/tests/selftest/argc one  two"'],
             expect=[r"init: running /usr/tests/selftest/argc one  two\r?\n"],
             expect_exit=43, forbid=NO_FAILURES),
        # The first program finds the console on descriptors 0, 1 and 2.
        Case("virt-init-stdio",
             virt + ["-m", "256M", "-kernel", image, "-append", "init=/usr/tests/selftest/fileio"],
             expect=[r"init: running /usr/tests/selftest/fileio\r?\nfileio: hello through write\(1\)\r?\n"],
             expect_exit=0, forbid=NO_FAILURES),
        Case("virt-init-missing",
             virt + ["-m", "256M", "-kernel", image, "-append", "init=/bin/nope"],
             expect=[r"init: cannot run /bin/nope: ENOENT\r?\n"], expect_exit=127),
        Case("virt-crash-load", virt + ["-m", "256M", "-kernel", image, "-append", "crash=load"],
             expect_panic=r"kernel trap: load page fault",
             expect=[r"scause 0xd \(load page fault\)", r"sepc 0xffffffff8[0-9a-f]+",
                     r"stval 0xffffffe000000000", r"\bra [0-9a-f]{16}",
                     r"backtrace:\r?\n\s+#0\s+0x[0-9a-f]+ .*crash_load\(\)",
                     r"#\d+\s+0x[0-9a-f]+ crash_on_request\(", r"#\d+\s+0x[0-9a-f]+ init_riscv"]),
        Case("virt-crash-exec", virt + ["-m", "256M", "-kernel", image, "-append", "crash=exec"],
             expect_panic=r"kernel trap: instruction page fault",
             expect=[r"#0\s+0x[0-9a-f]+ \?", r"#1\s+0x[0-9a-f]+ .*crash_exec\(\)"]),
        Case("sifive_u-crash-assert",
             sifive + ["-m", "256M", "-kernel", image, "-append", "crash=assert"],
             expect_panic=r"KASSERT\(two \+ two == 5\) failed at kernel/debug/crash.cpp:\d+: deliberate",
             expect=[r"backtrace:", r"#\d+\s+0x[0-9a-f]+ .*crash_assert\(\)"]),
        # A kernel stack overflow ends in a panic naming the thread, reported
        # from the emergency stack, with the faulting sp and address in the
        # guard page below the stack the kernel announced.
        Case("virt-crash-stack", virt + ["-m", "256M", "-kernel", image, "-append", "crash=stack"],
             expect_panic=r"kernel stack overflow in thread crash-stack: sp 0x[0-9a-f]+, "
                          r"stack 0x[0-9a-f]+-0x[0-9a-f]+",
             expect=[r"(?s)recursing on kernel stack (0x[0-9a-f]+-0x[0-9a-f]+) .*"
                     r"SPRIG PANIC: kernel stack overflow .*, stack \1\r?\n",
                     r"(?s)guard at 0x([0-9a-f]{13})000\).*SPRIG PANIC: .*: sp 0x\1[0-9a-f]{3},",
                     r"(?s)guard at 0x([0-9a-f]{13})000\).*stval 0x\1[0-9a-f]{3}\b",
                     r"scause 0xf \(store/AMO page fault\)",
                     r"backtrace:\r?\n\s+#0\s+0x[0-9a-f]+ .*recurse_forever\(",
                     r"#20\s+0x[0-9a-f]+ .*recurse_forever\("],
             forbid=[r"kernel trap:", r"recursive panic"]),
    ] + userland_cases(virt, image, NO_FAILURES) + suite_cases(virt, image, NO_FAILURES) \
        + failpoint_cases(virt, image, NO_FAILURES) + tmpfs_cases(virt, image, NO_FAILURES) \
        + kdump_cases(virt, image, NO_FAILURES)


def merge(kw, more_expect):
    kw = dict(kw)
    kw["expect"] = list(kw.get("expect", [])) + list(more_expect)
    return kw


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--build", default="build")
    ap.add_argument("--opensbi", required=True)
    ap.add_argument("--second", required=True, help="the image wrapped at another address")
    ap.add_argument("--second-addr", required=True)
    ap.add_argument("--initrd", required=True, help="the cpio archive every boot carries")
    ap.add_argument("--only", help="regex: run only matching cases")
    args = ap.parse_args()
    failed = run_cases(cases(args), os.path.join(args.build, "qemu-logs"), args.only)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
