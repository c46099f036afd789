#!/usr/bin/env python3
"""Host test of tools/kprofile.py (`make profile-check`, part of `make check`).

A small QEMU log written by hand, in QEMU 7.2's formats, over a made-up
symbol table; every expected count below is worked out in the comments
from the log, not taken from the profiler's output.
"""

import io
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
import kprofile  # noqa: E402

NM = """\
ffffffff80000000 T _start
ffffffff80000108 T foo
ffffffff80000110 t bar(int)
ffffffff80000200 W baz
ffffffff80001000 D some_data
"""


def insn(addr, enc, text):
    return f"0x{addr:016x}:  {enc:<8}          {text}\n"


def block(*insns):
    return "----------------\nIN: \nPriv: 1; Virt: 0\n" + "".join(insns) + "\n"


def trace(host, pc):
    return f"Trace 0: {host} [0000000000000000/{pc:016x}/00209001/ff020200] \n"


K = 0xFFFFFFFF80000000
# A: foo, foo, bar, then a call (jal ra): returns to K+0x118, in bar.
A = block(insn(K + 0x108, "00000513", "mv a0,zero"), insn(K + 0x10C, "00000593", "mv a1,zero"),
          insn(K + 0x110, "00000613", "mv a2,zero"),
          insn(K + 0x114, "0ec000ef", "jal ra,236   # 0xffffffff80000200"))
# B: baz, three instructions ending in ret.
B = block(insn(K + 0x200, "1141", "addi sp,sp,-16"), insn(K + 0x202, "0141", "addi sp,sp,16"),
          insn(K + 0x204, "8082", "ret"))
# C: bar, the code after A's call.
C = block(insn(K + 0x118, "0505", "addi a0,a0,1"), insn(K + 0x11A, "8082", "ret"))
# B2: baz retranslated (after a flush) into host code A had used.
B2 = block(insn(K + 0x200, "1141", "addi sp,sp,-16"), insn(K + 0x202, "8082", "ret"))
# E: four instructions of baz (no symbol between 0x200 and the data).
E = block(insn(K + 0x300, "00000513", "mv a0,zero"), insn(K + 0x304, "0007c783", "lbu a5,0(a5)"),
          insn(K + 0x308, "0007c783", "lbu a5,0(a5)"), insn(K + 0x30C, "00000593", "mv a1,zero"))
# E1: the device access alone, after QEMU rewound E.
E1 = block(insn(K + 0x308, "0007c783", "lbu a5,0(a5)"))
# R: baz calling itself (jalr ra), returning to K+0x20c.
R = block(insn(K + 0x208, "9782", "jalr ra,a5,0"))

LOG = "".join([
    A, trace("0x7f0000001000", K + 0x108),        # A once: stack [0x118]
    B, trace("0x7f0000002000", K + 0x200),        # B once, called from bar
    C, trace("0x7f0000003000", K + 0x118),        # ret to 0x118: stack []
    trace("0x7f0000001000", K + 0x108),           # A twice: stack [0x118]
    trace("0x7f0000002000", K + 0x200),
    "Stopped execution of TB chain before 0x7f0000002000 [ffffffff80000200] \n",  # did not run
    trace("0x7f0000002000", K + 0x200),           # B twice
    trace("0x7f0000003000", K + 0x118),           # C twice: stack []
    trace("0x7f0000001000", K + 0x108),           # A three times: stack [0x118]
    B2, trace("0x7f0000001000", K + 0x200),       # B2 once (in host code A had), from bar
    E, trace("0x7f0000004000", K + 0x300),        # 0x300 is not on the stack: emptied
    "cpu_io_recompile: rewound execution of TB to ffffffff80000300\n",
    E1, trace("0x7f0000005000", K + 0x308),       # E ran two instructions; E1 once
    trace("0x7f0000004000", K + 0x300),           # E again, cut at 0x304 by a fault:
    "riscv_cpu_do_interrupt: hart:0, async:0, cause:000000000000000d, "
    "epc:0xffffffff80000304, tval:0x0000000000000000, desc=load_page_fault\n",
    "riscv_cpu_do_interrupt: hart:0, async:1, cause:0000000000000005, "
    "epc:0xffffffff80000304, tval:0x0000000000000000, desc=supervisor_timer\n",
    A, trace("0x7f0000006000", K + 0x108),        # A retranslated, four times: stack [0x118]
    R, trace("0x7f0000007000", K + 0x208),        # R from bar: stack [0x118, 0x20c]
    trace("0x7f0000007000", K + 0x208),           # R from R: still bar's
    trace("0x7f0000009000", K + 0x400),           # never translated here
])

# By hand:
#   A   4 runs x (foo 2 + bar 2)             foo 8, bar 8
#   B   2 runs (one stopped) x 3             baz 6
#   C   2 runs x 2                           bar 4
#   B2  1 run x 2                            baz 2
#   E   2 + 1 instructions (cut twice)       baz 3
#   E1  1 run x 1                            baz 1
#   R   2 runs x 1                           baz 2
FUNCS = {"foo": 8, "bar": 12, "baz": 14}
# Callers: B and B2 ran from bar (the return address 0x118 on top of the
# shadow stack); A and C with an empty stack, E and E1 after B2's return
# to an address not on it emptied it; R from bar, the second time too
# (its own return address on top is skipped).
PAIRS = {("foo", "?"): 8, ("bar", "?"): 12, ("baz", "bar"): 10, ("baz", "?"): 4}


