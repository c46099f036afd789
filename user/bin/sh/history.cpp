#include "history.h"

#include <stdlib.h>
#include <string.h>

namespace sh {

History::~History()
{
    for (size_t i = 0; i < count_; i++) free(lines_[(first_ + i) % kHistoryMax]);
}

bool History::add(const char* line)
{
    const char* p = line;
    while (*p == ' ' || *p == '\t') p++;
    if (!*p) return true;
    if (count_ && strcmp(at(count_ - 1), line) == 0) return true;
    const size_t n = strlen(line) + 1;
    char* copy = static_cast<char*>(malloc(n));
    if (!copy) return false;
    memcpy(copy, line, n);
    if (count_ == kHistoryMax) {
        free(lines_[first_]);
        lines_[first_] = nullptr;
        first_ = (first_ + 1) % kHistoryMax;
        count_--;
    }
    lines_[(first_ + count_) % kHistoryMax] = copy;
    count_++;
    return true;
}

} // namespace sh
