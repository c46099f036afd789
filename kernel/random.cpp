// ChaCha20 as a random generator: see random.h for the construction.
#include <kernel/random.h>

#include <lib/kassert.h>
#include <string.h>

namespace {

// "expand 32-byte k", the RFC's four constant words.
constexpr uint32_t SIGMA[4] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};

// Nonce words telling the generator's two uses apart, so a seeding block
// can never equal an output block for the same key.
constexpr uint32_t NONCE_OUTPUT = 0;
constexpr uint32_t NONCE_SEED = 0x73656564; // "seed"

constexpr uint32_t rotl(uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }

void quarter_round(uint32_t* x, int a, int b, int c, int d)
{
    x[a] += x[b]; x[d] ^= x[a]; x[d] = rotl(x[d], 16);
    x[c] += x[d]; x[b] ^= x[c]; x[b] = rotl(x[b], 12);
    x[a] += x[b]; x[d] ^= x[a]; x[d] = rotl(x[d], 8);
    x[c] += x[d]; x[b] ^= x[c]; x[b] = rotl(x[b], 7);
}

uint32_t load_le32(const uint8_t* p)
{
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

void store_le32(uint8_t* p, uint32_t v)
{
    p[0] = uint8_t(v);
    p[1] = uint8_t(v >> 8);
    p[2] = uint8_t(v >> 16);
    p[3] = uint8_t(v >> 24);
}

// The block as words, for the generator's own use (no byte round trip).
void chacha20_words(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3],
                    uint32_t out[16])
{
    uint32_t in[16];
    memcpy(in, SIGMA, sizeof(SIGMA));
    memcpy(in + 4, key, 8 * sizeof(uint32_t));
    in[12] = counter;
    memcpy(in + 13, nonce, 3 * sizeof(uint32_t));

    memcpy(out, in, sizeof(in));
    for (int i = 0; i < 10; i++) { // 10 double rounds: columns, then diagonals
        quarter_round(out, 0, 4, 8, 12);
        quarter_round(out, 1, 5, 9, 13);
        quarter_round(out, 2, 6, 10, 14);
        quarter_round(out, 3, 7, 11, 15);
        quarter_round(out, 0, 5, 10, 15);
        quarter_round(out, 1, 6, 11, 12);
        quarter_round(out, 2, 7, 8, 13);
        quarter_round(out, 3, 4, 9, 14);
    }
    for (int i = 0; i < 16; i++)
        out[i] += in[i];
}

constinit ChaChaRng g_kernel_random;

} // namespace

void chacha20_block(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3],
                    uint8_t out[64])
{
    uint32_t words[16];
    chacha20_words(key, counter, nonce, words);
    for (int i = 0; i < 16; i++)
        store_le32(out + 4 * i, words[i]);
}

// Absorbs the bytes 32 at a time: each chunk is XORed into the key, then the
// key is replaced by a ChaCha20 block of itself.  The counter numbers the
// chunks and the nonce carries the total length, so inputs that differ only
// by trailing zero bytes, or in how they are split into chunks, still give
// different keys.
void ChaChaRng::seed(const void* bytes, size_t len)
{
    KASSERT(bytes != nullptr || len == 0, "random seed of %zu bytes at null", len);
    const uint8_t* p = static_cast<const uint8_t*>(bytes);
    const uint64_t total = len;
    const uint32_t nonce[3] = {uint32_t(total), uint32_t(total >> 32), NONCE_SEED};
    uint32_t chunk_no = 0;
    do {
        uint8_t chunk[32] = {};
        const size_t n = len < sizeof(chunk) ? len : sizeof(chunk);
        if (n != 0)
            memcpy(chunk, p, n);
        for (int i = 0; i < 8; i++)
            key_[i] ^= load_le32(chunk + 4 * i);
        uint32_t block[16];
        chacha20_words(key_, chunk_no++, nonce, block);
        memcpy(key_, block, sizeof(key_));
        p += n;
        len -= n;
    } while (len != 0);
    avail_ = 0;
}

void ChaChaRng::refill()
{
    static constexpr uint32_t nonce[3] = {0, 0, NONCE_OUTPUT};
    uint32_t block[16];
    chacha20_words(key_, 0, nonce, block);
    memcpy(key_, block, sizeof(key_));                // fast key erasure
    memcpy(out_, block + 8, sizeof(out_));
    memset(block, 0, sizeof(block));
    avail_ = OUT_WORDS;
}

uint32_t ChaChaRng::next_u32()
{
    if (avail_ == 0)
        refill();
    // Hand words out from the front and wipe each one given out.
    const unsigned i = OUT_WORDS - avail_--;
    const uint32_t v = out_[i];
    out_[i] = 0;
    return v;
}

// 2^32 mod n values at the bottom of the 32-bit range would make the low
// residues one draw more likely; rejecting draws below that threshold
// leaves a range whose size is a multiple of n.
uint32_t ChaChaRng::uniform(uint32_t n)
{
    if (n < 2)
        return 0;
    const uint32_t threshold = (0u - n) % n; // 2^32 mod n
    for (;;) {
        const uint32_t r = next_u32();
        if (r >= threshold)
            return r % n;
    }
}

ChaChaRng& kernel_random() { return g_kernel_random; }

void random_seed(const void* bytes, size_t len) { g_kernel_random.seed(bytes, len); }
uint32_t random_u32() { return g_kernel_random.next_u32(); }
uint32_t random_uniform(uint32_t n) { return g_kernel_random.uniform(n); }
