// The host's half of ktrace's routing (kernel/ktrace/ktr_route.h): host
// tests call the dispatcher (syscallenter) directly, so there is no fast
// path to turn off; the setting is kept for the tests to read.
#include <kernel/ktrace/ktr_route.h>

namespace {
bool g_slow = false;
} // namespace

void cpu_syscall_route_slow(bool slow) { g_slow = slow; }

namespace arch {
bool host_syscall_route_slow() { return g_slow; }
} // namespace arch
