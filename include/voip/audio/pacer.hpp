#pragma once
/// @file
/// audio::Pacer: the clock of a paced sender. Packet n is due at start + n × period (an
/// absolute grid, never "now + period"), so timer lateness does not accumulate into slip.
/// After a stall the sender catches up by at most `max_catch_up` extra packets at once and
/// skips the rest of the missed grid points, so a stall never turns into a long burst.
/// Pure: the caller passes the time, so it is testable without sleeping.

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace voip::audio {

class Pacer {
public:
    using Clock = std::chrono::steady_clock;

    /// @param period       packet time (20 ms)
    /// @param max_catch_up packets sent on one wake-up beyond the one due, after a stall
    Pacer(std::chrono::nanoseconds period, std::size_t max_catch_up) noexcept
        : period_(period), max_catch_up_(max_catch_up) {}

    /// Starts the grid: packet 0 is due at @p start.
    void start(Clock::time_point start) noexcept {
        start_ = start;
        next_ = 0;
        skipped_ = 0;
    }

    /// The time the next packet is due (the timer's absolute expiry).
    [[nodiscard]] Clock::time_point next_deadline() const noexcept {
        return start_ + period_ * static_cast<std::int64_t>(next_);
    }

    /// Called on wake-up at @p now: how many packets to send now (0 if woken early; at most
    /// 1 + max_catch_up). Grid points beyond that are skipped (counted in skipped()).
    std::size_t due(Clock::time_point now) noexcept;

    /// Index of the next grid point (packets sent + skipped).
    [[nodiscard]] std::uint64_t next_index() const noexcept { return next_; }
    /// Grid points skipped after stalls, in total.
    [[nodiscard]] std::uint64_t skipped() const noexcept { return skipped_; }
    [[nodiscard]] std::chrono::nanoseconds period() const noexcept { return period_; }

private:
    std::chrono::nanoseconds period_;
    std::size_t max_catch_up_;
    Clock::time_point start_{};
    std::uint64_t next_ = 0;
    std::uint64_t skipped_ = 0;
};

}  // namespace voip::audio
