"""The acceptance suite's QEMU boots: each program in user/tests/ runs as
init (init=/bin/<program>), and a boot passes only on its closing
'N passed, 0 failed' line, no 'FAIL - ' line, SPRIG EXIT status=0, no
panic and no timeout.  See docs/testing.md.

A boot listed in PENDING is left out of `make test-qemu` (it needs kernel
work not merged yet); `make test-suite` runs every suite boot, pending or
not.
"""
from harness import Case

# Boots not yet in make test-qemu, with what they wait for.
WAITING_FOR_USERSPACE = "the user runtime (userland), files and process calls (procsys)"
PENDING = {
    "suite-forktest": WAITING_FOR_USERSPACE,
    "suite-vforktest": WAITING_FOR_USERSPACE,
    "suite-rforktest": WAITING_FOR_USERSPACE,
    "suite-efaulttest": WAITING_FOR_USERSPACE,
    "suite-errnotest": WAITING_FOR_USERSPACE,
    "suite-limitstest": WAITING_FOR_USERSPACE,
    "suite-stresstest": WAITING_FOR_USERSPACE,
}

# (program, extra boot arguments, time limit in seconds)
PROGRAMS = [
    ("forktest", "", 300),
    ("vforktest", "", 120),
    ("rforktest", "", 120),
    ("efaulttest", "", 120),
    ("errnotest", "", 120),
    # A small process limit, so that the limits are reached in a few forks.
    ("limitstest", "kern.maxproc=40", 300),
    ("stresstest", "", 1500),
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
    return cases
