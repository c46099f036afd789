#!/usr/bin/env python3
"""make console: this terminal becomes the serial console of the QEMU that
`make debug` started (QEMU serves it on a Unix socket, so the shell stays
usable while gdb holds the other terminal).  Keys go to Sprig as typed
(the terminal is put in raw mode); Ctrl-] leaves, QEMU and gdb go on.
While gdb has the machine stopped, typing waits in QEMU until `continue`.

usage: console.py SOCKET [--wait SECONDS]
"""
import os
import select
import socket
import sys
import termios
import time
import tty

QUIT = b"\x1d"  # Ctrl-]


def connect(path, wait):
    deadline = time.monotonic() + wait
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s
        except OSError as e:
            s.close()
            if time.monotonic() >= deadline:
                sys.exit("console: cannot connect to %s: %s (is `make debug` running?)" % (path, e.strerror))
            time.sleep(0.2)


def pump(sock):
    """Copies keys to the socket and the socket to the screen until
    Ctrl-] or QEMU closes it."""
    stdin = sys.stdin.fileno()
    while True:
        ready, _, _ = select.select([stdin, sock], [], [])
        if sock in ready:
            data = sock.recv(4096)
            if not data:
                return "QEMU closed the console"
            os.write(sys.stdout.fileno(), data)
        if stdin in ready:
            data = os.read(stdin, 1024)
            if not data or QUIT in data:
                sock.sendall(data.split(QUIT)[0])
                return "left the console (QEMU and gdb go on)"
            sock.sendall(data)


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__.strip().splitlines()[-1])
    wait = float(args[2]) if len(args) > 2 and args[1] == "--wait" else 10.0
    sock = connect(args[0], wait)
    print("console: connected to %s; Ctrl-] leaves\r" % args[0])
    saved = None
    if os.isatty(sys.stdin.fileno()):
        saved = termios.tcgetattr(sys.stdin.fileno())
        tty.setraw(sys.stdin.fileno())
    try:
        why = pump(sock)
    finally:
        if saved is not None:
            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, saved)
    print("\nconsole: " + why)


if __name__ == "__main__":
    main()
