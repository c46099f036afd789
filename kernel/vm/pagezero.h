// The pagezero kernel process: fills the kernel's ZeroPool while the
// system has nothing better to do (FreeBSD's vm_pagezero).
#pragma once

class ZeroPool;

// Starts it at idle priority; panics if it cannot (boot cannot go on
// without memory for one small stack anyway).
void pagezero_start(ZeroPool* pool);
