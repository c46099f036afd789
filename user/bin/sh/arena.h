// A bump allocator for one parse: every node and word of a command line
// comes from it and goes with it at once, so the tree needs no frees and
// cannot leak a node.  Blocks come from malloc; a failed malloc makes
// alloc return null (the parser reports it as out of memory).
#pragma once

#include <stddef.h>

namespace sh {

class Arena {
public:
    Arena() = default;
    ~Arena() { clear(); }
    Arena(const Arena&) = delete;
    Arena& operator=(const Arena&) = delete;

    // size bytes, aligned for any node, zeroed; null when out of memory.
    void* alloc(size_t size);
    // A NUL-terminated copy of s[0, n).
    char* strndup(const char* s, size_t n);
    // Frees every block.
    void clear();

    template <typename T> T* make()
    {
        return static_cast<T*>(alloc(sizeof(T)));
    }

private:
    struct Block {
        Block* next;
        size_t used, size;
        alignas(16) unsigned char data[1];
    };
    Block* head_ = nullptr;
};

} // namespace sh
