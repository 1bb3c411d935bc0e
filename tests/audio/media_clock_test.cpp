#include <voip/audio/media_clock.hpp>
#include <voip/audio/pacer.hpp>

#include <asio/io_context.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <vector>

#include "audio/audio_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using voip::audio::MediaClock;
using voip::audio::test::run_for;
using voip::audio::test::run_until;
using TimePoint = MediaClock::Clock::time_point;

class Recorder final : public MediaClock::Subscriber {
public:
    std::vector<TimePoint> ticks;
    std::function<void()> hook;  // runs inside the tick
    // Started at the point attach() returned: counts the ticks that came with nothing due
    // (a tick before this subscriber's own grid point).
    voip::audio::Pacer pacer{MediaClock::period, 2};
    std::size_t early = 0;
    void on_media_tick(TimePoint now) override {
        ticks.push_back(now);
        if (pacer.due(now) == 0) ++early;
        if (hook) hook();
    }
    TimePoint attach_to(MediaClock& clock) {
        const TimePoint first = clock.attach(*this);
        pacer.start(first);
        return first;
    }
};

bool on_grid(TimePoint origin, TimePoint t) {
    const auto offset = t > origin ? t - origin : origin - t;
    return offset % MediaClock::period == MediaClock::Clock::duration::zero();
}

TEST(MediaClock, OnePerIoContext) {
    asio::io_context a;
    asio::io_context b;
    EXPECT_EQ(&MediaClock::of(a), &MediaClock::of(a));
    EXPECT_NE(&MediaClock::of(a), &MediaClock::of(b));
}

TEST(MediaClock, OnePhaseTicksEverySubscriberInOneWakeUp) {
    asio::io_context io;
    auto& clock = MediaClock::of(io);
    clock.set_phases(1);  // the single burst of before
    Recorder one;
    Recorder two;
    const TimePoint first = clock.attach(one);
    run_for(io, 50ms);
    const TimePoint second = clock.attach(two);
    EXPECT_EQ(clock.subscribers(), 2U);
    // A late subscriber starts on the same grid, after the point already ticked.
    EXPECT_TRUE(on_grid(first, second));
    EXPECT_GT(second, first);
    ASSERT_TRUE(run_until(
        io, [&] { return two.ticks.size() >= 10; }, 5s));
    // Every wake-up since `two` attached ticked both with the same time: one timer, not two.
    ASSERT_GE(one.ticks.size(), two.ticks.size());
    const std::vector<TimePoint> tail(
        one.ticks.end() - static_cast<std::ptrdiff_t>(two.ticks.size()), one.ticks.end());
    EXPECT_EQ(tail, two.ticks);
    EXPECT_EQ(clock.wakeups(), one.ticks.size());
    for (const auto t : two.ticks)
        EXPECT_GE(t, second);
    EXPECT_THROW(clock.attach(one), std::logic_error);
    clock.detach(one);
    clock.detach(two);
    clock.detach(two);  // not attached: no-op
    EXPECT_EQ(clock.subscribers(), 0U);
}

TEST(MediaClock, DetachDuringTickIsSafeAndTheTimerStopsWhenIdle) {
    asio::io_context io;
    auto& clock = MediaClock::of(io);
    Recorder a;
    Recorder b;
    Recorder c;
    clock.attach(a);
    clock.attach(b);
    clock.attach(c);
    // On its third tick, a detaches b (not yet ticked in that round), c and itself.
    a.hook = [&] {
        if (a.ticks.size() == 3) {
            clock.detach(b);
            clock.detach(c);
            clock.detach(a);
        }
    };
    ASSERT_TRUE(run_until(
        io, [&] { return a.ticks.size() == 3; }, 5s));
    run_for(io, 100ms);
    // b and c share a's slot (it is below the batch); attached after a's first point, they
    // start on its second, and come after a in its third: one tick each.
    EXPECT_EQ(clock.phases(), MediaClock::default_phases);
    EXPECT_EQ(a.ticks.size(), 3U);
    EXPECT_EQ(b.ticks.size(), 1U);
    EXPECT_EQ(c.ticks.size(), 1U);
    EXPECT_EQ(clock.subscribers(), 0U);
    // Nobody attached: the timer stopped, so the io_context runs out of work.
    const auto wakeups = clock.wakeups();
    io.restart();
    const auto before = MediaClock::Clock::now();
    io.run();
    EXPECT_LT(MediaClock::Clock::now() - before, 1s);
    EXPECT_EQ(clock.wakeups(), wakeups);
}

