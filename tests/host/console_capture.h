// Console output collected while alive, for tests that check what the
// kernel printed.
#pragma once

#include <kernel/console.h>

#include <string>

namespace credtest {

// Collects console output while alive.
struct ConsoleCapture {
    std::string out;
    ConsoleOutput dev{"capture", [](void* ctx, char c) { static_cast<std::string*>(ctx)->push_back(c); },
                      &out};
    ConsoleCapture() { console_set_output(&dev); }
    ~ConsoleCapture() { console_set_output(nullptr); }
    ConsoleCapture(const ConsoleCapture&) = delete;
    ConsoleCapture& operator=(const ConsoleCapture&) = delete;

    size_t count(const std::string& needle) const
    {
        size_t n = 0;
        for (size_t at = out.find(needle); at != std::string::npos; at = out.find(needle, at + 1)) n++;
        return n;
    }
};

} // namespace credtest
