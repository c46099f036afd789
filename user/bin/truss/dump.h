// truss's printing half: kdump's reader and formatter over a descriptor.
// In a file of its own because their abi/ktrace.h brings abi/signal.h
// into the global namespace, which main.cpp's <signal.h> cannot share.
#pragma once

#include <stdio.h>

namespace truss {

// Prints every record read from fd to out, as kdump does, flushing after
// each so the trace shows as it happens.  0 at the end of the stream, 1
// (after a message on stderr) if it was not a clean run of records.
int dump(int fd, FILE* out);

} // namespace truss
