// Operations on signal sets (FreeBSD's SIGADDSET, SIGISMEMBER ... of
// sys/signalvar.h), as functions.  Signal s lives at bit sig_bit(s) of
// word sig_word(s); the numbers 1.._SIG_MAXSIG are valid, and every
// function that takes one KASSERTs that it is.
#pragma once

#include <stdint.h>
#include <abi/signal.h>
#include <lib/bits.h>
#include <lib/kassert.h>

// _SIG_VALID: a signal number a set can hold.
constexpr bool sig_valid(int sig) { return sig > 0 && sig <= _SIG_MAXSIG; }
// _SIG_IDX: index of sig in per-signal arrays (ps_sigact ...).
constexpr int sig_idx(int sig) { return sig - 1; }
// _SIG_WORD and _SIG_BIT: where sig sits in a set.
constexpr int sig_word(int sig) { return (sig - 1) >> 5; }
constexpr uint32_t sig_bit(int sig) { return uint32_t{1} << ((sig - 1) & 31); }

constexpr void sigaddset(ksigset_t& set, int sig)
{
    KASSERT(sig_valid(sig), "signal %d out of range", sig);
    set.__bits[sig_word(sig)] |= sig_bit(sig);
}

constexpr void sigdelset(ksigset_t& set, int sig)
{
    KASSERT(sig_valid(sig), "signal %d out of range", sig);
    set.__bits[sig_word(sig)] &= ~sig_bit(sig);
}

constexpr bool sigismember(const ksigset_t& set, int sig)
{
    KASSERT(sig_valid(sig), "signal %d out of range", sig);
    return (set.__bits[sig_word(sig)] & sig_bit(sig)) != 0;
}

constexpr void sigemptyset(ksigset_t& set)
{
    for (uint32_t& w : set.__bits) w = 0;
}

constexpr void sigfillset(ksigset_t& set)
{
    for (uint32_t& w : set.__bits) w = ~uint32_t{0};
}

// dst |= src.
constexpr void sigsetor(ksigset_t& dst, const ksigset_t& src)
{
    for (int i = 0; i < _SIG_WORDS; i++) dst.__bits[i] |= src.__bits[i];
}

// dst &= src.
constexpr void sigsetand(ksigset_t& dst, const ksigset_t& src)
{
    for (int i = 0; i < _SIG_WORDS; i++) dst.__bits[i] &= src.__bits[i];
}

// dst &= ~src: the signals of src taken out of dst.
constexpr void sigsetnand(ksigset_t& dst, const ksigset_t& src)
{
    for (int i = 0; i < _SIG_WORDS; i++) dst.__bits[i] &= ~src.__bits[i];
}

constexpr bool sigisempty(const ksigset_t& set)
{
    for (uint32_t w : set.__bits)
        if (w) return false;
    return true;
}

constexpr bool signotempty(const ksigset_t& set) { return !sigisempty(set); }

constexpr bool sigseteq(const ksigset_t& a, const ksigset_t& b)
{
    for (int i = 0; i < _SIG_WORDS; i++)
        if (a.__bits[i] != b.__bits[i]) return false;
    return true;
}

// sig_ffs: the lowest signal in set, 0 when it is empty.
constexpr int sig_first(const ksigset_t& set)
{
    for (int i = 0; i < _SIG_WORDS; i++)
        if (set.__bits[i]) return i * 32 + static_cast<int>(sprig::lowest_bit(set.__bits[i])) + 1;
    return 0;
}

// SIG_CANTMASK: SIGKILL and SIGSTOP can never be blocked, so every mask
// that comes from user space goes through this.
constexpr void sig_cantmask(ksigset_t& set)
{
    sigdelset(set, SIGKILL);
    sigdelset(set, SIGSTOP);
}
