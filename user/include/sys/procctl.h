// procctl(2), FreeBSD's call; only PROC_SPROTECT on one process (P_PID).
#pragma once

#include <abi/procctl.h>
#include <stdint.h>

enum idtype_t { P_PID = PROCCTL_IDTYPE_PID };

extern "C" int procctl(idtype_t idtype, int64_t id, int cmd, void* data);
