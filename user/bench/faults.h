// Costs that are not a whole fork: page faults and context switches.
// Each returns the total cost of its operations (pages or round trips),
// or a zero Cost after counting an error.
#pragma once

#include "measure.h"

#include <stddef.h>

namespace bench {

// First touch of `pages` fresh anonymous pages (zero-fill faults), over
// `rounds` mappings; the mmap and munmap are outside the timing.
Cost zero_fill(size_t pages, unsigned rounds);

// A child's first store into each of the parent's `pages` dirty pages of
// region (one copy-on-write copy each), timed by the child, over
// `rounds` children.
Cost cow_copy(char* region, size_t pages, unsigned rounds);

// A byte to a child and back through two pipes, `trips` times: two
// context switches and four pipe calls per trip.
Cost pipe_pingpong(unsigned trips);

} // namespace bench
