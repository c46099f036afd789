"""ktrace(1) and kdump(1) (docs/tracing.md): /bin/ktracetest as init is
suite_cases.py's; here /bin/sh as init traces forkdemo through sh -c with
inheritance and prints the trace: the fork's CALL, the child's RET fork 0
and the parent's RET fork with the child's pid; then -H's thread column,
the default file (/tmp/ktrace.out, said so, since "." is the read-only
initrd), a trace through a pipe into `kdump -f -`, kdump's message for a
file that is not a trace, and truss
(the records through a pipe as they happen; -f follows children)."""
from harness import Case

PROMPT = r"(^|\n)# $"


def kdump_cases(virt, image, no_failures):
    """A boot on QEMU virt (256 MiB)."""
    typed = [
        (PROMPT, "ktrace -i -f /tmp/ktrace.out sh -c forkdemo\r"),
        (r"forkdemo: copy-on-write kept(.|\n)*\n# ", "kdump -f /tmp/ktrace.out\r"),
        (r"CALL  exit\(0\)(.|\n)*\n# ", "ktrace -t c -f /tmp/k2 echo hi\r"),
        (r"\nhi\r?\n# ", "kdump -H -f /tmp/k2\r"),
        (r"CALL  exit\(0\)\r?\n# ", "ktrace -t c echo x\r"),
        (r"\nx\r?\n# ", "kdump\r"),
        # The records through a pipe into kdump -f -, echo's output aside
        (r"CALL  exit\(0\)\r?\n# ",
         "ktrace -t c -f /dev/fd/3 echo piped 3>&1 1>&2 | kdump -f -\r"),
        (r"CALL  exit\(0\)\r?\n# ", "kdump -f /bin/sh\r"),
        (r"kdump: /bin/sh: (.|\n)*# ", "truss echo t\r"),
        # truss -f follows forkdemo's child: its first record, as it comes
        (r"CALL  exit\(0\)\r?\n# ", "truss -f sh -c forkdemo\r"),
        (r"\n\s*\d+ forkdemo RET   fork 0\r?\n(.|\n)*\n# ", "exit 5\r"),
    ]
    shell = Case(
        "user-sh-ktrace",
        virt + ["-m", "256M", "-kernel", image, "-append", "init=/bin/sh"],
        send=typed,
        expect=[
            # the fork's call, and the parent's return naming the child
            r"\n\s*(\d+) forkdemo CALL  fork\r?\n(?:.*\n)*?\s*\1 forkdemo RET   fork [1-9]\d*(?:/0x[0-9a-f]+)?\r?\n",
            # the child's first record: the fork's return with 0
            r"\n\s*\d+ forkdemo RET   fork 0\r?\n",
            # sh -c's own child, before its exec of forkdemo
            r"\n\s*\d+ sh\s+RET   fork 0\r?\n",
            # sh's child becomes forkdemo at its exec, which looks the path up
            r"\n\s*(\d+) sh\s+CALL  execve\(0x[0-9a-f]+,0x[0-9a-f]+,0x[0-9a-f]+\)\r?\n"
            r"\s*\1 sh\s+NAMI  \"/bin/forkdemo\"\r?\n"
            r"\s*\1 forkdemo RET   execve JUSTRETURN\r?\n",
            r"\n\s*\d+ forkdemo GIO   fd 1 wrote \d+ bytes\r?\n\s+\"forkdemo: ",
            # -H: pid, thread id, command
            r"\n\s*\d+\s+\d+ echo\s+CALL  write\(0x1,0x[0-9a-f]+,0x[1-3]\)\r?\n",
            r"ktrace: cannot write ktrace.out here \(Read-only file system\); "
            r"tracing into /tmp/ktrace.out",
            r"\n\s*\d+ echo\s+RET   write [12]\r?\n",
            r"\n\s*\d+ echo\s+CALL  write\(0x1,0x[0-9a-f]+,0x6\)\r?\n\s*\d+ echo\s+RET   write 6\r?\n",
            r"kdump: /bin/sh: record 1 at offset 0: ",
            # truss: the same records through a pipe, as they happen
            r"\n\s*(\d+) truss\s+CALL  execve\([^)]*\)\r?\n\s*\1 truss\s+NAMI  \"/bin/echo\"\r?\n"
            r"\s*\1 echo\s+RET   execve JUSTRETURN\r?\n",
        ],
        forbid=[r"FAIL"] + list(no_failures), expect_exit=5, timeout=180)
    return [shell]
