#!/usr/bin/env python3
"""make test-uboot: boot Sprig's SD-card images the way a board does,
through Debian's OpenSBI and S-mode U-Boot in QEMU virt, with U-Boot's own
distro boot (no typed commands) reading a virtio disk.

Cases:
  uboot-extlinux-acceptance  the test variant (extlinux appends
                             "selftest init=PROG"): both self-tests pass,
                             PROG's run must end in SPRIG EXIT status=0
  uboot-boot-scr             a variant without extlinux.conf, so distro
                             boot runs boot.scr (init=/usr/tests/selftest/argc: status 41)
  uboot-sd-image-prompt      the user's build/sprig-sd.img, up to the
                             prompt (the kernel monitor's until user space
                             has a shell: --prompt)

Every case checks that the device tree Sprig got is U-Boot's: Sprig's
banner prints the tree's address (`dtb:`), which must be the one U-Boot's
booti names ("Booting using the fdt blob at 0x...") and not the one
OpenSBI handed on ("Next Arg1", where QEMU's direct boot would leave it);
and QEMU is given no -initrd or -append, so the initrd and command line the
banner shows can only have come from /chosen as U-Boot wrote it.

Prints one line per case and a closing 'N passed, N failed' line; exits
non-zero when a case failed.  Console logs go to <build>/qemu-logs/.
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Case, run_cases  # noqa: E402

NO_FAILURES = [r"selftest: .* FAIL", r"procs: .* FAIL"]

# U-Boot found the boot partition by itself and booti put the image at
# RAM base + text_offset.
DISTRO_BOOT = [r"U-Boot 20\d\d\.\d\d", r"Scanning virtio 0:3\.\.\.",
               r"Moving Image from 0x[0-9a-f]+ to 0x80200000",
               r"Sprig \S+ \(RISC-V, Sv39\) on hart 0, loaded at 0x0*80200000"]
EXTLINUX = [r"Found /extlinux/extlinux\.conf", r"Retrieving file: /Image"]
SCRIPT = [r"Found U-Boot script /boot\.scr", r"## Executing script at"]
# The tree Sprig reports is the one booti passed...
UBOOT_TREE = r"(?s)Booting using the fdt blob at 0x([0-9a-f]+)\r?\n.*\ndtb:\s+0x0*\1-"
# ...with /chosen as U-Boot filled it: QEMU itself was given no initrd.
CHOSEN_BY_UBOOT = r"\ninitrd:\s+0x[0-9a-f]+-0x[0-9a-f]+"
# ...and not the one OpenSBI passed on to U-Boot.
OPENSBI_TREE = r"(?s)Next Arg1\s+: 0x0*([0-9a-f]+)\r?\n.*\ndtb:\s+0x0*\1-"


def uboot_checks(cmdline):
    return DISTRO_BOOT + [UBOOT_TREE, CHOSEN_BY_UBOOT,
                          r'cmdline:\s+"%s"' % re.escape(cmdline)]


def cases(args):
    def boot(image):
        return ["qemu-system-riscv64", "-M", "virt", "-m", "256M", "-smp", "1",
                "-bios", args.opensbi, "-kernel", args.uboot,
                "-drive", "file=%s,if=none,format=raw,id=hd0" % image,
                "-device", "virtio-blk-device,drive=hd0",
                "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot"]
    forbid = NO_FAILURES + [OPENSBI_TREE]
    init = args.test_init
    return [
        Case("uboot-extlinux-acceptance", boot(args.test_image),
             expect=uboot_checks("selftest init=" + init) + EXTLINUX
             + [r"selftest: \d+ passed, 0 failed", r"procs: [1-9]\d* passed, 0 failed",
                r"init: running %s\r?\n" % re.escape(init)],
             expect_exit=0, forbid=forbid),
        Case("uboot-boot-scr", boot(args.script_image),
             expect=uboot_checks("init=/usr/tests/selftest/argc") + SCRIPT,
             expect_exit=41, forbid=forbid + [r"Found /extlinux"]),
        Case("uboot-sd-image-prompt", boot(args.image),
             expect=uboot_checks(args.image_append) + EXTLINUX + [args.prompt],
             stop_at=args.prompt, expect_exit=None, forbid=forbid),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--opensbi", required=True)
    ap.add_argument("--uboot", required=True, help="Debian's qemu-riscv64_smode/u-boot.bin")
    ap.add_argument("--image", required=True, help="the user's SD image")
    ap.add_argument("--image-append", default="", help="the command line the user's image has")
    ap.add_argument("--prompt", required=True, help="regex: the prompt the user's image reaches")
    ap.add_argument("--test-image", required=True, help="the variant appending selftest init=TEST_INIT")
    ap.add_argument("--test-init", required=True)
    ap.add_argument("--script-image", required=True, help="the variant with boot.scr only")
    ap.add_argument("--only", help="regex: run only matching cases")
    args = ap.parse_args()
    failed = run_cases(cases(args), os.path.join(args.build, "qemu-logs"), args.only)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
