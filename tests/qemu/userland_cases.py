"""The user runtime's and the initrd programs' QEMU boots (docs/userland.md):
/bin/rttest as init; the default boot (/bin/init and its shell on the
console terminal: ^C kills the foreground job but not the shell, init
starts the shell again after `exit 3`, `kill -USR2 1` powers off); and
/bin/sh as init driven through the serial port
(a pipeline, the sample program built by the documented command line,
the three fork demos, an exit status, commands separated by ";" and a
line with a syntax error that runs none of them, the help builtin,
sysctl, kill, a background sleep and the wait builtin, ps),
its `exit 7` ending the run with SPRIG EXIT status=7.
"""
from harness import Case

# The shell's prompt (root's) at the start of a line.
PROMPT = r"(^|\n)# $"


def edit_typed():
    """The shell's line editor and tools, typed as keys: the up arrow
    recalls a line, backspace, ^A and the right arrow edit it; uname,
    dmesg, time and ps's options."""
    up, right = "\x1b[A", "\x1b[C"
    return [
        (r"\nabc\r?\n# ", up + "\x7fd\r"),
        (r"\nabd\r?\n# ", up + up + "\x01" + right * 5 + "X\r"),
        (r"\nXabc\r?\n# ", "history\r"),
        (r"\d+  echo abd\r?\n\s+\d+  echo Xabc\r?\n\s+\d+  history\r?\n# ", "uname -a\r"),
        (r"\nSprig \S+ Sprig \S+ \(RISC-V, Sv39\) riscv\r?\n# ", "uname -x\r"),
        (r"usage: uname \[-amrsv\](.|\n)*# ", "dmesg | cat\r"),
        # the kernel's first line and init's, from the message buffer
        (r"dmesg \| cat\r?\n\s*Sprig \S+ \(RISC-V, Sv39\) on hart(.|\n)*"
         r"\ninit: running /bin/init\r?\n(.|\n)*# ", "time forkdemo\r"),
        # wait4's rusage: the child's (and its own child's) faults
        (r"forkdemo: copy-on-write kept(.|\n)*\d+\.\d\d real\s+\d+\.\d\d user\s+\d+\.\d\d sys\r?\n"
         r"\s+[1-9]\d*  page reclaims(.|\n)*# ", "ps -l\r"),
        (r"\n\s+\d+(\s+\d+){5} R\s+-\s+\d+:\d\d\.\d\d ps\r?\n(.|\n)*# ", "ps -o pid,time,comm -q\r"),
        # A shell killed while it edits a line leaves the terminal raw, and
        # init keeps it open: the next shell must give its commands a
        # canonical, echoing terminal again (the kernel echoes the line,
        # then cat prints it: twice).
        (r"usage: ps \[-alx\](.|\n)*# ", "sh -c \"sleep 1; kill -9 $$\" &\r"),
        (r"init: starting /bin/sh again\r?\n# ", "cat\r"),
        (r"cat\r?\n", "line one\r"),
        (r"line one\r?\nline one\r?\n", "\x04"),
        (r"# $", "kill -USR2 1\r"),
    ]


