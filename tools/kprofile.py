#!/usr/bin/env python3
"""Deterministic kernel profile from QEMU's translation-block log.

`make profile` (mk/profile.mk; docs/performance.md, "Profiling") boots
the kernel twice under -icount with `-d exec,nochain,in_asm,int`
restricted by -dfilter to the kernel's addresses: once with init running
`PROG ARGS ITERS`, once with `PROG ARGS 0`.  Each log is read as QEMU
writes it (gigabytes: nothing is stored) and reduced to guest
instructions per kernel function; the second run is subtracted from the
first and the difference divided by ITERS.

How a log becomes instruction counts:
  - in_asm prints a block's instructions once, when QEMU translates it;
    the next `Trace` line with the block's pc is its first execution, and
    gives the host address QEMU keeps it at.  Later `Trace` lines with
    that host address are more executions of it.  A retranslation (after
    a flush, or an icount split into a shorter block) prints a new block
    and rebinds the host address.
  - nochain makes QEMU log every execution, not only the first of a
    chain.
  - `Stopped execution of TB chain before` says the block just logged
    did not run at all (an interrupt or the icount budget came first).
  - `cpu_io_recompile: rewound` (a device access not at a block's end)
    and a synchronous exception (`riscv_cpu_do_interrupt ... async:0`
    with its epc inside the block just logged) cut a block short: only
    the instructions before the next block's pc, or before the epc, ran.
    A faulting instruction does not retire (it runs again after the
    fault, in a new block); an ecall does not retire either.
  - Each instruction counts for the function whose symbol precedes its
    address (nm -n), so a block that runs past a symbol is split exactly.

The caller of each executed block is taken from a shadow call stack kept
from the blocks' last instructions (a `jal`/`jalr` to ra pushes the return
address, a `ret` pops it): the nearest function on it other than the
block's own, so that recursion shows who called it first.  A return to an
address not on the stack (a context switch, which returns into another
thread's frames) empties it, and blocks run until the next call are
charged to the caller `?`.
"""

import argparse
import bisect
import os
import re
import subprocess
import sys

UNKNOWN = "?"


class Symbols:
    """Function names by address, from `nm -n` output (mangled or not)."""

    def __init__(self, nm_lines):
        pairs = []
        for line in nm_lines:
            parts = line.split(None, 2)
            if len(parts) < 3 or parts[1] not in "tTwW":
                continue
            pairs.append((int(parts[0], 16), short_name(parts[2].strip())))
        pairs.sort()
        self.addrs = [a for a, _ in pairs]
        self.names = [n for _, n in pairs]

    def text_range(self, default):
        """-dfilter's `first..last` for the kernel's text, from _stext and _etext."""
        try:
            first = self.addrs[self.names.index("_stext")]
            end = self.addrs[self.names.index("_etext")]
        except ValueError:
            return default
        return f"0x{first:x}..0x{end - 1:x}"

    def name(self, addr):
        i = bisect.bisect_right(self.addrs, addr) - 1
        return self.names[i] if i >= 0 else "(before the first symbol)"


LAMBDA_ARG = re.compile(r"<([\w:]+)\([^{}]*\)::\{lambda\([^{}]*\)#\d+\}>")


def short_name(name):
    """Parameters dropped, and a lambda template argument named by its home:
    `PageIndex::walk<f(int)::{lambda(long)#1}>(...)` -> `PageIndex::walk<lambda in f>`."""
    return LAMBDA_ARG.sub(r"<lambda in \1>", strip_params(name))


def strip_params(name):
    """`ns::f(int, char*) const` -> `ns::f`: overloads share one line."""
    depth = 0
    for i, c in enumerate(name):
        if c == "<":
            depth += 1
        elif c == ">":
            depth -= 1
        elif c == "(" and depth == 0 and i > 0 and not name.startswith("(anonymous", i):
            if name[:i].endswith("operator"):
                continue
            return name[:i]
    return name


class Block:
    """One translation: its instructions' addresses, and how it ends."""

    __slots__ = ("pc", "addrs", "fn", "call_ret", "call_fn", "is_ret", "execs", "cuts",
                 "callers")

    def __init__(self, pc, addrs, call_ret, is_ret, syms):
        self.pc = pc
        self.addrs = addrs
        self.fn = syms.name(pc)
        self.call_ret = call_ret  # the return address if it ends in a call, else 0
        self.call_fn = syms.name(call_ret) if call_ret else None
        self.is_ret = is_ret
        self.execs = 0
        self.cuts = {}  # instructions run -> how many executions ran only those
        self.callers = {}  # caller's name (UNKNOWN: not known) -> executions


