#!/usr/bin/env python3
"""Write Sprig's SD-card image: a GPT disk whose FAT boot partition holds
the kernel, the initrd, extlinux/extlinux.conf and boot.scr.

Layout (512-byte sectors), the VisionFive 2's own: its vendor U-Boot reads
the boot files from partition 3 of the SD card (`sysboot mmc 1:3`), and in
SD boot mode its boot ROM takes the SPL from the partition typed as
"HiFive BBL/SPL".  Debian packages no VisionFive 2 SPL or U-Boot, so
partitions 1 and 2 are empty placeholders: the board boots from the
firmware in its SPI flash (docs/visionfive2.md).

    part  name   start    size    type
    1     spl    2 MiB    2 MiB   2E54B353-1271-4842-806F-E436D6AF6985 (SPL)
    2     uboot  4 MiB    4 MiB   5B193300-FC78-40CD-8002-E86C45580B47 (U-Boot)
    3     boot   8 MiB   32 MiB   EFI system partition, FAT, legacy-BIOS-bootable

Partition 3 carries the legacy-BIOS-bootable attribute (GPT bit 2): U-Boot's
distro boot scans only bootable partitions (or partition 1 when none is).
The extlinux entry has no fdt line, so U-Boot passes its own device tree;
boot.scr does the same for U-Boots that look for a script instead.

Built without root from Debian tools: sgdisk (gdisk), mkfs.vfat
(dosfstools), mmd/mcopy (mtools), mkimage (u-boot-tools).  GUIDs and the
FAT serial are fixed (only the FAT timestamps change between builds).

Usage: mksdimage.py OUT.img --kernel Image --initrd initrd.cpio [--append "words"]
                     [--no-extlinux]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import uuid

SECTOR = 512
MIB = 1 << 20
BOOT_START = 8 * MIB
BOOT_SIZE = 32 * MIB
# The backup GPT takes the last 33 sectors; leave a whole MiB.
DISK_SIZE = BOOT_START + BOOT_SIZE + MIB

# (number, name, start, size, type GUID or sgdisk code)
PARTITIONS = [
    (1, "spl", 2 * MIB, 2 * MIB, "2E54B353-1271-4842-806F-E436D6AF6985"),
    (2, "uboot", 4 * MIB, 4 * MIB, "5B193300-FC78-40CD-8002-E86C45580B47"),
    (3, "boot", BOOT_START, BOOT_SIZE, "EF00"),
]
BOOT_PART = 3
LEGACY_BIOS_BOOTABLE = 2      # GPT attribute bit
FAT_SERIAL = "5350524a"       # "SPRJ": any fixed value
FAT_LABEL = "SPRIG-BOOT"
GUID_NAMESPACE = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")   # RFC 4122 URL namespace


def fixed_guid(name):
    return str(uuid.uuid5(GUID_NAMESPACE, "sprig-sd-image:" + name)).upper()


def extlinux_conf(append):
    # U-Boot rejects the whole file for an `append` with nothing after it;
    # without the line, bootargs is whatever U-Boot's environment says.
    return (
        "# Sprig's boot entry, read by U-Boot's distro boot (sysboot) from the\n"
        "# boot partition.  No fdt line: U-Boot passes its own device tree.\n"
        "default sprig\n"
        "timeout 0\n"
        "\n"
        "label sprig\n"
        "    menu label Sprig\n"
        "    kernel /Image\n"
        "    initrd /initrd\n"
        + ("    append %s\n" % append if append.strip() else ""))


def boot_cmd(append):
    # distro boot sets devtype, devnum and distro_bootpart before running a
    # script; ${fdtcontroladdr} is U-Boot's own tree, as extlinux would pass.
    return (
        "# Sprig: for U-Boots that run boot.scr rather than extlinux.conf.\n"
        "setenv bootargs \"%s\"\n"
        "load ${devtype} ${devnum}:${distro_bootpart} ${kernel_addr_r} /Image\n"
        "load ${devtype} ${devnum}:${distro_bootpart} ${ramdisk_addr_r} /initrd\n"
        "booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdtcontroladdr}\n" % append)


def run(*cmd, env=None):
    # sgdisk and mkfs.vfat live in /usr/sbin, which a user's PATH may lack.
    prog = shutil.which(cmd[0]) or shutil.which(cmd[0], path="/usr/sbin:/sbin")
    if prog is None:
        sys.exit("mksdimage: %s not found (make deps installs it)" % cmd[0])
    subprocess.run((prog,) + cmd[1:], check=True, stdout=subprocess.DEVNULL, env=env)


def make_fat(path, files, dirs):
    """A FAT file system of BOOT_SIZE bytes at path holding files {dest: src}."""
    if os.path.exists(path):
        os.unlink(path)
    run("mkfs.vfat", "-C", "-n", FAT_LABEL, "-i", FAT_SERIAL, path, str(BOOT_SIZE // 1024))
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    for d in dirs:
        run("mmd", "-i", path, "::" + d, env=env)
    for dest, src in files.items():
        run("mcopy", "-i", path, "-o", src, "::" + dest, env=env)


def make_gpt(path):
    with open(path, "wb") as f:
        f.truncate(DISK_SIZE)
    cmd = ["sgdisk", "-U", fixed_guid("disk")]
    for num, name, start, size, typ in PARTITIONS:
        first, last = start // SECTOR, (start + size) // SECTOR - 1
        cmd += ["-n", "%d:%d:%d" % (num, first, last), "-t", "%d:%s" % (num, typ),
                "-c", "%d:%s" % (num, name), "-u", "%d:%s" % (num, fixed_guid(name))]
    cmd += ["-A", "%d:set:%d" % (BOOT_PART, LEGACY_BIOS_BOOTABLE), path]
    run(*cmd)


def copy_into(disk, offset, part_image):
    with open(part_image, "rb") as src, open(disk, "r+b") as dst:
        dst.seek(offset)
        while True:
            chunk = src.read(MIB)
            if not chunk:
                break
            dst.write(chunk)


def build(out, kernel, initrd, append, with_extlinux=True):
    work = tempfile.mkdtemp(prefix=os.path.basename(out) + ".", dir=os.path.dirname(out) or ".")
    try:
        conf = os.path.join(work, "extlinux.conf")
        cmd = os.path.join(work, "boot.cmd")
        scr = os.path.join(work, "boot.scr")
        with open(conf, "w") as f:
            f.write(extlinux_conf(append))
        with open(cmd, "w") as f:
            f.write(boot_cmd(append))
        run("mkimage", "-A", "riscv", "-O", "linux", "-T", "script", "-C", "none",
            "-n", "Sprig boot script", "-d", cmd, scr)
        fat = os.path.join(work, "boot.fat")
        files = {"Image": kernel, "initrd": initrd, "boot.scr": scr}
        if with_extlinux:
            files["extlinux/extlinux.conf"] = conf
        make_fat(fat, files, ["extlinux"] if with_extlinux else [])
        tmp = os.path.join(work, "disk.img")
        make_gpt(tmp)
        copy_into(tmp, BOOT_START, fat)
        os.replace(tmp, out)     # never leave a half-written image under the real name
    finally:
        for name in os.listdir(work):
            os.unlink(os.path.join(work, name))
        os.rmdir(work)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--kernel", required=True, help="the booti image (build/Image)")
    ap.add_argument("--initrd", required=True, help="the cpio archive")
    ap.add_argument("--append", default="", help="the kernel command line")
    ap.add_argument("--no-extlinux", action="store_true",
                    help="leave extlinux.conf out, so distro boot runs boot.scr (a test variant)")
    args = ap.parse_args()
    if any(c in args.append for c in "\"\n"):
        sys.exit("mksdimage: --append may not hold a double quote or a newline")
    build(args.out, args.kernel, args.initrd, args.append, not args.no_extlinux)


if __name__ == "__main__":
    main()
