"""tmpfs at /tmp (docs/files.md): /usr/tests/tmpfstest as init (every case
of the guest test, hostile ones included), and /bin/sh as init writing
into /tmp by redirection, reading it back, and listing it with ls -l."""
from harness import Case

PROMPT = r"(^|\n)# $"


def tmpfs_cases(virt, image, no_failures):
    """Boots on QEMU virt (256 MiB)."""
    guest = Case(
        "user-tmpfstest",
        virt + ["-m", "256M", "-kernel", image, "-append", "init=/usr/tests/tmpfstest"],
        expect=[r"tmpfstest: filled to ENOSPC, all freed by unlink\s+ok",
                r"tmpfstest: unlink while a child holds the file open\s+ok",
                r"(^|\n)12 passed, 0 failed\r?\n"],
        forbid=[r"FAIL"] + list(no_failures), expect_exit=0, timeout=240)
    typed = [
        (PROMPT, "echo hi > /tmp/x; cat /tmp/x\r"),
        (r"\nhi\r?\n# ", "echo there >> /tmp/x; cat /tmp/x\r"),
        (r"\nhi\r?\nthere\r?\n# ", "ls -l /tmp\r"),
        (r"\n-rw-r--r--\s+1 0\s+0\s+9 x\r?\n# ", "ls /\r"),
        (r"\ntmp\r?\n(.|\n)*# ", "echo no > /bin/new\r"),
        (r"Read-only file system(.|\n)*# ", "ls -l /bin/sh /nonexistent\r"),
        (r"ls: /nonexistent: No such file or directory(.|\n)*# ", "exit 4\r"),
    ]
    shell = Case(
        "user-sh-tmpfs",
        virt + ["-m", "256M", "-kernel", image, "-append", "init=/bin/sh"],
        send=typed,
        expect=[r"\n-r\S+\s+1 0\s+0\s+\d+ /bin/sh\r?\n"],
        forbid=[r"FAIL"] + list(no_failures), expect_exit=4, timeout=120)
    return [guest, shell]
