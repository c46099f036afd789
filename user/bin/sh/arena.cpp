#include "arena.h"

#include <stdlib.h>
#include <string.h>

namespace sh {

namespace {
constexpr size_t kBlock = 4096;
size_t round16(size_t n) { return (n + 15) & ~size_t{15}; }
} // namespace

void* Arena::alloc(size_t size)
{
    size = round16(size ? size : 1);
    if (!head_ || head_->size - head_->used < size) {
        const size_t cap = size > kBlock ? size : kBlock;
        Block* b = static_cast<Block*>(malloc(offsetof(Block, data) + cap));
        if (!b) return nullptr;
        b->next = head_;
        b->used = 0;
        b->size = cap;
        head_ = b;
    }
    void* p = head_->data + head_->used;
    head_->used += size;
    memset(p, 0, size);
    return p;
}

char* Arena::strndup(const char* s, size_t n)
{
    char* d = static_cast<char*>(alloc(n + 1));
    if (!d) return nullptr;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void Arena::clear()
{
    while (head_) {
        Block* next = head_->next;
        free(head_);
        head_ = next;
    }
}

} // namespace sh
