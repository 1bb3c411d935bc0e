#pragma once
/// @file
/// audio::MediaClock: one 20 ms clock per io_context that ticks every call attached to it.
///
/// A paced sender per call with a timer each costs one timer expiry, one epoll wake-up and one
/// context switch per call every 20 ms; with many calls that, not the media work, dominates the
/// CPU (bench/audio_path). The clock keeps one steady_timer on an absolute 20 ms grid (never
/// "now + 20 ms", so lateness does not accumulate) and on each wake-up calls every subscriber
/// with the time; each subscriber keeps its own audio::Pacer (its own catch-up bound and
/// skipped count), started on a point of the shared grid.
///
/// Calls started at different moments are therefore phase-aligned to the one grid: a call's
/// first packet goes out at the next grid point after it attached (at most 20 ms later), and
/// from then on all calls of the io_context send in the same wake-up. Each call's RTP
/// timestamps stay its own and continuous.
///
/// It is an Asio service: `MediaClock::of(io)` returns the io_context's clock, created on first
/// use. The timer runs while anyone is attached and stops at the first tick after the last one
/// left. Subscribers may attach or detach (themselves or others) from inside a tick.
///
/// Threading: the library's rule (one thread runs the io_context, or every subscriber shares
/// the one strand): attach, detach and ticks all happen on that thread.

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <system_error>
#include <vector>

namespace voip::audio {

class MediaClock final : public asio::io_context::service {
public:
    using Clock = std::chrono::steady_clock;
    /// The grid: RTP packet time of every call (20 ms).
    static constexpr std::chrono::milliseconds period{20};

    /// Something ticked by the clock (AudioCall holds one).
    class Subscriber {
    public:
        /// A grid point has come: @p now is the time of the wake-up (at or after the point).
        virtual void on_media_tick(Clock::time_point now) = 0;

    protected:
        Subscriber() = default;
        ~Subscriber() = default;
        Subscriber(const Subscriber&) = default;
        Subscriber& operator=(const Subscriber&) = default;
        Subscriber(Subscriber&&) = default;
        Subscriber& operator=(Subscriber&&) = default;
    };

    /// The clock of @p io (created on first use, destroyed with the io_context).
    static MediaClock& of(asio::io_context& io) { return asio::use_service<MediaClock>(io); }

    /// Asio service identity; construct through of().
    static asio::io_context::id id;
    explicit MediaClock(asio::io_context& io);
    ~MediaClock() override = default;
    MediaClock(const MediaClock&) = delete;
    MediaClock& operator=(const MediaClock&) = delete;
    MediaClock(MediaClock&&) = delete;
    MediaClock& operator=(MediaClock&&) = delete;

    /// Ticks @p subscriber from now on; returns the grid point of its first tick (start an
    /// audio::Pacer there). When nothing was attached the grid restarts at the current time.
    /// Attaching twice is a programmer error (std::logic_error).
    Clock::time_point attach(Subscriber& subscriber);
    /// Stops ticking @p subscriber; no-op if it is not attached. Safe from inside a tick
    /// (a subscriber detached during a tick is not called after that).
    void detach(Subscriber& subscriber) noexcept;

    /// Subscribers attached now.
    [[nodiscard]] std::size_t subscribers() const noexcept;
    /// Timer wake-ups so far (one per grid point while anyone is attached).
    [[nodiscard]] std::uint64_t wakeups() const noexcept { return wakeups_; }

private:
    void shutdown() override;
    void arm();
    void on_timer(std::error_code ec);
    [[nodiscard]] Clock::time_point first_point_after(Clock::time_point t) const noexcept;
    void compact() noexcept;

    asio::steady_timer timer_;
    std::vector<Subscriber*> subscribers_;  // null: detached during a tick, removed after it
    Clock::time_point start_{};             // grid origin
    Clock::time_point next_{};              // the timer's expiry
    bool armed_ = false;
    bool ticking_ = false;
    bool holes_ = false;
    bool shut_down_ = false;
    std::uint64_t wakeups_ = 0;
};

}  // namespace voip::audio