class LogReader:
    """Feeds on QEMU log lines and counts executions of each block."""

    def __init__(self, syms):
        self.syms = syms
        self.blocks = []
        self.by_host = {}  # host code address (the Trace line's) -> Block
        self.pending = None  # a translated block not yet executed
        self.last = None  # the block whose Trace line came last
        self.rewound = False
        self.stack = []  # the shadow call stack: return addresses
        self.stack_fn = []  # and the functions they are in
        self.expect = None  # True after a ret: the next block's pc is where it went
        self.unbound = 0  # Trace lines of blocks never seen translated
        self.stopped = 0
        self.cut = 0
        self.interrupts = 0  # asynchronous traps, at any privilege level
        self._asm = None  # the block being read: [addresses, its last line]

    def feed(self, lines):
        for line in lines:
            c = line[:1]
            if c == "T" and line.startswith("Trace "):
                self._trace(line)
            elif c == "0" and self._asm is not None:
                colon = line.index(":")
                self._asm[0].append(int(line[2:colon], 16))
                self._asm[1] = line[colon + 1:]
            elif c == "\n" or c == "":
                self._end_asm()
            elif line.startswith("IN:"):
                self._asm = [[], ""]
            elif line.startswith("Stopped execution"):
                self._stopped(line)
            elif line.startswith("cpu_io_recompile"):
                self.rewound = True
            elif line.startswith("riscv_cpu_do_interrupt"):
                self._exception(line)

    def _end_asm(self):
        asm = self._asm
        self._asm = None
        if asm is None or not asm[0]:
            return
        addrs = asm[0]
        fields = asm[1].split()
        # fields: encoding, mnemonic, operands...
        mnem = fields[1] if len(fields) > 1 else ""
        ops = fields[2] if len(fields) > 2 else ""
        call_ret = 0
        if mnem in ("jal", "jalr") and ops.startswith("ra,"):
            call_ret = addrs[-1] + len(fields[0]) // 2
        is_ret = (mnem == "ret" or (mnem == "jr" and ops == "ra")
                  or (mnem == "jalr" and ops.startswith(("zero,ra,0", "zero,0(ra)"))))
        self.pending = Block(addrs[0], tuple(addrs), call_ret, is_ret, self.syms)

    def _trace(self, line):
        # Trace 0: 0x7f..80 [0000000000000000/ffffffff8000013a/00209001/ff020200] sym
        parts = line.split(None, 4)
        host = parts[2]
        b = self.by_host.get(host)
        pc = None
        if self.pending is not None:
            pc = int(parts[3].split("/")[1], 16)
            if self.pending.pc == pc:
                b = self.pending
                self.blocks.append(b)
                self.by_host[host] = b
                self.pending = None
        if self.rewound or self.expect is not None:
            if pc is None:
                pc = int(parts[3].split("/")[1], 16)
            if self.rewound:
                self.rewound = False
                self._cut_last_at(pc)
            if self.expect is not None:
                self._returned_to(pc)
        if b is None:
            self.unbound += 1
            self.last = None
            return
        b.execs += 1
        caller = self._caller(b.fn)
        b.callers[caller] = b.callers.get(caller, 0) + 1
        if b.call_ret:
            self.stack.append(b.call_ret)
            self.stack_fn.append(b.call_fn)
            if len(self.stack) > 512:
                del self.stack[:256]
                del self.stack_fn[:256]
        elif b.is_ret:
            self.expect = True
        self.last = b

    def _caller(self, fn):
        stack_fn = self.stack_fn
        j = len(stack_fn) - 1
        while j >= 0 and stack_fn[j] == fn:
            j -= 1
        return stack_fn[j] if j >= 0 else UNKNOWN

    def _pop(self):
        self.stack.pop()
        self.stack_fn.pop()

    def _returned_to(self, pc):
        self.expect = None
        stack = self.stack
        if stack and stack[-1] == pc:
            self._pop()
            return
        for i in range(len(stack) - 2, -1, -1):
            if stack[i] == pc:
                del stack[i:]
                del self.stack_fn[i:]
                return
        stack.clear()
        self.stack_fn.clear()

    def _stopped(self, line):
        b = self.last
        if b is None:
            return
        b.execs -= 1
        if b.call_ret and self.stack:
            self._pop()
        elif b.is_ret:
            self.expect = None
        b.callers[self._caller(b.fn)] -= 1
        self.stopped += 1
        self.last = None

    def _cut_last_at(self, pc):
        b = self.last
        if b is None:
            return
        try:
            ran = b.addrs.index(pc)
        except ValueError:
            return
        b.cuts[ran] = b.cuts.get(ran, 0) + 1
        self.cut += 1
        if b.call_ret and self.stack and self.stack[-1] == b.call_ret:
            self._pop()
        self.last = None

    def _exception(self, line):
        m = re.search(r"async:(\d+).*epc:0x([0-9a-f]+)", line)
        if not m:
            return
        if m.group(1) != "0":
            self.interrupts += 1
            return
        self._cut_last_at(int(m.group(2), 16))

    def instructions(self):
        """Total instructions run in the blocks seen."""
        total = 0
        for b in self.blocks:
            total += b.execs * len(b.addrs)
            for ran, n in b.cuts.items():
                total -= n * (len(b.addrs) - ran)
        return total


