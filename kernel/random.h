// The kernel's random numbers: a ChaCha20 keystream (RFC 8439) used as a
// generator with "fast key erasure": every 64-byte block's first half
// becomes the next key, the second half is handed out, so a later
// snapshot of the state cannot reproduce numbers already given out.
// FreeBSD 8's arc4random() was RC4-based; random_u32() takes its place.
//
// Seeding mixes in: random_seed() may be called any number of times (timer
// reads early at boot, the device tree's /chosen rng-seed when present),
// and each call makes every later output depend on all the bytes given so
// far, in order.  Until the first random_seed() the stream is a fixed one
// (all-zero key): fine for tests, predictable in a real boot, which is why
// boot code seeds from the timer at the very least.
//
// Uniprocessor, no locking: callers must not use the kernel generator from
// an interrupt handler while thread code may be using it.
#pragma once

#include <stddef.h>
#include <stdint.h>

// A source of uniformly distributed 32-bit words.  The pid allocator draws
// through this so tests can script the numbers.
class RandomSource {
public:
    virtual uint32_t next_u32() = 0;

protected:
    ~RandomSource() = default;
};

// One ChaCha20 block (RFC 8439 section 2.3): 20 rounds over the constant,
// the 256-bit key, the 32-bit block counter and the 96-bit nonce, the input
// added back, serialised little-endian into out.
void chacha20_block(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3],
                    uint8_t out[64]);

// The generator as an object, so tests get fresh, independent ones.
class ChaChaRng final : public RandomSource {
public:
    constexpr ChaChaRng() = default;

    // Mixes len bytes into the key (bytes may be null when len is 0; that
    // still re-keys).  Drops any buffered output, so the next number
    // depends on these bytes.
    void seed(const void* bytes, size_t len);
    // The next 32 uniformly distributed bits.
    uint32_t next_u32() override;
    // A number in [0, n) with no modulo bias (draws again when the first
    // draw falls in the short last interval).  0 for n < 2.
    uint32_t uniform(uint32_t n);

private:
    static constexpr unsigned OUT_WORDS = 8;
    // Runs one block: the key is replaced, OUT_WORDS words become output.
    void refill();

    uint32_t key_[8] = {};
    uint32_t out_[OUT_WORDS] = {};
    unsigned avail_ = 0; // unused words left at the end of out_
};

// The kernel's generator (one for the whole kernel, statically initialised).
ChaChaRng& kernel_random();

// Free functions over kernel_random().  random_u32() and random_uniform()
// are FreeBSD's arc4random() and arc4random_uniform(); they cannot keep
// those names because glibc (2.36 and later) declares them in <stdlib.h>,
// which the host tests include.
void random_seed(const void* bytes, size_t len);
uint32_t random_u32();
uint32_t random_uniform(uint32_t n);
