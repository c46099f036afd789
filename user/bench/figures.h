// The table of figures: forkbench runs every one, or only the one named
// on its command line.
#pragma once

#include "measure.h"

namespace bench {

struct Figure {
    const char* key;   // the name on the command line and in build/bench.json
    const char* what;  // one operation, for the printed line
    unsigned iters;    // iterations in a full run
    Cost (*run)(unsigned iters);
};

extern const Figure figures[];
extern const int FIGURE_COUNT;

// The figure with this key, or nullptr.
const Figure* find_figure(const char* key);

// Runs f with iters iterations (1 while warming up) and prints its line.
void run_figure(const Figure& f, unsigned iters);

} // namespace bench
