#!/usr/bin/env python3
"""Check an SD image written by tools/mksdimage.py, without booting it.

Reads the GPT itself (not through sgdisk, which wrote it) and the FAT
through mtools, and checks what U-Boot and the VisionFive 2 rely on:
partition 3 is the FAT boot partition with the legacy-BIOS-bootable
attribute and the only bootable one, partitions 1 and 2 are empty
placeholders typed for the SPL and U-Boot, the files are byte-for-byte the
kernel and initrd given, extlinux.conf names them with no fdt line, and
boot.scr is a U-Boot script image.  The boots themselves are
tests/qemu/uboot_suite.py's.

Prints one line per case and a closing 'N passed, N failed' line; exits
non-zero when a case failed.

Usage: check_sd_image.py IMAGE --kernel Image --initrd initrd.cpio --append "words"
                         [--no-extlinux]
"""
import argparse
import os
import struct
import subprocess
import sys
import uuid
import zlib

SECTOR = 512
MIB = 1 << 20
LEGACY_BIOS_BOOTABLE = 1 << 2
SPL_TYPE = uuid.UUID("2E54B353-1271-4842-806F-E436D6AF6985")
UBOOT_TYPE = uuid.UUID("5B193300-FC78-40CD-8002-E86C45580B47")
ESP_TYPE = uuid.UUID("C12A7328-F81F-11D2-BA4B-00A0C93EC93B")
UIMAGE_MAGIC = 0x27051956
IH_TYPE_SCRIPT = 6
IH_ARCH_RISCV = 26


def gpt_partitions(disk):
    """[(number, type uuid, first lba, last lba, attributes, name)] from the primary GPT."""
    hdr = disk[SECTOR:2 * SECTOR]
    if hdr[:8] != b"EFI PART":
        raise ValueError("no GPT signature at LBA 1")
    (hdr_size,) = struct.unpack_from("<I", hdr, 12)
    (hdr_crc,) = struct.unpack_from("<I", hdr, 16)
    check = bytearray(hdr[:hdr_size])
    check[16:20] = b"\0\0\0\0"
    if zlib.crc32(check) != hdr_crc:
        raise ValueError("GPT header CRC mismatch")
    entries_lba, count, entry_size = struct.unpack_from("<QII", hdr, 72)
    (entries_crc,) = struct.unpack_from("<I", hdr, 88)
    table = disk[entries_lba * SECTOR:entries_lba * SECTOR + count * entry_size]
    if zlib.crc32(table) != entries_crc:
        raise ValueError("GPT entry array CRC mismatch")
    parts = []
    for i in range(count):
        e = table[i * entry_size:(i + 1) * entry_size]
        type_guid = uuid.UUID(bytes_le=e[:16])
        if type_guid.int == 0:
            continue
        first, last, attrs = struct.unpack_from("<QQQ", e, 32)
        name = e[56:128].decode("utf-16-le").rstrip("\0")
        parts.append((i + 1, type_guid, first, last, attrs, name))
    return parts


def mtools(*args, image, offset):
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    target = "%s@@%d" % (image, offset)
    return subprocess.run([args[0], "-i", target] + list(args[1:]), check=True,
                          capture_output=True, env=env).stdout


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def case(self, name, problems):
        if problems:
            self.failed += 1
            print("FAIL %s" % name)
            for p in problems:
                print("     " + p)
        else:
            self.passed += 1
            print("ok   %s" % name)


def check_partitions(parts):
    found = []
    by_num = {p[0]: p for p in parts}
    want = {1: ("spl", SPL_TYPE, 2 * MIB, 2 * MIB), 2: ("uboot", UBOOT_TYPE, 4 * MIB, 4 * MIB),
            3: ("boot", ESP_TYPE, 8 * MIB, None)}
    if sorted(by_num) != [1, 2, 3]:
        found.append("partitions %s, wanted 1, 2, 3" % sorted(by_num))
    for num, (name, typ, start, size) in want.items():
        if num not in by_num:
            continue
        _, t, first, last, _, n = by_num[num]
        if n != name or t != typ or first * SECTOR != start:
            found.append("partition %d: %r %s at %#x, wanted %r %s at %#x"
                         % (num, n, t, first * SECTOR, name, typ, start))
        if size is not None and (last + 1 - first) * SECTOR != size:
            found.append("partition %d: %d bytes, wanted %d" % (num, (last + 1 - first) * SECTOR, size))
    bootable = [p[0] for p in parts if p[4] & LEGACY_BIOS_BOOTABLE]
    if bootable != [3]:
        found.append("legacy-BIOS-bootable partitions %s, wanted only 3" % bootable)
    return found


