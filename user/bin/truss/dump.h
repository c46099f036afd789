// truss's printing half: kdump's reader and formatter over a descriptor
// (main.cpp is the other: the pipe, the traced child, its status).
#pragma once

#include <stdio.h>

namespace truss {

// Prints every record read from fd to out, as kdump does, flushing after
// each so the trace shows as it happens.  0 at the end of the stream, 1
// (after a message on stderr) if it was not a clean run of records.
int dump(int fd, FILE* out);

} // namespace truss
