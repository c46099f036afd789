#!/usr/bin/env python3
"""Writes a cpio "newc" archive (the initrd format Sprig reads, as Linux's
initramfs does) from NAME=PATH pairs: each file PATH becomes member NAME,
with the directories above it; a NAME given twice keeps the later PATH.
Members are mode 0755 owned by root unless NAME is written
NAME@MODE or NAME@MODE:UID:GID (octal mode: NAME@0644, NAME@0100:1000:1000).
Deterministic: fixed inode numbers, times and owners, so the same inputs
give the same bytes."""
import sys


def member(name, data, mode, ino, uid=0, gid=0):
    namez = name.encode() + b"\0"
    fields = [ino, mode, uid, gid, 1, 0, len(data), 0, 0, 0, 0, len(namez), 0]
    head = b"070701" + b"".join(b"%08X" % f for f in fields) + namez
    head += b"\0" * (-len(head) % 4)
    return head + data + b"\0" * (-len(data) % 4)


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: mkinitrd.py OUT NAME=PATH...")
    out, pairs = sys.argv[1], sys.argv[2:]
    # A later NAME replaces an earlier one (make run EXTRA_BIN="sh.elf"
    # puts the user's own /bin/sh in place of Sprig's): one member each.
    members = {}
    for pair in pairs:
        name, path = pair.split("=", 1)
        name, _, attrs = name.partition("@")
        perm, uid, gid = 0o755, 0, 0
        if attrs:
            fields = attrs.split(":")
            if len(fields) not in (1, 3):
                sys.exit("mkinitrd: %s: want NAME@MODE or NAME@MODE:UID:GID" % pair)
            perm = int(fields[0], 8) & 0o7777
            if len(fields) == 3:
                uid, gid = int(fields[1]), int(fields[2])
        if name in members:
            print("mkinitrd: %s: %s replaces %s" % (name, path, members[name][0]), file=sys.stderr)
        members[name] = (path, perm, uid, gid)
    archive, dirs, ino = b"", set(), 1
    for name, (path, perm, uid, gid) in members.items():
        parts = name.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d not in dirs:
                dirs.add(d)
                archive += member(d, b"", 0o40755, ino)
                ino += 1
        with open(path, "rb") as f:
            archive += member(name, f.read(), 0o100000 | perm, ino, uid, gid)
        ino += 1
    archive += member("TRAILER!!!", b"", 0, 0)
    with open(out, "wb") as f:
        f.write(archive)


if __name__ == "__main__":
    main()
