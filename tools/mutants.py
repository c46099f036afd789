#!/usr/bin/env python3
"""Mutation testing of the fork path: does the host suite notice a broken branch?

Each mutant below breaks one branch of the seed's port on purpose (one
textual change in one file).  For each, the host tests are rebuilt and run
(the whole suite, stopping at its first failure); a mutant the suite does
not notice "survived", which means some behaviour of the seed has no test.
The files are restored after every mutant, whatever happens.

    make mutants                 # all of them (about a minute each)
    make mutants MUTANTS=pid     # those whose id contains "pid"

A mutant whose text is no longer in its file is reported "stale" (the code
moved on: update the mutant), one that does not compile "invalid" (a
mutant must build to say anything).  The exit status is 1 unless every
mutant was killed.
"""
import argparse
import os
import subprocess
import sys
import time

# (id, file, the text, its mutation, what the seed says)
MUTANTS = [
    # kern_fork.cpp: fork1 and its helpers
    ("fork-fdg-cfdg", "kernel/proc/kern_fork.cpp",
     "if ((flags & (RFFDG | RFCFDG)) == (RFFDG | RFCFDG)) return Errno::Inval;", "",
     "RFFDG|RFCFDG is EINVAL"),
    ("fork-ppwait-nowait", "kernel/proc/kern_fork.cpp",
     "if ((flags & (RFPPWAIT | RFNOWAIT)) == (RFPPWAIT | RFNOWAIT)) return Errno::Inval;", "",
     "RFPPWAIT|RFNOWAIT is EINVAL (Sprig's rule)"),
    ("fork-default-kstack", "kernel/proc/kern_fork.cpp",
     "static_cast<unsigned>(fr.fr_pages) : KSTACK_PAGES;", "static_cast<unsigned>(fr.fr_pages) : 1;",
     "pages == 0 means the default kernel stack"),
    ("fork-pages-range", "kernel/proc/kern_fork.cpp",
     "if (fr.fr_pages < 0 || pages > KSTACK_MAX_PAGES) return Errno::Inval;", "",
     "a stack size out of range is EINVAL"),
    ("fork-sigacts-copy", "kernel/proc/sigacts.cpp",
     "sigacts* ps = new (mem) sigacts(*src);", "sigacts* ps = new (mem) sigacts();\n    (void)src;",
     "without RFSIGSHARE the child gets a copy of the actions"),
    ("fork-sigshare", "kernel/proc/kern_fork.cpp",
     "p2->p_sigacts = (flags & RFSIGSHARE)", "p2->p_sigacts = (flags & 0)",
     "RFSIGSHARE shares the actions"),
    ("fork-linuxthpn", "kernel/proc/kern_fork.cpp",
     "(flags & RFLINUXTHPN) ? SIGUSR1 : SIGCHLD;", "SIGCHLD;",
     "RFLINUXTHPN: the exit signal is SIGUSR1"),
    ("fork-textvp-ref", "kernel/proc/kern_fork.cpp",
     "if (p2->p_textvp) vref(p2->p_textvp);", "", "the text vnode is referenced"),
    ("fork-thread-leader-exiting", "kernel/proc/kern_fork.cpp",
     "if (p1->p_leader->p_flag & pflag::P_WEXIT) psignal(p2, SIGKILL);", "",
     "a peer of an exiting leader is killed"),
    ("fork-thread-peers", "kernel/proc/kern_fork.cpp",
     "    p2->p_peers = p1->p_peers;\n    p1->p_peers = p2;\n", "    p2->p_peers = nullptr;\n",
     "RFTHREAD peers join the leader's list"),
    ("fork-sugid", "kernel/proc/kern_fork.cpp",
     "p2->p_flag |= p1->p_flag & pflag::P_SUGID;", "", "P_SUGID is inherited"),
    ("fork-controlt", "kernel/proc/kern_fork.cpp",
     "if (sess && sess->s_ttyp && (p1->p_flag & pflag::P_CONTROLT))",
     "if (sess && (p1->p_flag & pflag::P_CONTROLT))",
     "P_CONTROLT only with a terminal in the session"),
    ("fork-ppwait-flag", "kernel/proc/kern_fork.cpp",
     "if (flags & RFPPWAIT) p2->p_flag |= pflag::P_PPWAIT;", "", "RFPPWAIT sets P_PPWAIT"),
    ("fork-nowait-init", "kernel/proc/kern_fork.cpp",
     "proc* pptr = (flags & RFNOWAIT) ? initproc : p1;", "proc* pptr = p1;",
     "RFNOWAIT gives the child to init"),
    ("fork-count-forkpages", "kernel/proc/kern_fork.cpp", "s.v_forkpages += pages;", "",
     "v_forkpages"),
    ("fork-count-vforkpages", "kernel/proc/kern_fork.cpp", "s.v_vforkpages += pages;", "",
     "v_vforkpages"),
    ("fork-count-rforkpages", "kernel/proc/kern_fork.cpp", "s.v_rforkpages += pages;", "",
     "v_rforkpages"),
    ("fork-count-kthreadpages", "kernel/proc/kern_fork.cpp", "s.v_kthreadpages += pages;", "",
     "v_kthreadpages"),
    ("fork-count-kthread-class", "kernel/proc/kern_fork.cpp",
     "} else if (p1 == &proc0) {", "} else if (p1 == nullptr) {",
     "other flags from proc0 count as a kernel thread"),
    ("fork-event", "kernel/proc/kern_fork.cpp", "g_process_fork.invoke(p1, p2, flags);", "",
     "the process_fork event"),
    ("fork-stopped", "kernel/proc/kern_fork.cpp",
     "if (!(flags & RFSTOPPED)) sched_add(td2);", "sched_add(td2);",
     "RFSTOPPED leaves the child off the run queue"),
    ("fork-vfork-sleep", "kernel/proc/kern_fork.cpp",
     "while (p2->p_flag & pflag::P_PPWAIT) cv_wait(&p2->p_pwait);", "",
     "vfork: the parent sleeps while P_PPWAIT"),
    ("fork-fail-pause", "kernel/proc/kern_fork.cpp",
     "    a.free_all();\n    fork_fail_pause();\n", "    a.free_all();\n",
     "a failed fork pauses"),
    ("fork-limit-pause-first", "kernel/proc/kern_fork.cpp",
     "!r.ok())\n        return fork_fail(a, r.error());",
     "!r.ok()) {\n        fork_fail_pause();\n        return r.error();\n    }",
     "a fork the limits refuse frees everything, then pauses (fail1)"),
    ("fork-norfproc-rfmem", "kernel/proc/vm_forkproc.cpp",
     "    if (flags & RFMEM) return {};\n", "",
     "without RFPROC, RFMEM keeps the space shared"),
    ("fork-norfproc-order", "kernel/proc/kern_fork.cpp",
     "    if (auto r = vm_forkproc_self(td, flags); !r.ok()) {\n        if (newfd) fdfree(newfd);\n"
     "        return r.error();\n    }",
     "    Result<void> vr = vm_forkproc_self(td, flags);\n    (void)vr;",
     "without RFPROC a failure changes nothing"),
    ("fork-norfproc-cfdg", "kernel/proc/kern_fork.cpp",
     "    if (flags & RFCFDG)\n        newfd = TRY(fdinit(z.fds, p1->p_fd));\n    else if",
     "    if (false)\n        newfd = TRY(fdinit(z.fds, p1->p_fd));\n    else if",
     "without RFPROC, RFCFDG empties the table"),
    ("fork-exit-premature", "kernel/proc/kern_fork.cpp",
     'kprintf("Kernel thread \\"%s\\" (pid %d) exited prematurely.\\n", td->td_name, p->p_pid);', "",
     "a returning kernel process is reported"),
    ("fork-exit-reap", "kernel/sched/sched.cpp",
     '            sched_curthread ? sched_curthread->td_name : "nobody");\n    reap_dead();',
     '            sched_curthread ? sched_curthread->td_name : "nobody");',
     "fork_exit frees the thread that died on the way"),
    # fork_limits.cpp
    ("limits-root-reserve", "kernel/proc/fork_limits.cpp",
     "nprocs_ >= maxproc_ - ROOT_RESERVE &&", "nprocs_ >= maxproc_ &&",
     "the last ten slots are root's"),
    ("limits-maxproc", "kernel/proc/fork_limits.cpp",
     " ||\n        nprocs_ >= maxproc_)", ")", "not even root passes maxproc"),
    ("limits-nproc", "kernel/proc/fork_limits.cpp",
     "if (!chgproccnt(cred->cr_ruidinfo, 1, max)) return refuse(cred);",
     "(void)chgproccnt(cred->cr_ruidinfo, 1, 0);\n    (void)max;", "RLIMIT_NPROC bounds a user"),
    ("limits-proclimit-priv", "kernel/proc/fork_limits.cpp",
     "priv_check_cred(cred, Priv::ProcLimit).ok() ? 0 : lim_cur(lim, RLIMIT_NPROC);",
     "lim_cur(lim, RLIMIT_NPROC);", "root is exempt from RLIMIT_NPROC"),
    ("limits-line", "kernel/proc/fork_limits.cpp",
     "if (fail_rate_.check(ticks(), 1))", "if (true)", "the console line at most once a second"),
    ("limits-perid", "kernel/proc/fork_limits.cpp",
     "static_cast<int64_t>(maxproc) * 9 / 10", "static_cast<int64_t>(maxproc)",
     "maxprocperuid is 9/10 of maxproc"),
    # pid.cpp and the ids in use
    ("pid-high-floor", "kernel/proc/pid.cpp",
     "if (trypid < PID_HIGH_FLOOR)\n            trypid = PID_HIGH_FLOOR;", "",
     "RFHIGHPID starts at 10"),
    ("pid-random", "kernel/proc/pid.cpp",
     "trypid += pid_t(rng_.next_u32() % uint32_t(randompid_));", "",
     "randompid adds a random step"),
    ("pid-wrap-floor", "kernel/proc/pid.cpp",
     "    if (trypid < PID_WRAP_FLOOR)\n        trypid += PID_WRAP_FLOOR;\n", "",
     "a wrapped start is lifted above 100"),
    ("pid-second-lap", "kernel/proc/pid.cpp",
     "pid = table.first_unused(PID_WRAP_FLOOR, start);", "return Errno::Again;",
     "after PID_MAX the search goes on from 100"),
    ("pid-high-lastpid", "kernel/proc/pid.cpp",
     "if (choice.range != PidRange::High)\n        lastpid_ = choice.pid;", "lastpid_ = choice.pid;",
     "RFHIGHPID leaves lastpid"),
    ("pid-clamp-reasonable", "kernel/proc/pid.cpp",
     "if (requested < 100) // \"make it reasonable\"\n        return 100;", "",
     "randompid below 100 becomes 100"),
    ("pid-groups", "kernel/proc/proc_table.cpp",
     "groups_ ? &groups_->group_ids() : nullptr,", "nullptr,",
     "ids of live groups are skipped"),
    ("pid-sessions", "kernel/proc/proc_table.cpp",
     "groups_ ? &groups_->session_ids() : nullptr};", "nullptr};",
     "ids of live sessions are skipped"),
]