def userland_cases(virt, image, no_failures):
    """Boots on QEMU virt (256 MiB)."""
    rttest = Case(
        "user-rttest",
        virt + ["-m", "256M", "-kernel", image, "-append", "init=/bin/rttest"],
        expect=[r"rttest: errno: FreeBSD's values translated\s+ok",
                r"rttest: vfork: a leaf, the parent's frame intact\s+ok",
                r"rttest: clock_gettime, gettimeofday, time\s+ok",
                r"rttest: sigaltstack: the handler on its own stack\s+ok",
                r"(^|\n)[1-9]\d* passed, 0 failed\r?\n"],
        forbid=[r"FAIL: .*"] + list(no_failures), expect_exit=0, timeout=120)
    # Each line is typed once the output of the one before has appeared.
    typed = [
        (PROMPT, "echo piped through | cat\r"),
        # /bin/hello is built by docs/userland.md's own command line.
        (r"\npiped through\r?\n", "hello from the doc\r"),
        (r"\nhello from pid \d+: hello from the doc\r?\n", "forkdemo\r"),
        (r"forkdemo: copy-on-write kept the two address spaces apart", "vforkdemo\r"),
        (r"vforkdemo: the parent waited, shared, and kept its memory", "rforkdemo\r"),
        (r"rforkdemo: 0 unexpected", "false\r"),
        (r"false: exit 1", "echo one; false;echo two\r"),
        (r"\none\r?\nfalse: exit 1\r?\ntwo\r?\n", "echo never; fi\r"),
        (r"sh: syntax error: unexpected 'fi'", "help\r"),
        (r"Programs in /bin to try:(.|\n)*\n  rforkdemo ", "sysctl kern.maxproc\r"),
        (r"kern\.maxproc: [1-9]\d*", "kill -s NOSUCH 1\r"),
        (r"kill: NOSUCH: unknown signal(.|\n)*\n# ", "sleep 0.3 &\r"),
        (r"\[1\] \d+\r?\n", "wait\r"),
        (r"\[1\] Done\s+sleep 0.3\r?\n# ", "ps\r"),
        (r"\n\s+\d+\s+1\s+\d+\s+\d+\s+0 R\s+-\s+ps\r?\n", "exit seven\r"),
        (r"sh: exit: illegal number: seven", "exit 7\r"),
    ]
    shell = Case(
        "user-sh-as-init",
        virt + ["-m", "256M", "-kernel", image, "-append", "init=/bin/sh"],
        send=typed,
        expect=[r"  ok: shared_counter is 40 in the parent: one memory",
                r"  parent: value = 42: the child's write is mine",
                # ps: sh is pid 1, its parent the kernel's proc0; asleep in
                # wait, or still runnable when its fork's return to user
                # mode gave the CPU to ps first (its slice was used up)
                r"\n\s+1\s+0\s+1\s+\d+\s+0 (S\S*\s+wait|R\s+-)\s+sh\r?\n"],
        forbid=[r"UNEXPECTED", r"FAIL", r"\nnever\r?\n"] + list(no_failures), expect_exit=7, timeout=180)
    session_typed = [
        (PROMPT, "cat\r"),
        # cat echoes a line back once it is reading in the foreground;
        # then ^C is for it.
        (r"^cat\r?\n", "through cat\r"),
        (r"through cat\r?\nthrough cat\r?\n", "\x03"),
        (r"cat: killed by SIGINT\r?\n# ", "\x03"),
        # ^C at the prompt: the line is dropped, the shell reads on.
        (r"\^C\r?\n# $", "exit 3\r"),
        (r"init: starting /bin/sh again\r?\n# ", "ps\r"),
        (r"\n\s+\d+\s+\d+\s+\d+\s+\d+\s+0 R\s+-\s+ps\r?\n", "/usr/tests/ttywriters\r"),
        # Four processes printing 300 lines each at once: every line whole.
        (r"ttywriters: 4 writers of 300 lines, 0 failed\r?\n# ", "sysctl kern.lastpid=5\r"),
        (r"sysctl: oid 'kern.lastpid' is read only(.|\n)*\n# ", "efaulttest nosuchcase\r"),
        (r"efaulttest: exit 1\r?\n# ", "limitstest\r"),
        (r"limitstest: exit 1\r?\n# ", "efaulttest ioctl\r"),
        (r"efaulttest: \d+ cases(.|\n)*\n1 passed, 0 failed\r?\n# ", "sh /usr/tests/script.sh a b\r"),
        # A script run by sh and through execve's #!, then sh -c.
        (r"script: status 3\r?\nsh: exit 5\r?\n# ", "/usr/tests/script.sh c\r"),
        (r"script: status 3\r?\n/usr/tests/script.sh: exit 5\r?\n# ",
         "sh -c 'echo in-c $0 $1; exit 2' name one; echo status=$?\r"),
        (r"\nstatus=2\r?\n# ", "cat < /etc/suite/not-elf | cat\r"),
        # Redirections: in from the initrd, 2>&1 into a pipe, out and
        # append refused on the read-only initrd (/tmp is tmpfs_cases.py's).
        (r"\nThis file is not an ELF executable(.|\n)*\n# ", "sh -c 'echo to-stderr >&2' 2>&1 | cat\r"),
        (r"\nto-stderr\r?\n# ", "echo x > /bin/x; echo y >> /bin/x\r"),
        (r"/bin/x: Read-only file system(.|\n)*/bin/x: Read-only file system(.|\n)*\n# ",
         "A=1; export B=2; A=3 C=4 sh -c 'echo A=$A B=$B C=$C'; echo A=$A pid=$$\r"),
        (r"\nA=1 pid=\d+\r?\n# ", "for i in 1 2 3; do forkdemo | cat > /bin/no 2>&1 || echo f$i; done\r"),
        (r"\nf3\r?\n# ", "if false; then echo no; elif true && ! false; then echo elif; fi\r"),
        (r"\nelif\r?\n# ", "while true\r"),
        (r"> $", "do exit 9; done\r"),
        ]
    session_typed2 = [
        # The shell that exits 9 from the loop is gone: init starts another.
        (r"init: starting /bin/sh again\r?\n# ", "sleep 30\r"),
        (r"sleep 30\r?\n", "\x1a", 1),  # ^Z: the foreground job stops
        (r"\[1\] Stopped\s+sleep 30\r?\n# ", "ps\r"),
        (r"\n\s+\d+(\s+\d+){3}\s+0 T\s+stopped\s+sleep\r?\n(.|\n)*# ", "bg\r"),
        (r"\[1\] sleep 30 &\r?\n# ", "jobs\r"),
        (r"\[1\] Running\s+sleep 30\r?\n# ", "fg\r"),
        (r"\nsleep 30\r?\n", "\x03", 1),
        (r"fg: killed by SIGINT\r?\n# ", "sh &\r"),
        # A shell in the background reading the terminal stops (SIGTTIN).
        # (its stop may be reported already, before the prompt)
        (r"\[1\] \d+\r?\n(\[1\] Stopped\s+sh\r?\n)?# ", "sleep 1; jobs\r"),
        (r"\[1\] Stopped\s+sh\r?\n# ", "fg\r"),
        (r"\nsh\r?\n# ", "exit 4\r"),
        (r"fg: exit 4\r?\n# ", "sleep 0.2 & " * 20 + "wait\r"),
        (r"\[20\] Done\s+sleep 0.2", "echo abc\r"),
    ]
    session_typed += session_typed2 + edit_typed()
    del session_typed2
    session = Case(
        "user-init-session",
        virt + ["-m", "256M", "-kernel", image],
        send=session_typed,
        expect=[r"init: running /bin/init\r?\n",
                r"cat: killed by SIGINT",
                r"init: the shell exited with status 3\r?\n",
                # ps: init leads session 1; the new shell is its child, in
                # the session, in a group of its own (asleep in wait, or
                # runnable if its fork's return gave the CPU to ps first)
                r"\n\s+1\s+0\s+1\s+1\s+0 Ss\s+wait\s+init\r?\n",
                r"\n\s+(\d+)\s+1\s+\1\s+1\s+0 (S\s+wait|R\s+-)\s+sh\r?\n",
                r"init: powering off\r?\n",
                r"^(w\d line \d{3} [A-Za-z]{52}\r?\n){1200}",
                r"FAIL - no case matches 'nosuchcase'\r?\n0 passed, 1 failed",
                r"limitstest: needs kern.maxproc=40 on the kernel command line",
                r"script: \$0=/usr/tests/script.sh \$#=2 \$1=a \$2=b\r?\nscript: fork 1\r?\n"
                r"script: fork 2\r?\nscript: fork 3\r?\nscript: n=0\r?\nscript: status 3",
                r"script: \$0=/usr/tests/script.sh \$#=1 \$1=c \$2=\r?\n",
                r"\nin-c name one\r?\n",
                r"\nA=3 B=2 C=4\r?\n",
                r"init: the shell exited with status 9",
                r"init: the shell was killed by SIGKILL\r?\ninit: starting /bin/sh again\r?\n# cat\r?\n"
                r"line one\r?\nline one\r?\n"],
        # (edit_typed's shell is killed by SIGKILL on purpose)
        forbid=[r"killed by SIGINT\r?\ninit:", r"the shell was killed by SIG(?!KILL)",
                # a writer's line broken by another's output
                r"^(?!w\d line \d{3} [A-Za-z]{52}\r?$).*\bline \d{3}\b.*$",
                r"init: no controlling terminal", r"init: setsid"] + list(no_failures),
        expect_exit=0, timeout=180)
    # The fork bomb from the shell, as a new user would try it: three runs
    # (root twice, then uid 1000), each ended by one ^C after three
    # seconds; the shell must come back each time with nothing left over.
    bomb_typed = [(PROMPT, "forkbomb\r")]
    for then in ["forkbomb\r", "forkbomb -u 1000\r", "sleep 2; ps\r"]:
        bomb_typed += [(r"forks for ever; \^C ends every copy", "\x03", 3),
                       (r"forkbomb: killed by SIGINT\r?\n# ", then)]
    bomb_typed += [(r"\n\s+\d+\s+\d+\s+\d+\s+\d+\s+0 R\s+-\s+ps\r?\n", "echo alive\r"),
                   (r"\nalive\r?\n", "kill -USR2 1\r")]
    bomb = Case(
        "user-forkbomb-ctrl-c",
        virt + ["-m", "256M", "-kernel", image],
        send=bomb_typed,
        expect=[r"(forkbomb: killed by SIGINT(.|\n)*){3}", r"\nalive\r?\n", r"init: powering off\r?\n"],
        # ps after the last run: no copy of the bomb is left
        forbid=[r"\n\s+\d+(\s+\d+){4} \S+\s+\S+\s+forkbomb\r?\n",
                r"the shell was killed"] + list(no_failures),
        expect_exit=0, timeout=240)
    return [rttest, session, shell, bomb]
