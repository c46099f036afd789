#!/usr/bin/env python3
"""Host test of scripts/genassym.sh (`make genassym-check`, part of `make check`).

The script turns the markers arch/riscv/genassym.cpp leaves in its
assembly into assym.h.  What matters is that it never writes a header
short of a constant: every malformed, repeated or missing marker must
stop the build.  The inputs are written here in the form GCC prints
(`.ascii "\\n@ASSYM@ NAME value\\n"`, values in signed decimal).
"""

import os
import subprocess
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "genassym.sh")


def marker(name, value):
    return '\t.ascii "\\n@ASSYM@ %s %s\\n"\n' % (name, value)


def run(text):
    with tempfile.NamedTemporaryFile("w", suffix=".s", delete=False) as f:
        f.write("\t.text\ngenassym:\n" + text + "\tret\n")
        path = f.name
    try:
        p = subprocess.run(["sh", SCRIPT, path], capture_output=True, text=True)
        return p.returncode, p.stdout, p.stderr
    finally:
        os.unlink(path)


def defines(out):
    return [l for l in out.splitlines() if l.startswith("#define")]


class GenassymTest(unittest.TestCase):
    def test_each_marker_becomes_a_define(self):
        rc, out, _ = run(marker("TF_SIZE", 288) + marker("TF_X", 0))
        self.assertEqual(rc, 0)
        self.assertEqual(defines(out), ["#define TF_SIZE 288", "#define TF_X 0"])
        self.assertIn("#pragma once", out)

    def test_top_bit_values_are_written_unsigned(self):
        # 0xffffffff80000000 and 1 << 63, as GCC prints them.
        rc, out, _ = run(marker("KERNBASE", -2147483648) + marker("SATP", -9223372036854775808))
        self.assertEqual(rc, 0)
        self.assertEqual(defines(out), ["#define KERNBASE 0xffffffff80000000",
                                        "#define SATP 0x8000000000000000"])

    def test_a_malformed_marker_fails(self):
        # An operand printed in a form the script does not know (say a
        # symbol, or a parenthesised value) must not be dropped silently.
        for bad in [marker("TF_SEPC", "(256)"), marker("TF_SEPC", "sym"), marker("tf_lower", 1)]:
            rc, out, err = run(marker("TF_SIZE", 288) + bad)
            self.assertEqual(rc, 1, bad)
            self.assertIn("well-formed", err)
            self.assertEqual(out, "")

    def test_a_repeated_name_fails(self):
        rc, _, err = run(marker("TF_SIZE", 288) + marker("TF_SIZE", 296))
        self.assertEqual(rc, 1)
        self.assertIn("repeated: TF_SIZE", err)

    def test_no_markers_fails(self):
        rc, _, err = run("")
        self.assertEqual(rc, 1)
        self.assertIn("0 markers", err)


if __name__ == "__main__":
    unittest.main()
