// The word-at-a-time search of pid_bitmap.h.
#include <kernel/proc/pid_bitmap.h>

#include <lib/bits.h>

pid_t first_clear(const IdBitmap* const* maps, int count, pid_t from, pid_t below)
{
    KASSERT(from >= 0 && from <= below && below <= PID_MAX, "first_clear(%d, %d)", from, below);
    if (from == below) return below;
    const size_t last = static_cast<size_t>(below - 1) / 64;
    for (size_t w = static_cast<size_t>(from) / 64; w <= last; w++) {
        uint64_t used = 0;
        for (int m = 0; m < count; m++)
            if (maps[m]) used |= maps[m]->word(w);
        // Ids below from in the first word count as used.
        if (w == static_cast<size_t>(from) / 64) used |= (uint64_t{1} << (from % 64)) - 1;
        if (used == ~uint64_t{0}) continue;
        const pid_t id = static_cast<pid_t>(w * 64 + size_t{sprig::lowest_bit(~used)});
        return id < below ? id : below;
    }
    return below;
}
