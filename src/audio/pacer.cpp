#include <voip/audio/pacer.hpp>

#include <algorithm>

namespace voip::audio {

std::size_t Pacer::due(Clock::time_point now) noexcept {
    const Clock::time_point deadline = next_deadline();
    if (now < deadline) return 0;
    // The usual wake-up, one packet due (the next point not yet come): no 64-bit division,
    // which every call would pay on every tick.
    if (now < deadline + period_) {
        ++next_;
        return 1;
    }
    // Grid points whose time has come: next_ .. last (inclusive).
    const auto elapsed = now - start_;
    const auto last = static_cast<std::uint64_t>(elapsed / period_);
    const std::uint64_t count = last - next_ + 1;
    const std::uint64_t allowed = 1 + static_cast<std::uint64_t>(max_catch_up_);
    const std::uint64_t send = std::min(count, allowed);
    // A bounded catch-up: the oldest missed points are dropped, the newest are sent, so what
    // goes out after a stall is on the grid again at once.
    skipped_ += count - send;
    next_ = last + 1;
    return static_cast<std::size_t>(send);
}

}  // namespace voip::audio
