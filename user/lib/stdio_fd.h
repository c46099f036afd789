// stdin, stdout and stderr for picolibc's tinystdio, over read(2) and
// write(2) on descriptors 0, 1 and 2.
#pragma once

namespace sprig {

// Writes out whatever stdout and stderr hold; registered with atexit by
// the start-up code, and called before fork so that a child never
// inherits (and prints again) half a line.
void stdio_flush_all();

} // namespace sprig
