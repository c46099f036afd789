#!/usr/bin/env python3
"""make test-debug: `make debug`'s QEMU command line (gdb server, console on
a Unix socket) driven as docs/debugging.md tells a user to: gdb runs
scripts/gdb-fork-example.gdb while this script is the console, waits for
the shell's prompt and types `forkdemo`.  Passes when gdb stopped in
fork1 for forkdemo's pid and in fork_return for its child's, the pids
forkdemo itself printed, and forkdemo then finished on the console.

usage: debug_console.py BUILD SOCKET QEMU-COMMAND...  (mk/qemu.mk: make test-debug)
"""
import os
import re
import socket
import subprocess
import sys
import time


def main():
    build, sock_path = sys.argv[1], sys.argv[2]
    qemu = sys.argv[3:]
    if os.path.exists(sock_path):
        os.unlink(sock_path)
    q = subprocess.Popen(qemu)
    gdb_out = os.path.join(build, "debug-gdb.log")
    try:
        deadline = time.monotonic() + 10
        while not os.path.exists(sock_path) and time.monotonic() < deadline:
            time.sleep(0.1)
        g = subprocess.Popen(["gdb-multiarch", "-q", "-batch", "-x", "scripts/gdb-fork-example.gdb",
                              os.path.join(build, "kernel.elf")],
                             stdout=open(gdb_out, "w"), stderr=subprocess.STDOUT)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sock_path)
        s.settimeout(0.5)
        out, typed = b"", False
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and b"copy-on-write kept" not in out:
            try:
                data = s.recv(4096)
                if not data:
                    break
                out += data
            except socket.timeout:
                pass
            if not typed and re.search(rb"(^|\n)# $", out):
                s.sendall(b"forkdemo\r")
                typed = True
        time.sleep(0.5)
    finally:
        q.kill()
    g.wait(timeout=20)
    console = out.decode(errors="replace")
    gdb = open(gdb_out).read()
    return judge(console, gdb)


def judge(console, gdb):
    checks = []
    m = re.search(r"forkdemo: pid (\d+):", console)
    c = re.search(r"child\s+(\d+): fork returned 0", console)
    checks.append(("forkdemo ran to the end on the console", "copy-on-write kept" in console))
    checks.append(("gdb stopped in fork1", re.search(r"Breakpoint 2, fork1 \(", gdb) is not None))
    checks.append(("fork1's caller is forkdemo", bool(m) and re.search(r"\$1 = %s\n" % m.group(1), gdb) is not None))
    checks.append(("gdb stopped in fork_return", re.search(r"Breakpoint 3, fork_return \(", gdb) is not None))
    checks.append(("fork_return runs the child",
                   bool(c) and re.search(r"\$2 = %s\n" % c.group(1), gdb) is not None))
    checks.append(("the child's parent is forkdemo",
                   bool(m) and re.search(r"\$3 = %s\n" % m.group(1), gdb) is not None))
    failed = 0
    for name, ok in checks:
        print("%s %s" % ("ok  " if ok else "FAIL", name))
        failed += not ok
    print("%d passed, %d failed" % (len(checks) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
