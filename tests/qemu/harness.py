#!/usr/bin/env python3
"""Boot Sprig in QEMU and judge the run from the console.

A case boots one QEMU command line, optionally types lines into the serial
input when a pattern appears, and checks the output against patterns.  The
verdict comes only from the console's marker lines and a timeout that
kills QEMU: never from QEMU's exit status (OpenSBI reports a failure
shutdown as success on virt, and sifive_u cannot power off at all).

Markers the kernel prints:
    SPRIG PANIC: <message>      the kernel panicked
    SPRIG EXIT status=<n>       the kernel's run ended normally

A case with stop_at (say, a shell prompt) also ends when that pattern
appears; with expect_exit=None it then passes without an EXIT line.
"""
import os
import re
import select
import subprocess
import time

PANIC = re.compile(r"SPRIG PANIC: (.*)")
EXIT = re.compile(r"SPRIG EXIT status=(\d+)")


class Case:
    def __init__(self, name, qemu_cmd, expect=(), send=(), expect_panic=None,
                 expect_exit=0, timeout=60, forbid=(), stop_at=None):
        self.name = name
        self.qemu_cmd = qemu_cmd
        self.expect = list(expect)        # regexes that must all appear
        self.forbid = list(forbid)        # regexes that must not appear
        # (regex, text) or (regex, text, seconds): type text once regex
        # appears (that many seconds after it, when given)
        self.send = list(send)
        self.expect_panic = expect_panic  # regex the panic message must match, or None
        self.expect_exit = expect_exit    # status of SPRIG EXIT (None: none needed)
        self.stop_at = stop_at            # regex that ends the run like a marker, or None
        self.timeout = timeout


def run_qemu(case, log_path):
    """Runs QEMU until an end marker (plus a short quiet period, so a panic
    report is complete) or the timeout; returns (output, timed_out)."""
    proc = subprocess.Popen(case.qemu_cmd, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = b""
    pending = list(case.send)
    deadline = time.monotonic() + case.timeout
    ended = False          # an end marker was seen
    last_output = time.monotonic()
    timed_out = False
    send_from = 0          # each send waits for its pattern after the last one
    send_at = None         # when the matched pending send is due
    try:
        while True:
            now = time.monotonic()
            if ended and now - last_output > 1.0:
                break
            if now >= deadline:
                timed_out = not ended
                break
            ready, _, _ = select.select([proc.stdout], [], [], 0.1)
            if ready:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                out += chunk
                last_output = time.monotonic()
                if not ended and (PANIC.search(text(out)) or EXIT.search(text(out))
                                  or (case.stop_at and re.search(case.stop_at, text(out)))):
                    ended = True
                    deadline = min(deadline, last_output + 5)
            while pending and (send_at is not None
                               or re.search(pending[0][0], text(out[send_from:]))):
                if send_at is None:
                    send_at = time.monotonic() + (pending[0][2] if len(pending[0]) > 2 else 0)
                if time.monotonic() < send_at:
                    break
                send_at = None
                # Type slowly: a real UART has a small FIFO.
                for ch in pending[0][1]:
                    proc.stdin.write(ch.encode())
                    proc.stdin.flush()
                    time.sleep(0.005)
                pending.pop(0)
                send_from = len(out)
    finally:
        proc.kill()
        proc.wait()
        with open(log_path, "wb") as f:
            f.write(out)
    return text(out), timed_out


def text(b):
    return b.decode("utf-8", "replace")


def judge(case, out, timed_out):
    """Returns a list of failure reasons (empty when the case passed)."""
    problems = []
    panic = PANIC.search(out)
    exit_ = EXIT.search(out)
    if case.expect_panic is None:
        if panic:
            problems.append("kernel panicked: " + panic.group(1).strip())
        elif exit_ is None and case.expect_exit is not None:
            problems.append("no SPRIG EXIT line" + (" (timed out)" if timed_out else ""))
        elif exit_ is None and not (case.stop_at and re.search(case.stop_at, out)):
            problems.append("neither SPRIG EXIT nor %r" % case.stop_at
                            + (" (timed out)" if timed_out else ""))
        elif exit_ is not None and (case.expect_exit is None
                                    or int(exit_.group(1)) != case.expect_exit):
            wanted = "no exit" if case.expect_exit is None else "%d" % case.expect_exit
            problems.append("SPRIG EXIT status=%s, wanted %s" % (exit_.group(1), wanted))
    else:
        if not panic:
            problems.append("no SPRIG PANIC line" + (" (timed out)" if timed_out else ""))
        elif not re.search(case.expect_panic, panic.group(1)):
            problems.append("panic message %r does not match %r" % (panic.group(1), case.expect_panic))
    for pattern in case.expect:
        if not re.search(pattern, out, re.MULTILINE):
            problems.append("missing: " + pattern)
    for pattern in case.forbid:
        m = re.search(pattern, out, re.MULTILINE)
        if m:
            problems.append("unexpected: " + m.group(0).strip())
    return problems


def run_cases(cases, log_dir, only=None):
    """Runs the cases, prints one line each and a closing
    'N passed, N failed' line; returns the number failed."""
    os.makedirs(log_dir, exist_ok=True)
    passed = failed = 0
    for case in cases:
        if only and not re.search(only, case.name):
            continue
        log = os.path.join(log_dir, case.name + ".log")
        out, timed_out = run_qemu(case, log)
        problems = judge(case, out, timed_out)
        if problems:
            failed += 1
            print("FAIL %s (console log: %s)" % (case.name, log))
            for p in problems:
                print("     " + p)
        else:
            passed += 1
            print("ok   %s" % case.name)
    print("%d passed, %d failed" % (passed, failed))
    return failed
