// Deliberate kernel crashes on request, to prove that the panic report
// works: the boot argument crash=load|store|exec|assert|panic.  Harmless
// when the argument is absent.
#pragma once

// Crashes as `how` asks; returns (with a console line) when `how` is null
// or names no crash.
void crash_on_request(const char* how);
