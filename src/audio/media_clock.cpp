#include <voip/audio/media_clock.hpp>

#include <algorithm>
#include <stdexcept>
#include <tuple>

#include "core/prefetch.hpp"

namespace voip::audio {

// NOLINTNEXTLINE(cert-err58-cpp): Asio's service id, a trivial constructor that does not throw
asio::io_context::id MediaClock::id;

MediaClock::MediaClock(asio::io_context& io)
    : asio::io_context::service(io),
      timer_(io),
      phases_(default_phases),
      step_(std::chrono::nanoseconds(period) / default_phases) {}

void MediaClock::shutdown() {
    // The io_context is going away: its handlers (our pending wait among them) are destroyed
    // without running, so nothing ticks again; forget the subscribers.
    shut_down_ = true;
    for (auto& phase : phases_) {
        phase.entries.clear();
        phase.attached = 0;
    }
    attached_ = 0;
}

void MediaClock::set_phases(std::size_t count, std::size_t batch) {
    if (attached_ != 0 || ticking_)
        throw std::logic_error("MediaClock::set_phases: subscribers are attached");
    const auto period_ns = std::chrono::nanoseconds(period).count();
    if (count == 0 || count > max_phases || period_ns % static_cast<std::int64_t>(count) != 0)
        throw std::invalid_argument("MediaClock::set_phases: must divide the period, 1..200");
    if (batch == 0) throw std::invalid_argument("MediaClock::set_phases: batch must be >= 1");
    batch_ = batch;
    phases_.assign(count, Phase{});
    step_ = std::chrono::nanoseconds(period) / count;
    if (armed_) {
        // A wait from before is still pending (it would have stopped the timer at its
        // wake-up): drop it, so the next attach starts a fresh grid of the new step.
        ++generation_;
        armed_ = false;
        timer_.cancel();
    }
}

MediaClock::Clock::time_point MediaClock::time_of(std::uint64_t index) const noexcept {
    return start_ + step_ * static_cast<std::int64_t>(index);
}

std::uint64_t MediaClock::first_index_at_or_after(Clock::time_point t) const noexcept {
    if (t <= start_) return 0;
    const auto elapsed = t - start_;
    const auto whole = static_cast<std::uint64_t>(elapsed / step_);
    return elapsed % step_ == Clock::duration::zero() ? whole : whole + 1;
}

std::uint64_t MediaClock::last_index_at_or_before(Clock::time_point t) const noexcept {
    return t <= start_ ? 0 : static_cast<std::uint64_t>((t - start_) / step_);
}

std::uint64_t MediaClock::next_index_in(std::size_t phase, std::uint64_t from) const noexcept {
    const std::uint64_t count = phases_.size();
    const std::uint64_t at = from % count;
    return from + (phase >= at ? phase - at : count - at + phase);
}

std::optional<std::pair<std::size_t, std::size_t>> MediaClock::locate(
    const Subscriber& subscriber) const noexcept {
    for (std::size_t p = 0; p < phases_.size(); ++p) {
        const auto& entries = phases_[p].entries;
        for (std::size_t i = 0; i < entries.size(); ++i) {
            if (entries[i].subscriber == &subscriber) return std::pair{p, i};
        }
    }
    return std::nullopt;
}

MediaClock::Clock::time_point MediaClock::attach(Subscriber& subscriber) {
    if (locate(subscriber)) throw std::logic_error("MediaClock::attach: already attached");
    const auto now = Clock::now();
    const auto add = [&](std::size_t phase, std::uint64_t first) {
        phases_[phase].entries.push_back({&subscriber, first});
        ++phases_[phase].attached;
        ++attached_;
    };
    if (shut_down_) {
        add(0, 0);
        return now;
    }
    if (!armed_ && !ticking_) {
        // Idle: a fresh grid starting now, so the first subscriber's first tick is at once
        // (as a call's own timer would have done).
        start_ = now;
        next_ = 0;
        add(0, 0);
        arm(0);
        return now;
    }
    // Running: the first point not yet ticked (next_ was moved past the current wake-up's
    // points before any subscriber was called, so one attached during a tick starts after
    // it) and not before now (a new call never "catches up" on points from before it
    // existed, even when the timer is overdue).
    const std::uint64_t base = std::max(next_, first_index_at_or_after(now));
    // The least-populated slot; among equals the one whose point comes first (the call's
    // first packet is not delayed for nothing).
    // A slot in use that holds fewer than `batch_` comes first: every occupied slot costs a
    // wake-up per period, worth paying only once a slot's burst is big enough to delay its
    // last call (bench/audio_path: 10 echo-call pairs cost 2x the CPU spread over 4 slots).
    const auto key = [&](std::size_t p) {
        const auto& slot = phases_[p];
        const bool filling = slot.attached != 0 && slot.attached < batch_;
        return std::tuple(!filling, slot.attached, next_index_in(p, base));
    };
    std::size_t best = 0;
    for (std::size_t p = 1; p < phases_.size(); ++p) {
        if (key(p) < key(best)) best = p;
    }
    const std::uint64_t first = next_index_in(best, base);
    add(best, first);
    // A point earlier than the pending wake-up (a slot that was empty): wake up for it. A
    // tick in progress arms after itself, from every occupied slot.
    if (!ticking_ && armed_ && first < armed_at_) arm(first);
    return time_of(first);
}

void MediaClock::detach(Subscriber& subscriber) noexcept {
    const auto where = locate(subscriber);
    if (!where) return;
    auto& phase = phases_[where->first];
    --phase.attached;
    --attached_;
    if (ticking_) {
        phase.entries[where->second].subscriber = nullptr;  // skipped; compacted after the tick
        holes_ = true;
    } else {
        phase.entries.erase(phase.entries.begin() + static_cast<std::ptrdiff_t>(where->second));
    }
    // The timer is left armed: it stops by itself at the next wake-up if nobody is left, which
    // saves a cancel (and a stray operation_aborted completion) per call hang-up.
}

std::size_t MediaClock::subscribers_in_phase(std::size_t phase) const noexcept {
    return phase < phases_.size() ? phases_[phase].attached : 0;
}

std::optional<std::size_t> MediaClock::phase_of(const Subscriber& subscriber) const noexcept {
    const auto where = locate(subscriber);
    if (!where) return std::nullopt;
    return where->first;
}

void MediaClock::compact() noexcept {
    if (!holes_) return;
    for (auto& phase : phases_) {
        std::erase_if(phase.entries, [](const Entry& e) { return e.subscriber == nullptr; });
    }
    holes_ = false;
}

void MediaClock::arm(std::uint64_t index) {
    armed_ = true;
    armed_at_ = index;
    // Re-arming cancels the pending wait; its operation_aborted completion carries the old
    // generation and is ignored.
    const std::uint64_t generation = ++generation_;
    timer_.expires_at(time_of(index));
    timer_.async_wait([this, generation](std::error_code ec) {
        if (generation == generation_) on_timer(ec);
    });
}

void MediaClock::arm_next() {
    // The first point from next_ on whose slot has anyone in it (at most one period ahead).
    for (std::uint64_t index = next_; index < next_ + phases_.size(); ++index) {
        if (phases_[index % phases_.size()].attached != 0) {
            arm(index);
            return;
        }
    }
}

void MediaClock::tick_phase(std::size_t phase, std::uint64_t index, Clock::time_point now) {
    // Subscribers attached during this tick are appended past `count` (and start later).
    // Indexing, not references: a hook's attach may grow the vector; and an entry is read
    // again each time it is used, as a tick may detach (null) any of them.
    const std::size_t count = phases_[phase].entries.size();
    const auto due = [&](std::size_t i) -> Subscriber* {
        if (i >= count) return nullptr;
        const Entry& entry = phases_[phase].entries[i];
        return entry.first <= index ? entry.subscriber : nullptr;
    };
    // With hundreds of calls a tick mostly waits for memory: each call's state has left the
    // caches in the 20 ms since its last tick. So the clock works ahead: the subscriber after
    // next gets the first lines of its object prefetched (its address is all the clock knows
    // without reading it), the next one its prepare hook (its first lines are in cache by then,
    // so it can follow its own pointers without waiting), while this one ticks.
    const auto prefetch_object = [&](std::size_t i) {
        if (Subscriber* s = due(i)) detail::prefetch_lines(s, prefetched_object_bytes);
    };
    prefetch_object(0);
    prefetch_object(1);
    if (Subscriber* first = due(0)) first->prepare_media_tick();
    for (std::size_t i = 0; i < count; ++i) {
        prefetch_object(i + 2);
        if (Subscriber* next = due(i + 1)) next->prepare_media_tick();
        if (Subscriber* s = due(i)) s->on_media_tick(now);
    }
}

void MediaClock::on_timer(std::error_code ec) {
    armed_ = false;
    if (ec || shut_down_) return;
    compact();
    if (attached_ == 0) return;  // idle; the next attach starts a fresh grid
    const auto now = Clock::now();
    ++wakeups_;
    // Absolute grid: every point up to now is due, however late this wake-up was. Each slot is
    // ticked at most once (its subscribers' Pacers decide how many missed points to send), so
    // only the last period's worth of points counts, oldest first.
    const std::uint64_t last = last_index_at_or_before(now);
    const std::uint64_t from =
        std::max(next_, last + 1 >= phases_.size() ? last + 1 - phases_.size() : 0);
    next_ = std::max(next_, last + 1);

    // Re-arm and tidy up even if a subscriber's hook throws (the exception still leaves
    // io_context::run, as it would from a timer of the call's own).
    struct AfterTick {
        MediaClock& clock;
        ~AfterTick() {
            clock.ticking_ = false;
            clock.compact();
            if (clock.attached_ != 0 && !clock.shut_down_ && !clock.armed_) {
                try {
                    clock.arm_next();
                } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
                }
            }
        }
    } after{*this};
    ticking_ = true;
    for (std::uint64_t index = from; index <= last; ++index) {
        tick_phase(static_cast<std::size_t>(index % phases_.size()), index, now);
    }
}

std::span<float> MediaClock::sample_scratch(std::size_t count) {
    if (sample_scratch_.size() < count) sample_scratch_.resize(count);
    return {sample_scratch_.data(), count};
}

std::span<std::uint8_t> MediaClock::byte_scratch(std::size_t count) {
    if (byte_scratch_.size() < count) byte_scratch_.resize(count);
    return {byte_scratch_.data(), count};
}

}  // namespace voip::audio