def check_placeholders(disk, parts):
    found = []
    for num, _, first, last, _, _ in parts:
        if num in (1, 2) and disk[first * SECTOR:(last + 1) * SECTOR].strip(b"\0"):
            found.append("placeholder partition %d is not empty" % num)
    return found


def check_files(image, offset, kernel, initrd):
    found = []
    for name, path in (("Image", kernel), ("initrd", initrd)):
        with open(path, "rb") as f:
            want = f.read()
        got = mtools("mtype", "::" + name, image=image, offset=offset)
        if got != want:
            found.append("/%s differs from %s (%d bytes, wanted %d)" % (name, path, len(got), len(want)))
    return found


def check_extlinux(image, offset, append):
    conf = mtools("mtype", "::extlinux/extlinux.conf", image=image, offset=offset).decode()
    lines = [ln.split(None, 1) for ln in conf.splitlines() if ln.strip() and not ln.startswith("#")]
    keys = {ln[0]: (ln[1] if len(ln) > 1 else "") for ln in lines}
    found = []
    for key, value in (("kernel", "/Image"), ("initrd", "/initrd")):
        if keys.get(key) != value:
            found.append("%s %r, wanted %r" % (key, keys.get(key), value))
    if append and keys.get("append") != append:
        found.append("append %r, wanted %r" % (keys.get("append"), append))
    if not append and "append" in keys:
        found.append("an append line for an empty command line (U-Boot rejects it)")
    for key in ("fdt", "fdtdir", "devicetree"):
        if key in keys:
            found.append("a %s line: U-Boot would not pass its own tree" % key)
    return found


def check_no_extlinux(image, offset):
    root = mtools("mdir", "-b", "::", image=image, offset=offset).decode()
    return ["an extlinux directory, so distro boot would not run boot.scr"] \
        if "extlinux" in root.lower() else []


def check_boot_scr(image, offset, append):
    scr = mtools("mtype", "::boot.scr", image=image, offset=offset)
    found = []
    magic, _hcrc, _time, size = struct.unpack_from(">IIII", scr, 0)
    arch, _os, typ = scr[29], scr[28], scr[30]
    if magic != UIMAGE_MAGIC or typ != IH_TYPE_SCRIPT or arch != IH_ARCH_RISCV:
        found.append("boot.scr: magic %#x type %d arch %d, wanted a RISC-V script uImage"
                     % (magic, typ, arch))
        return found
    body = scr[64 + 8:64 + size].decode(errors="replace")   # after the header and the length list
    for want in ('setenv bootargs "%s"' % append, "/Image", "/initrd",
                 "booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdtcontroladdr}"):
        if want not in body:
            found.append("boot.scr lacks %r" % want)
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("image")
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--append", default="")
    ap.add_argument("--no-extlinux", action="store_true", help="the image must have no extlinux.conf")
    args = ap.parse_args()
    with open(args.image, "rb") as f:
        disk = f.read()
    checks = Checks()
    tag = os.path.basename(args.image)
    try:
        parts = gpt_partitions(disk)
    except ValueError as e:
        checks.case(tag + ": GPT", [str(e)])
        parts = []
    if parts:
        checks.case(tag + ": GPT partitions, partition 3 alone bootable", check_partitions(parts))
        checks.case(tag + ": placeholders 1 and 2 empty", check_placeholders(disk, parts))
        boot = [p for p in parts if p[0] == 3]
        if boot:
            offset = boot[0][2] * SECTOR
            checks.case(tag + ": Image and initrd byte-exact", check_files(args.image, offset,
                                                                     args.kernel, args.initrd))
            if args.no_extlinux:
                checks.case(tag + ": no extlinux directory", check_no_extlinux(args.image, offset))
            else:
                checks.case(tag + ": extlinux.conf entry, no fdt line",
                            check_extlinux(args.image, offset, args.append))
            checks.case(tag + ": boot.scr script image", check_boot_scr(args.image, offset, args.append))
    print("%d passed, %d failed" % (checks.passed, checks.failed))
    sys.exit(1 if checks.failed else 0)


if __name__ == "__main__":
    main()