class LogReaderTest(unittest.TestCase):
    def setUp(self):
        self.reader = kprofile.LogReader(kprofile.Symbols(io.StringIO(NM)))
        self.reader.feed(io.StringIO(LOG))

    def test_totals(self):
        r = self.reader
        self.assertEqual(r.instructions(), 34)
        self.assertEqual(len(r.blocks), 8)
        self.assertEqual(r.stopped, 1)
        self.assertEqual(r.cut, 2)
        self.assertEqual(r.unbound, 1)
        self.assertEqual(r.interrupts, 1)

    def test_by_function(self):
        by_func, _ = kprofile.attribute(self.reader)
        self.assertEqual({f: n for f, n in by_func.items() if n}, FUNCS)

    def test_by_caller(self):
        _, by_pair = kprofile.attribute(self.reader)
        self.assertEqual({k: n for k, n in by_pair.items() if n}, PAIRS)


class SymbolsTest(unittest.TestCase):
    def test_lookup(self):
        s = kprofile.Symbols(io.StringIO(NM))
        self.assertEqual(s.name(K + 0x10F), "foo")
        self.assertEqual(s.name(K + 0x110), "bar")
        self.assertEqual(s.name(K + 0x5000), "baz")  # data symbols are not functions
        self.assertEqual(s.name(K - 1), "(before the first symbol)")

    def test_text_range(self):
        s = kprofile.Symbols(io.StringIO(NM))
        self.assertEqual(s.text_range("x..y"), "x..y")
        with_text = kprofile.Symbols(io.StringIO(
            "ffffffff80000000 T _stext\n" + NM + "ffffffff80000400 T _etext\n"))
        self.assertEqual(with_text.text_range("x..y"), "0xffffffff80000000..0xffffffff800003ff")

    def test_strip_params(self):
        self.assertEqual(kprofile.strip_params("ns::f(int, char*) const"), "ns::f")
        self.assertEqual(kprofile.strip_params("(anonymous namespace)::g(int)"),
                         "(anonymous namespace)::g")
        self.assertEqual(kprofile.strip_params("Foo::operator()(int)"), "Foo::operator()")
        self.assertEqual(kprofile.strip_params("List<Proc, &Proc::link>::push(Proc*)"),
                         "List<Proc, &Proc::link>::push")
        self.assertEqual(kprofile.strip_params("memset"), "memset")

    def test_short_name(self):
        self.assertEqual(kprofile.short_name(
            "PageIndex::walk<vm_object_copy(vm_object*, unsigned long)::"
            "{lambda(unsigned long, Address<PhysTag>)#1}>(unsigned long, "
            "vm_object_copy(vm_object*, unsigned long)::{lambda(unsigned long, "
            "Address<PhysTag>)#1}&&)"), "PageIndex::walk<lambda in vm_object_copy>")


class ReportTest(unittest.TestCase):
    def test_difference_per_iteration(self):
        # 4 iterations: f 1,000 -> 200 per iteration, g 200 -> 50, h the same in both.
        run_n = {"f": 1200, "g": 300, "h": 77}
        run_0 = {"f": 400, "g": 100, "h": 77}
        out = io.StringIO()
        kprofile.report(kprofile.subtract(run_n, run_0), None, 4, 1577, 577, 10, out)
        text = out.getvalue()
        self.assertIn("250 kernel instructions per iteration", text)
        self.assertRegex(text, r"\n\s+200\.0\s+80\.0\s+80\.0  f\n")
        self.assertRegex(text, r"\n\s+50\.0\s+20\.0\s+100\.0  g\n")
        self.assertNotIn("  h\n", text)
        self.assertNotIn("SELF-CHECK FAILED", text)

    def test_instret_check(self):
        out = io.StringIO()
        self.assertTrue(kprofile.check_against_instret(900.0, 1000, out))
        self.assertTrue(kprofile.check_against_instret(1001.0, 1000, out))  # within 0.1%
        self.assertFalse(kprofile.check_against_instret(1002.0, 1000, out))
        self.assertFalse(kprofile.check_against_instret(1100.0, 1000, out))
        self.assertIn("FAILED", out.getvalue())
        self.assertEqual(kprofile.INSTRET_RE.search("forkloop: 2 forks, instret/iter=1234").group(1),
                         "1234")
        self.assertEqual(kprofile.INSTRET_RE.search("instret/iter=       987\n").group(1), "987")

    def test_self_check(self):
        out = io.StringIO()
        kprofile.report({"f": 100}, None, 1, 150, 0, 10, out)
        self.assertIn("SELF-CHECK FAILED", out.getvalue())


if __name__ == "__main__":
    unittest.main(verbosity=1)