def attribute(reader):
    """(by function, by (function, caller)) instruction counts."""
    by_func = {}
    by_pair = {}
    for b in reader.blocks:
        per_insn = [b.execs] * len(b.addrs)
        for ran, n in b.cuts.items():
            for i in range(ran, len(b.addrs)):
                per_insn[i] -= n
        funcs = {}
        for addr, n in zip(b.addrs, per_insn):
            f = reader.syms.name(addr)
            funcs[f] = funcs.get(f, 0) + n
        for f, n in funcs.items():
            by_func[f] = by_func.get(f, 0) + n
        # A block's callers share its instructions in proportion to their
        # executions (exact when no execution of it was cut short).
        if b.execs <= 0:
            continue
        for caller, e in b.callers.items():
            if e == 0:
                continue
            for f, n in funcs.items():
                key = (f, caller)
                by_pair[key] = by_pair.get(key, 0) + n * e / b.execs
    return by_func, by_pair


def subtract(a, b):
    keys = set(a) | set(b)
    return {k: a.get(k, 0) - b.get(k, 0) for k in keys}


def report(diff_func, diff_pair, iters, total_n, total_0, top, out):
    per = {f: n / iters for f, n in diff_func.items()}
    total = sum(per.values())
    counted = (total_n - total_0) / iters
    w = out.write
    w(f"profile: {total:,.0f} kernel instructions per iteration "
      f"({total_n:,} in the run of {iters}, {total_0:,} in the run of 0)\n")
    if abs(total - counted) > 0.5:
        w(f"profile: SELF-CHECK FAILED: the functions sum to {total:,.1f}, "
          f"the blocks to {counted:,.1f}\n")
    rows = sorted(per.items(), key=lambda kv: -abs(kv[1]))
    w(f"{'instr/iter':>12} {'%':>6} {'cum%':>6}  function\n")
    cum = 0.0
    shown = 0
    for f, n in rows:
        if shown >= top or abs(n) < 0.5:
            break
        cum += n
        w(f"{n:12,.1f} {pct(n, total):>6} {pct(cum, total):>6}  {f}\n")
        shown += 1
    rest = total - cum
    w(f"{rest:12,.1f} {pct(rest, total):>6} {'':>6}  ({len(rows) - shown} other functions)\n")
    w(f"{total:12,.1f} {'100.0':>6} {'':>6}  total\n")
    if diff_pair is None:
        return
    w("\nby caller (the function, then who called it; ? = not known after a context switch):\n")
    w(f"{'instr/iter':>12} {'%':>6}  function <- caller\n")
    pairs = sorted(((k, n / iters) for k, n in diff_pair.items()), key=lambda kv: -abs(kv[1]))
    for (f, caller), n in pairs[:top]:
        if abs(n) < 0.5:
            break
        w(f"{n:12,.1f} {pct(n, total):>6}  {f} <- {caller}\n")


def pct(n, total):
    return f"{100.0 * n / total:.1f}" if total else "-"


def run_qemu(qemu_cmd, console, timeout):
    """Start QEMU with its log on a pipe; return the process."""
    cmd = list(qemu_cmd) + ["-serial", f"file:{console}"]
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, bufsize=1 << 20,
                            errors="replace")


