#include <voip/audio/media_clock.hpp>

#include <algorithm>
#include <stdexcept>

namespace voip::audio {

// NOLINTNEXTLINE(cert-err58-cpp): Asio's service id, a trivial constructor that does not throw
asio::io_context::id MediaClock::id;

MediaClock::MediaClock(asio::io_context& io) : asio::io_context::service(io), timer_(io) {}

void MediaClock::shutdown() {
    // The io_context is going away: its handlers (our pending wait among them) are destroyed
    // without running, so nothing ticks again; forget the subscribers.
    shut_down_ = true;
    subscribers_.clear();
}

MediaClock::Clock::time_point MediaClock::first_point_after(Clock::time_point t) const noexcept {
    if (t < start_) return start_;
    const auto k = (t - start_) / period + 1;
    return start_ + period * k;
}

MediaClock::Clock::time_point MediaClock::attach(Subscriber& subscriber) {
    if (std::find(subscribers_.begin(), subscribers_.end(), &subscriber) != subscribers_.end())
        throw std::logic_error("MediaClock::attach: already attached");
    subscribers_.push_back(&subscriber);
    if (shut_down_) return Clock::now();
    const auto now = Clock::now();
    if (!armed_ && !ticking_) {
        // Idle: a fresh grid starting now, so the first subscriber's first tick is at once
        // (as a call's own timer would have done).
        start_ = now;
        next_ = now;
        arm();
        return now;
    }
    // Running: the next grid point not yet ticked (next_ was moved past the current tick
    // before any subscriber was called, so a subscriber attached during a tick starts after
    // it). If the timer is overdue, the first point at or after now, so a new call never
    // "catches up" on points from before it existed.
    return std::max(next_, first_point_after(now - Clock::duration{1}));
}

void MediaClock::detach(Subscriber& subscriber) noexcept {
    const auto it = std::find(subscribers_.begin(), subscribers_.end(), &subscriber);
    if (it == subscribers_.end()) return;
    if (ticking_) {
        *it = nullptr;  // the tick loop skips it; compacted when the tick ends
        holes_ = true;
    } else {
        subscribers_.erase(it);
    }
    // The timer is left armed: it stops by itself at the next tick if nobody is left, which
    // saves a cancel (and a stray operation_aborted completion) per call hang-up.
}

std::size_t MediaClock::subscribers() const noexcept {
    return static_cast<std::size_t>(
        std::count_if(subscribers_.begin(), subscribers_.end(), [](auto* s) { return s; }));
}

void MediaClock::compact() noexcept {
    if (!holes_) return;
    subscribers_.erase(std::remove(subscribers_.begin(), subscribers_.end(), nullptr),
                       subscribers_.end());
    holes_ = false;
}

void MediaClock::arm() {
    armed_ = true;
    timer_.expires_at(next_);
    timer_.async_wait([this](std::error_code ec) { on_timer(ec); });
}

void MediaClock::on_timer(std::error_code ec) {
    armed_ = false;
    if (ec || shut_down_) return;
    compact();
    if (subscribers_.empty()) return;  // idle; the next attach starts a fresh grid
    const auto now = Clock::now();
    ++wakeups_;
    // Absolute grid: the next point after now, however late this wake-up was. Each
    // subscriber's Pacer decides how many of the points it missed to send (bounded catch-up).
    next_ = first_point_after(now);

    // Re-arm and tidy up even if a subscriber's hook throws (the exception still leaves
    // io_context::run, as it would from a timer of the call's own).
    struct AfterTick {
        MediaClock& clock;
        ~AfterTick() {
            clock.ticking_ = false;
            clock.compact();
            if (!clock.subscribers_.empty() && !clock.shut_down_ && !clock.armed_) {
                try {
                    clock.arm();
                } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
                }
            }
        }
    } after{*this};
    ticking_ = true;
    // Subscribers attached during the tick are appended past `count` and start at next_.
    const std::size_t count = subscribers_.size();
    for (std::size_t i = 0; i < count; ++i) {
        if (Subscriber* s = subscribers_[i]) s->on_media_tick(now);
    }
}

}  // namespace voip::audio