def run(cmd, cwd):
    return subprocess.run(cmd, cwd=cwd, shell=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)


def try_mutant(root, make, test, mutant):
    mid, path, old, new, _ = mutant
    full = os.path.join(root, path)
    with open(full) as f:
        original = f.read()
    if original.count(old) != 1:
        return "stale"
    try:
        with open(full, "w") as f:
            f.write(original.replace(old, new))
        if run(make, root).returncode != 0:
            return "invalid (does not build: fix the mutant)"
        r = run(test, root)
        return "killed" if r.returncode != 0 else "SURVIVED"
    finally:
        with open(full, "w") as f:
            f.write(original)
        # The restored file is older than the mutant's object: make it newer.
        os.utime(full)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", default=".")
    ap.add_argument("--make", default="make -s build/host-tests")
    ap.add_argument("--test", default="build/host-tests --abort-after=1 --no-intro --minimal")
    ap.add_argument("--only", default="", help="run the mutants whose id contains this")
    args = ap.parse_args()
    chosen = [m for m in MUTANTS if args.only in m[0]]
    if run(args.make, args.root).returncode != 0:
        sys.exit("mutants: the unmutated tree does not build")
    if run(args.test, args.root).returncode != 0:
        sys.exit("mutants: the unmutated host suite fails")
    counts = {}
    for m in chosen:
        t0 = time.time()
        verdict = try_mutant(args.root, args.make, args.test, m)
        key = verdict.split()[0]
        counts[key] = counts.get(key, 0) + 1
        print(f"{verdict:24} {m[0]:28} {m[1]}: {m[4]} ({time.time() - t0:.0f} s)", flush=True)
    run(args.make, args.root)  # leave the binary of the real tree behind
    killed = counts.get("killed", 0)
    print(f"mutants: {killed} killed, {counts.get('SURVIVED', 0)} survived, "
          f"{counts.get('stale', 0)} stale, {counts.get('invalid', 0)} invalid, of {len(chosen)}")
    sys.exit(0 if killed == len(chosen) else 1)


if __name__ == "__main__":
    main()