def profile_run(qemu_cmd, console, timeout, syms):
    proc = run_qemu(qemu_cmd, console, timeout)
    reader = LogReader(syms)
    try:
        reader.feed(proc.stderr)
    finally:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    with open(console, errors="replace") as f:
        text = f.read()
    if "SPRIG EXIT status=0" not in text or "SPRIG PANIC" in text:
        sys.exit(f"profile: the run did not end with SPRIG EXIT status=0 (see {console})")
    m = INSTRET_RE.search(text)
    reader.instret_per_iter = int(m.group(1)) if m else None
    return reader


# What the program may print of its own loop: rdinstret's count (user,
# kernel and the firmware's instructions) over the iterations, divided by
# them.  The kernel's share the profile finds must be below it, give or
# take INSTRET_SLACK: the clock ticks that come after the program's loop
# (its exit, the kernel's shutdown) fall at other points in the two runs,
# a few thousand instructions over all the iterations.  The program must
# print as many bytes in both runs (a fixed width), or the console's cost
# of the difference lands in the profile.
INSTRET_RE = re.compile(r"instret/iter= *(\d+)")
INSTRET_SLACK = 0.001


def check_against_instret(kernel_per_iter, instret_per_iter, out):
    """False when the profile finds more kernel instructions than ran in all."""
    if instret_per_iter is None:
        out.write("profile: the program printed no instret/iter=N: no check against rdinstret\n")
        return True
    ok = kernel_per_iter - instret_per_iter <= instret_per_iter * INSTRET_SLACK
    out.write(f"profile: check: {kernel_per_iter:,.0f} kernel instructions per iteration, "
              f"{instret_per_iter:,} in all (the program's rdinstret: user+kernel+SBI), "
              f"{instret_per_iter - kernel_per_iter:,.0f} outside the kernel: "
              f"{'ok' if ok else 'FAILED, more than 0.1% over'}\n")
    return ok


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--nm", required=True, help="nm -n output for the kernel")
    p.add_argument("--prog", required=True)
    p.add_argument("--args", default="")
    p.add_argument("--iters", type=int, required=True)
    p.add_argument("--top", type=int, default=40)
    p.add_argument("--console-dir", required=True)
    p.add_argument("--timeout", type=int, default=1800)
    # KERNBASE and above, unless the symbols say where the text is.
    p.add_argument("--kernel-range", default="0xffffffff80000000..0xffffffffffffffff")
    p.add_argument("qemu", nargs=argparse.REMAINDER, help="-- the QEMU command line")
    a = p.parse_args(argv)
    if a.iters <= 0:
        sys.exit("profile: ITERS must be a positive count")
    qemu = a.qemu[1:] if a.qemu[:1] == ["--"] else a.qemu
    with open(a.nm) as f:
        syms = Symbols(f)
    results = []
    for n in (a.iters, 0):
        init = " ".join(x for x in (a.prog, a.args, str(n)) if x)
        console = os.path.join(a.console_dir, f"profile-{n}.log")
        cmd = qemu + ["-d", "exec,nochain,in_asm,int", "-dfilter", syms.text_range(a.kernel_range),
                      "-append", f'init="{init}"']
        print(f"profile: booting init=\"{init}\" (console: {console})", flush=True)
        r = profile_run(cmd, console, a.timeout, syms)
        print(f"profile:   {r.instructions():,} kernel instructions, {len(r.blocks):,} translations, "
              f"{r.stopped} blocks stopped before they ran, {r.cut} cut short, "
              f"{r.unbound} executions of blocks never seen translated, "
              f"{r.interrupts} interrupts", flush=True)
        results.append(r)
    (fn_n, pair_n), (fn_0, pair_0) = (attribute(r) for r in results)
    for fn, r in ((fn_n, results[0]), (fn_0, results[1])):
        if sum(fn.values()) != r.instructions():
            sys.exit("profile: SELF-CHECK FAILED: the functions do not sum to the blocks' total")
    report(subtract(fn_n, fn_0), subtract(pair_n, pair_0), a.iters,
           results[0].instructions(), results[1].instructions(), a.top, sys.stdout)
    per_iter = (results[0].instructions() - results[1].instructions()) / a.iters
    return 0 if check_against_instret(per_iter, results[0].instret_per_iter, sys.stdout) else 1


if __name__ == "__main__":
    sys.exit(main())
