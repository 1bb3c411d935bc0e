#include <voip/audio/media_clock.hpp>

#include <asio/io_context.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
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
    void on_media_tick(TimePoint now) override {
        ticks.push_back(now);
        if (hook) hook();
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

TEST(MediaClock, OneWakeUpTicksEverySubscriber) {
    asio::io_context io;
    auto& clock = MediaClock::of(io);
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
    EXPECT_EQ(a.ticks.size(), 3U);
    EXPECT_EQ(b.ticks.size(), 2U);
    EXPECT_EQ(c.ticks.size(), 2U);
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

}  // namespace