TEST(MediaClock, AttachDuringTickStartsAtTheNextPoint) {
    asio::io_context io;
    auto& clock = MediaClock::of(io);
    clock.set_phases(1);  // `late` shares a's slot, so it starts on a's next point
    Recorder a;
    Recorder late;
    TimePoint late_start{};
    const TimePoint origin = clock.attach(a);
    a.hook = [&] {
        if (a.ticks.size() == 2) late_start = clock.attach(late);
    };
    ASSERT_TRUE(run_until(
        io, [&] { return late.ticks.size() >= 2; }, 5s));
    EXPECT_TRUE(on_grid(origin, late_start));
    EXPECT_GT(late_start, a.ticks[1]);  // not in the tick it was attached in
    EXPECT_GE(late.ticks.front(), late_start);
    EXPECT_EQ(late.ticks.front(), a.ticks[2]);
    clock.detach(a);
    clock.detach(late);
}

TEST(MediaClock, RestartsAFreshGridAfterIdle) {
    asio::io_context io;
    auto& clock = MediaClock::of(io);
    Recorder a;
    clock.attach(a);
    ASSERT_TRUE(run_until(
        io, [&] { return !a.ticks.empty(); }, 5s));
    clock.detach(a);
    run_for(io, 60ms);  // the timer notices nobody is left and stops
    const auto before = MediaClock::Clock::now();
    const TimePoint again = clock.attach(a);
    // Idle clock: the grid restarts now, the first tick is due at once.
    EXPECT_GE(again, before);
    EXPECT_LE(again, MediaClock::Clock::now());
    ASSERT_TRUE(run_until(
        io, [&] { return a.ticks.size() >= 2; }, 5s));
    clock.detach(a);
}

TEST(MediaClock, AHookThatThrowsLeavesTheClockRunning) {
    asio::io_context io;
    auto& clock = MediaClock::of(io);
    Recorder a;
    Recorder b;
    clock.attach(a);
    clock.attach(b);
    a.hook = [&] {
        if (a.ticks.size() == 1) throw std::runtime_error("user code");
    };
    EXPECT_THROW(
        {
            io.restart();
            io.run_for(200ms);
        },
        std::runtime_error);
    // The exception left run() (as it would from any handler); the clock still ticks both.
    ASSERT_TRUE(run_until(
        io, [&] { return b.ticks.size() >= 3; }, 5s));
    EXPECT_GE(a.ticks.size(), 3U);
    clock.detach(a);
    clock.detach(b);
}

TEST(MediaClock, PhasesAreConfigurableWhileNobodyIsAttached) {
    asio::io_context io;
    auto& clock = MediaClock::of(io);
    EXPECT_EQ(clock.phases(), MediaClock::default_phases);
    EXPECT_THROW(clock.set_phases(0), std::invalid_argument);
    EXPECT_THROW(clock.set_phases(3), std::invalid_argument);  // 20 ms is not a multiple of 3
    EXPECT_THROW(clock.set_phases(MediaClock::max_phases + 1), std::invalid_argument);
    clock.set_phases(40);
    EXPECT_EQ(clock.phases(), 40U);
    Recorder a;
    clock.attach(a);
    EXPECT_THROW(clock.set_phases(20), std::logic_error);
    EXPECT_EQ(clock.phases(), 40U);
    clock.detach(a);
    clock.set_phases(20);  // the timer is still armed (it stops at its next wake-up): fine
    EXPECT_EQ(clock.phases(), 20U);
    // A fresh grid with the new step: the first subscriber ticks at once, in slot 0.
    const auto before = MediaClock::Clock::now();
    EXPECT_GE(clock.attach(a), before);
    EXPECT_EQ(clock.phase_of(a), 0U);
    ASSERT_TRUE(run_until(
        io, [&] { return a.ticks.size() >= 2; }, 5s));
    clock.detach(a);
}

