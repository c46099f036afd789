#!/usr/bin/env python3
"""initrd_add.py IN OUT NAME=PATH...: OUT is the newc archive IN with the
given files added before its trailer (make fuzz adds etc/sysfuzz.args to
the build's initrd).  The directories above each NAME must be in IN."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from mkinitrd import member  # noqa: E402

HEADER = 110  # "070701" and 13 fields of 8 hex digits


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: initrd_add.py IN OUT NAME=PATH...")
    with open(sys.argv[1], "rb") as f:
        archive = f.read()
    trailer = archive.rfind(b"TRAILER!!!\0")
    if trailer < HEADER or archive[trailer - HEADER:trailer - HEADER + 6] != b"070701":
        sys.exit("initrd_add: %s has no newc trailer" % sys.argv[1])
    out = archive[:trailer - HEADER]
    for i, pair in enumerate(sys.argv[3:]):
        name, path = pair.split("=", 1)
        with open(path, "rb") as f:
            out += member(name, f.read(), 0o100644, 0x10000 + i)
    out += member("TRAILER!!!", b"", 0, 0)
    with open(sys.argv[2], "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
