# docs/debugging.md's worked example, as tests/qemu/debug_console.py runs
# it: stop in fork1 when forkdemo (not the shell that starts it) forks,
# then in fork_return when its child first runs, and print both pids.
set confirm off
set pagination off
target remote :1234
hbreak init_riscv
continue
delete
break fork1 if $_streq(td->td_proc->p_comm, "forkdemo")
continue
bt 4
print td->td_proc->p_pid
break fork_return if $_streq(((thread*)arg)->td_proc->p_comm, "forkdemo")
continue
print ((thread*)arg)->td_proc->p_pid
print ((thread*)arg)->td_proc->p_pptr->p_pid
delete
continue
