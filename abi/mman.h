// Memory-mapping constants, FreeBSD's (sys/sys/mman.h), for the subset
// Sprig implements: anonymous memory, private or shared.
#pragma once

inline constexpr int PROT_NONE = 0x00;
inline constexpr int PROT_READ = 0x01;
inline constexpr int PROT_WRITE = 0x02;
inline constexpr int PROT_EXEC = 0x04;

inline constexpr int MAP_SHARED = 0x0001;
inline constexpr int MAP_PRIVATE = 0x0002;
inline constexpr int MAP_FIXED = 0x0010;
inline constexpr int MAP_ANON = 0x1000;
