#pragma once

#include <cstddef>

namespace voip::detail {

/// What the prefetched lines are about to be used for. `bulk`: many lines (a frame of audio,
/// a history to be appended to) used a little later, asked for into the outer caches only, so
/// that they do not hold up the few lines wanted first while the CPU's line-fill slots are
/// full. With hundreds of calls a tick's prefetches stalled on exactly that.
enum class PrefetchFor { read = 0, write = 1, bulk = 2 };

/// Asks for the cache lines of [p, p + bytes) ahead of their use. A hint: no effect on what
/// the program computes, whatever the address (prefetches never fault).
///
/// Why not a bare __builtin_prefetch loop: GCC (12 at least) treats the builtin as free of side
/// effects, so its pure/const analysis finds a function or lambda whose only effect is
/// prefetching to have no effect at all, and deletes every call to it — silently, at -O1 and
/// above. That is what happened to MediaClock's look-ahead: the source prefetched, the binary
/// did not. The empty volatile asm, which the compiler must keep, is what makes a call to this
/// (or to a function around it) count as doing something; it emits no instruction.
inline void prefetch_lines(const void* p, std::size_t bytes,
                           PrefetchFor intent = PrefetchFor::read) noexcept {
    constexpr std::size_t line = 64;
    const auto* at = static_cast<const char*>(p);
    if (intent == PrefetchFor::bulk) {
        for (std::size_t offset = 0; offset < bytes; offset += line)
            __builtin_prefetch(at + offset, 0, 1);
    } else if (intent == PrefetchFor::write) {
        for (std::size_t offset = 0; offset < bytes; offset += line)
            __builtin_prefetch(at + offset, 1, 3);
    } else {
        for (std::size_t offset = 0; offset < bytes; offset += line)
            __builtin_prefetch(at + offset, 0, 3);
    }
    asm volatile("" : : "r"(at));
}

}  // namespace voip::detail
