"""The acceptance suite's QEMU boots: each program in user/tests/ runs as
init (init=/bin/<program>), and a boot passes only on its closing
'N passed, 0 failed' line, no 'FAIL - ' line, SPRIG EXIT status=0, no
panic and no timeout.  See docs/testing.md.
"""
from harness import Case

# (program, extra boot arguments, time limit in seconds).  Measured on
# QEMU virt (TCG, a loaded two-core host): forktest 14 s, vforktest 6 s,
# rforktest, efaulttest, errnotest and exectest 2 s each, limitstest 19 s,
# stresstest 17 s; the limits leave room for a slower machine.
PROGRAMS = [
    ("forktest", "", 150),
    ("vforktest", "", 60),
    ("rforktest", "", 60),
    ("efaulttest", "", 60),
    ("errnotest", "", 60),
    ("exectest", "", 60),
    ("kqueuetest", "", 60),
    ("ktracetest", "", 120),
    # A small process limit, so that the limits are reached in a few forks.
    ("limitstest", "kern.maxproc=40", 200),
    ("stresstest", "", 300),
    ("bombtest", "", 520),
    # 20 s of mixed load (soaktest's default; `make soak` runs longer).
    ("soaktest", "", 240),
    # Every allocation of fifteen operations failed in turn through the
    # debug.fail sysctls (docs/failpoints.md): about 130 s, most of it
    # fork1's half-second pause after each failed fork.
    ("failtest", "", 360),
]


def suite_cases(virt, image, no_failures):
    """One Case per suite program, booted on QEMU virt (256 MiB)."""
    cases = []
    for prog, extra, timeout in PROGRAMS:
        append = ("init=/bin/%s %s" % (prog, extra)).strip()
        cases.append(Case(
            "suite-" + prog,
            virt + ["-m", "256M", "-kernel", image, "-append", append],
            expect=[r"^%s: [1-9]\d* cases\r?$" % prog, r"^[1-9]\d* passed, 0 failed\r?$"],
            forbid=[r"^FAIL - .*"] + list(no_failures),
            expect_exit=0, timeout=timeout))
    cases.append(sysfuzz_case(virt, image, no_failures))
    return cases


def sysfuzz_case(virt, image, no_failures):
    """/bin/sysfuzz as init with its built-in bounded slice (seed 1, 2000
    calls in batches of 250, see user/bin/sysfuzz/main.cpp): every batch
    must end with the invariants holding and the pages and processes back.
    make fuzz runs it long."""
    return Case(
        "suite-sysfuzz",
        virt + ["-m", "256M", "-kernel", image, "-append", "init=/bin/sysfuzz"],
        expect=[r"^sysfuzz: seed \d+, \d+ calls", r"^[1-9]\d* passed, 0 failed\r?$"],
        forbid=[r"^FAIL - .*", r"INVARIANT: "] + list(no_failures),
        expect_exit=0, timeout=120)
