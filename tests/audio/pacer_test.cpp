#include <voip/audio/pacer.hpp>

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using voip::audio::Pacer;

TEST(Pacer, DeadlinesAreAnAbsoluteGrid) {
    Pacer p(20ms, 2);
    const auto t0 = Pacer::Clock::time_point{} + 1s;
    p.start(t0);
    EXPECT_EQ(p.next_deadline(), t0);
    // Woken 3 ms late every time: the grid does not move (no "now + 20 ms" slip).
    for (int i = 0; i < 100; ++i) {
        const auto wake = p.next_deadline() + 3ms;
        ASSERT_EQ(p.due(wake), 1U) << i;
    }
    EXPECT_EQ(p.next_deadline(), t0 + 100 * 20ms);
    EXPECT_EQ(p.skipped(), 0U);
}

TEST(Pacer, EarlyWakeSendsNothing) {
    Pacer p(20ms, 2);
    const auto t0 = Pacer::Clock::time_point{} + 1s;
    p.start(t0);
    EXPECT_EQ(p.due(t0 - 1ms), 0U);
    EXPECT_EQ(p.due(t0), 1U);
    EXPECT_EQ(p.due(t0 + 19ms), 0U);
    EXPECT_EQ(p.next_deadline(), t0 + 20ms);
}

TEST(Pacer, ShortStallCatchesUpFully) {
    Pacer p(20ms, 2);
    const auto t0 = Pacer::Clock::time_point{} + 1s;
    p.start(t0);
    EXPECT_EQ(p.due(t0), 1U);
    // 45 ms late for packet 1: packets 1, 2 and 3 are due (3 ≤ 1 + max_catch_up).
    EXPECT_EQ(p.due(t0 + 65ms), 3U);
    EXPECT_EQ(p.skipped(), 0U);
    EXPECT_EQ(p.next_deadline(), t0 + 80ms);
}

TEST(Pacer, LongStallIsBoundedAndBackOnTheGrid) {
    Pacer p(20ms, 2);
    const auto t0 = Pacer::Clock::time_point{} + 1s;
    p.start(t0);
    EXPECT_EQ(p.due(t0), 1U);
    // A 1 s stall: grid points 1..50 are due; only 3 go out, 47 are skipped, no burst after.
    EXPECT_EQ(p.due(t0 + 1000ms), 3U);
    EXPECT_EQ(p.skipped(), 47U);
    EXPECT_EQ(p.next_deadline(), t0 + 1020ms);
    EXPECT_EQ(p.due(t0 + 1020ms), 1U);
}

TEST(Pacer, NoCatchUpConfigured) {
    Pacer p(20ms, 0);
    const auto t0 = Pacer::Clock::time_point{} + 1s;
    p.start(t0);
    EXPECT_EQ(p.due(t0 + 100ms), 1U);
    EXPECT_EQ(p.skipped(), 5U);
    EXPECT_EQ(p.next_index(), 6U);
}

TEST(Pacer, OneDueAtEveryInstantOfAPeriodAndNoneEarly) {
    // The single-packet fast path and the catch-up path agree at the period's edges.
    Pacer p(20ms, 2);
    const auto t0 = Pacer::Clock::time_point{} + 1s;
    p.start(t0);
    EXPECT_EQ(p.due(t0 + 20ms - 1ns), 1U);  // point 0, just before point 1
    EXPECT_EQ(p.next_index(), 1U);
    EXPECT_EQ(p.due(t0 + 20ms - 1ns), 0U);
    EXPECT_EQ(p.due(t0 + 40ms), 2U);  // points 1 and 2 exactly at point 2
    EXPECT_EQ(p.next_index(), 3U);
    EXPECT_EQ(p.due(t0 + 60ms), 1U);  // point 3 exactly on time
    EXPECT_EQ(p.next_deadline(), t0 + 80ms);
    EXPECT_EQ(p.skipped(), 0U);
}

}  // namespace