TEST(MediaClock, NewSubscribersJoinTheLeastPopulatedSlotOnItsOwnGrid) {
    asio::io_context io;
    auto& clock = MediaClock::of(io);
    clock.set_phases(MediaClock::default_phases, 1);  // no batch: spread from the second on
    const std::size_t phases = clock.phases();
    const auto step = std::chrono::nanoseconds(MediaClock::period) / phases;
    std::vector<Recorder> subs(2 * phases + 1);
    std::vector<TimePoint> first(subs.size());
    for (std::size_t i = 0; i < subs.size(); ++i) {
        const auto before = MediaClock::Clock::now();
        first[i] = subs[i].attach_to(clock);
        // Never a point from before the subscriber existed (no catch-up for new calls).
        if (i > 0) {
            EXPECT_GE(first[i], before);
        }
        EXPECT_LE(first[i], before + MediaClock::period);
    }
    EXPECT_EQ(clock.phase_of(subs[0]), 0U);  // the idle clock starts its grid with it
    EXPECT_EQ(clock.subscribers(), subs.size());
    // Balanced: two per slot, one slot three.
    std::size_t threes = 0;
    for (std::size_t p = 0; p < phases; ++p) {
        const auto n = clock.subscribers_in_phase(p);
        EXPECT_TRUE(n == 2 || n == 3) << "slot " << p << ": " << n;
        threes += n == 3 ? 1 : 0;
    }
    EXPECT_EQ(threes, 1U);
    EXPECT_EQ(clock.subscribers_in_phase(phases), 0U);  // out of range
    // Slot s's points are origin + s × step + n × period.
    for (std::size_t i = 0; i < subs.size(); ++i) {
        const auto phase = clock.phase_of(subs[i]);
        ASSERT_TRUE(phase.has_value());
        const auto offset = (first[i] - first[0]) % MediaClock::period;
        EXPECT_EQ(offset, step * static_cast<std::int64_t>(*phase)) << "subscriber " << i;
    }
    ASSERT_TRUE(run_until(
        io,
        [&] {
            return std::all_of(subs.begin(), subs.end(),
                               [](const Recorder& r) { return r.ticks.size() >= 5; });
        },
        10s));
    for (std::size_t i = 0; i < subs.size(); ++i) {
        // Never ticked before its own grid point, never more than once per point.
        EXPECT_EQ(subs[i].early, 0U) << "subscriber " << i;
        EXPECT_GE(subs[i].ticks.front(), first[i]);
        for (std::size_t k = 1; k < subs[i].ticks.size(); ++k)
            EXPECT_GE(subs[i].ticks[k], first[i] + MediaClock::period * static_cast<int>(k));
    }
    for (auto& r : subs)
        clock.detach(r);
    EXPECT_EQ(clock.subscribers(), 0U);
}

TEST(MediaClock, ASlotInUseFillsToTheBatchBeforeAnotherOpens) {
    asio::io_context io;
    auto& clock = MediaClock::of(io);
    clock.set_phases(4, 3);
    std::vector<Recorder> subs(4 * 3 + 2);
    for (std::size_t i = 0; i < subs.size(); ++i) {
        subs[i].attach_to(clock);
        std::size_t in_use = 0;
        for (std::size_t p = 0; p < clock.phases(); ++p)
            in_use += clock.subscribers_in_phase(p) != 0 ? 1 : 0;
        // Three to a slot while there are empty ones: a slot opens only for the 4th, 7th, ...
        EXPECT_EQ(in_use, std::min<std::size_t>(i / 3 + 1, 4)) << "after subscriber " << i;
    }
    // All full to the batch: the rest go to the least populated, evenly.
    for (std::size_t p = 0; p < clock.phases(); ++p) {
        const auto n = clock.subscribers_in_phase(p);
        EXPECT_TRUE(n == 3 || n == 4) << "slot " << p << ": " << n;
    }
    // A slot emptied by hang-ups fills again before an empty one opens.
    for (auto& r : subs)
        clock.detach(r);
    Recorder x;
    Recorder y;
    x.attach_to(clock);
    y.attach_to(clock);
    EXPECT_EQ(clock.phase_of(x), clock.phase_of(y));
    EXPECT_THROW(
        {
            clock.detach(x);
            clock.detach(y);
            clock.set_phases(4, 0);
        },
        std::invalid_argument);
}

