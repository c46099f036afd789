// Fork bombs, the most obvious experiment on a fork-centred kernel: a
// root bomb at 256 MiB (memory runs out long before kern.maxproc), a
// uid-1000 bomb (RLIMIT_NPROC runs out first), each for several rounds in
// one boot.  Every round is ended as ^C would end it from the shell, by
// one signal to the bomb's process group, and must leave the group empty,
// every page and process slot back, and the system able to fork again.
//
// Booted as init (init=/bin/bombtest): the bombs' orphans are reparented
// to the suite's runner, which reaps them while the case waits.
#include "check.h"
#include "helpers.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

using namespace suite;

namespace {

constexpr int ROUNDS = 5;
constexpr long BOMB_MS = 2500;      // how long each bomb runs before the kill
constexpr long EMPTY_WITHIN_MS = 20000; // the group must be gone by then
constexpr uid_t USER = 1000;

long now_ms()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

// The bomb: the leader of a new process group forks for ever, and so does
// every child.  Failures are expected (no memory, no slots) and ignored.
[[noreturn]] void bomb(uid_t uid)
{
    (void)setpgid(0, 0);
    if (uid != 0 && setuid(uid) != 0) _exit(3);
    for (;;) (void)fork();
}

pid_t start_bomb(uid_t uid)
{
    const pid_t leader = fork();
    if (leader < 0) fail("fork for the bomb's leader: %s", errno_name(errno));
    if (leader == 0) bomb(uid);
    (void)setpgid(leader, leader); // either side may win the race
    return leader;
}

// Whether any process is left in group pgid (zombies count until reaped).
bool group_alive(pid_t pgid)
{
    if (kill(-pgid, 0) == 0) return true;
    if (errno != ESRCH) fail("kill(-%d, 0): %s, wanted success or ESRCH", pgid, errno_name(errno));
    return false;
}

// One ^C: a single SIGKILL to the whole group, then the leader reaped
// (it is the case's child; the runner reaps the rest) and the group
// gone in time.
void kill_group(pid_t pgid)
{
    CHECK_OK(kill(-pgid, SIGKILL));
    const int status = wait_for(pgid);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
        fail("the bomb's leader: wait status 0x%x, wanted killed by SIGKILL", status);
    const long deadline = now_ms() + EMPTY_WITHIN_MS;
    while (group_alive(pgid)) {
        if (now_ms() > deadline)
            fail("group %d still has members %ld ms after one SIGKILL", pgid, EMPTY_WITHIN_MS);
        sleep_ms(20);
    }
}

// A round: the bomb, the kill, and a fork that must work afterwards.
void round_of(uid_t uid)
{
    const long long forks = sysctl_num("vm.stats.vm.v_forks");
    const pid_t pgid = start_bomb(uid);
    sleep_ms(BOMB_MS);
    kill_group(pgid);
    if (sysctl_num("vm.stats.vm.v_forks") <= forks + 1) fail("the bomb never forked");
    CHECK_EQ(run_child([] { return 7; }), 7);
}

void rounds(uid_t uid)
{
    // The first round warms every cache as far as a bomb can; the others
    // must each come back to where it left the system.
    round_of(uid);
    const Baseline before = Baseline::now();
    for (int r = 1; r < ROUNDS; r++) {
        round_of(uid);
        before.check_back();
    }
}

void root_bomb_rounds() { rounds(0); }

void user_bomb_rounds()
{
    // RLIMIT_NPROC is what stops this one, before memory does.
    const rlim_t per_uid = static_cast<rlim_t>(sysctl_num("kern.maxprocperuid"));
    rlimit rl;
    CHECK_OK(getrlimit(RLIMIT_NPROC, &rl));
    CHECK_EQ(rl.rlim_cur, per_uid);
    rounds(USER);
    // Nothing of uid 1000 is left holding a slot: it can fork again.
    CHECK_EQ(run_child([] { return setuid(USER) == 0 && fork() >= 0 ? 0 : 1; }), 0);
}

const Case cases[] = {
    {"root fork bomb at 256 MiB, 5 rounds each ended by one SIGKILL to the group; all back",
     root_bomb_rounds, 240},
    {"uid 1000 fork bomb, 5 rounds each ended by one SIGKILL to the group; all back",
     user_bomb_rounds, 240},
};

} // namespace

int main(int argc, char** argv) { return run("bombtest", cases, argc, argv); }
