// Signal names and numbers both ways (FreeBSD's sys_signame), for kill,
// sh and psignal.  Pure: the host tests build it too.
#pragma once

extern "C" {
extern const char* const sys_signame[];
int sig_from_name(const char* name);
}