TEST(MediaClock, ASlotsTickDoesNotTickTheOthers) {
    asio::io_context io;
    auto& clock = MediaClock::of(io);
    clock.set_phases(2, 1);  // 10 ms apart, no batch
    Recorder a;
    Recorder b;
    Recorder c;
    a.attach_to(clock);
    b.attach_to(clock);  // the empty slot
    c.attach_to(clock);  // a tie at one each: the slot whose point comes first
    ASSERT_NE(clock.phase_of(a), clock.phase_of(b));
    const auto& mate = clock.phase_of(c) == clock.phase_of(a) ? a : b;
    const auto& other = clock.phase_of(c) == clock.phase_of(a) ? b : a;
    ASSERT_TRUE(run_until(
        io, [&] { return a.ticks.size() >= 20 && b.ticks.size() >= 20; }, 10s));
    // c shares a slot with one of them: the same wake-ups.
    const auto n = std::min(c.ticks.size(), mate.ticks.size());
    EXPECT_EQ(
        std::vector<TimePoint>(c.ticks.begin(), c.ticks.begin() + static_cast<long>(n)),
        std::vector<TimePoint>(mate.ticks.begin(), mate.ticks.begin() + static_cast<long>(n)));
    // The other slot is ticked in wake-ups of its own. (A wake-up late by more than the 10 ms
    // between the slots ticks both, oldest first; on a loaded machine a few may be: most not.)
    const std::set<TimePoint> own(other.ticks.begin(), other.ticks.end());
    std::size_t shared = 0;
    for (const auto t : c.ticks)
        shared += own.count(t);
    EXPECT_LT(shared, c.ticks.size() / 2);
    EXPECT_GT(clock.wakeups(), std::max(a.ticks.size(), b.ticks.size()));
    EXPECT_EQ(a.early + b.early + c.early, 0U);
    clock.detach(a);
    clock.detach(b);
    clock.detach(c);
}

TEST(MediaClock, DetachFreesTheSlot) {
    asio::io_context io;
    auto& clock = MediaClock::of(io);
    clock.set_phases(10, 1);
    std::vector<Recorder> subs(clock.phases());
    for (auto& r : subs)
        r.attach_to(clock);
    for (std::size_t p = 0; p < clock.phases(); ++p)
        ASSERT_EQ(clock.subscribers_in_phase(p), 1U);
    const auto freed = clock.phase_of(subs[7]).value();
    clock.detach(subs[7]);
    EXPECT_EQ(clock.subscribers_in_phase(freed), 0U);
    EXPECT_FALSE(clock.phase_of(subs[7]).has_value());
    Recorder next;
    next.attach_to(clock);
    EXPECT_EQ(clock.phase_of(next), freed);
    // Detached from inside a tick: the slot is free for the next subscriber too.
    Recorder last;
    std::optional<std::size_t> freed_in_tick;
    subs[3].hook = [&] {
        if (!freed_in_tick) {
            freed_in_tick = clock.phase_of(subs[3]);
            clock.detach(subs[3]);
            last.attach_to(clock);
        }
    };
    ASSERT_TRUE(run_until(
        io, [&] { return last.ticks.size() >= 2; }, 5s));
    EXPECT_EQ(clock.phase_of(last), freed_in_tick);
    EXPECT_EQ(subs[3].ticks.size(), 1U);
    EXPECT_EQ(last.early, 0U);
    for (auto& r : subs)
        clock.detach(r);
    clock.detach(next);
    clock.detach(last);
    EXPECT_EQ(clock.subscribers(), 0U);
}

TEST(MediaClock, AttachingToAnEarlierEmptySlotWakesUpForIt) {
    // Only slot 0 occupied: the timer waits for slot 0's next point. A subscriber put in the
    // empty slot 1 (10 ms earlier) must be ticked at its own point, not with slot 0's. One
    // attempt in three suffices (without the re-arm none would; a stalled machine may delay one).
    bool earlier = false;
    for (int attempt = 0; attempt < 3 && !earlier; ++attempt) {
        asio::io_context io;
        auto& clock = MediaClock::of(io);
        clock.set_phases(2, 1);
        Recorder a;
        Recorder b;
        a.attach_to(clock);
        ASSERT_TRUE(run_until(
            io, [&] { return a.ticks.size() == 1; }, 5s));
        const TimePoint b_first = b.attach_to(clock);
        EXPECT_EQ(clock.phase_of(b), 1U);
        ASSERT_TRUE(run_until(
            io, [&] { return a.ticks.size() >= 2 && !b.ticks.empty(); }, 5s));
        EXPECT_GE(b.ticks.front(), b_first);
        earlier = b.ticks.front() < a.ticks[1];
        EXPECT_EQ(a.early + b.early, 0U);
        clock.detach(a);
        clock.detach(b);
    }
    EXPECT_TRUE(earlier);
}

}  // namespace
