// The shared page (FreeBSD's shared_page.c): one read-only, executable
// page at the top of every user address space, holding the signal return
// trampoline (sendsig points a handler's ra at it).  Its object is made
// once at boot and kept for good; exec maps it into each new image with
// shared inheritance, so fork shares it and no process ever copies or
// frees its page.  A process cannot make it writable (its maximum
// protection is read and execute).
#pragma once

#include <stdint.h>
#include <arch/param.h>
#include <arch/pte.h>
#include <lib/result.h>
#include <mm/vmspace.h>

// Where it is mapped: the last user page, just above exec's stack guard.
inline constexpr uint64_t SHAREDPAGE = VM_MAX_USER_ADDRESS - arch::PAGE_SIZE;
// The trampoline's address in every process (the start of the page).
inline constexpr uint64_t SIGCODE_ADDR = SHAREDPAGE;

// Makes the page's object from the machine's sigcode (sig_machdep.h).
// NoMem.  Called once at boot (host tests: per test, with _fini after).
Result<void> sharedpage_init(VmObjectZone& zone);
void sharedpage_fini();
// Whether sharedpage_init made the page.
bool sharedpage_present();
// Its object (one reference held for good), or nullptr: the invariant
// checker counts that reference.
vm_object* sharedpage_object();
// Maps the page into vm (exec): a no-op when there is none.  NoMem (the
// range is taken, or no map entry could be had), changing nothing.
Result<void> sharedpage_map(vmspace* vm);
