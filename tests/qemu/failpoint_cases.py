"""The fail sites from the command line and the shell (docs/failpoints.md):
the boot switch arms a site and reports a malformed word; the shell's
sysctl reads and sets debug.fail nodes (name=value); a kernel-stack
failure injected that way makes the shell's next fork fail, once.
"""
from harness import Case

PROMPT = r"(^|\n)# $"


def failpoint_cases(virt, image, no_failures):
    """Boots on QEMU virt (256 MiB)."""
    typed = [
        (PROMPT, "sysctl debug.fail.commit.nth debug.fail.commit.seed\r"),
        (r"debug\.fail\.commit\.seed: 5\r?\n", "sysctl debug.fail.kstack.nth=1\r"),
        (r"debug\.fail\.kstack\.nth: 0 -> 1\r?\n", "true\r"),
        (PROMPT, "sysctl debug.fail.kstack.injected debug.fail.kstack.nth\r"),
        (r"debug\.fail\.kstack\.nth: 0\r?\n", "exit 0\r"),
    ]
    return [Case(
        "virt-fail-switch",
        virt + ["-m", "256M", "-kernel", image, "-append",
                "init=/bin/sh fail.commit=nth:1000000,seed:5 fail.page=often"],
        send=typed,
        expect=[r"fail: fail\.commit=nth:1000000,seed:5 armed",
                r"fail: ignoring fail\.page=often",
                r"debug\.fail\.commit\.nth: 1000000\r?\n",
                r"debug\.fail\.kstack\.injected: 1\r?\n"],
        forbid=list(no_failures), expect_exit=0, timeout=120)]
