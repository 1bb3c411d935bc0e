#include <voip/rtp/jitter_buffer.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace {

using namespace std::chrono_literals;
using voip::rtp::JitterBuffer;
using Kind = JitterBuffer::Frame::Kind;
using Push = JitterBuffer::PushResult;

const JitterBuffer::Clock::time_point t0{};

JitterBuffer::Config config(std::chrono::milliseconds min, std::chrono::milliseconds initial,
                            std::chrono::milliseconds max = 200ms) {
    JitterBuffer::Config c;
    c.min_delay = min;
    c.initial_delay = initial;
    c.max_delay = max;
    return c;
}

// Pushes packet `seq` of a 20 ms / 8 kHz stream whose payload is its sequence number.
Push push(JitterBuffer& jb, std::uint32_t seq, std::chrono::milliseconds arrival,
          std::uint32_t ssrc = 1, bool marker = false) {
    const std::array<std::uint8_t, 2> payload = {static_cast<std::uint8_t>(seq >> 8),
                                                 static_cast<std::uint8_t>(seq)};
    return jb.push(ssrc, static_cast<std::uint16_t>(seq), seq * 160U, 0, marker, payload,
                   t0 + arrival);
}

std::uint16_t payload_seq(const JitterBuffer::Frame& f) {
    return static_cast<std::uint16_t>((f.payload[0] << 8) | f.payload[1]);
}

TEST(JitterBuffer, PlaysAnInOrderStreamUnchanged) {
    JitterBuffer jb{config(20ms, 20ms)};
    for (std::uint32_t i = 0; i < 100; ++i) {
        EXPECT_EQ(push(jb, i, i * 20ms), Push::accepted);
        auto f = jb.pop();
        ASSERT_EQ(f.kind, Kind::audio) << i;
        EXPECT_EQ(f.sequence, i);
        EXPECT_EQ(f.timestamp, i * 160);
        EXPECT_EQ(payload_seq(f), i);
    }
    const auto s = jb.statistics();
    EXPECT_EQ(s.received, 100U);
    EXPECT_EQ(s.played, 100U);
    EXPECT_EQ(s.lost, 0U);
    EXPECT_EQ(s.jitter, 0us);  // constant transit
    EXPECT_EQ(s.target_depth, 20ms);
    EXPECT_EQ(s.depth, 0ms);
}

// The cache hints read the buffer's state and change nothing: with them called before every push
// and pop (an empty buffer, a started one, the ring wrapping many times), the stream plays exactly
// as without them.
TEST(JitterBuffer, CacheHintsChangeNothing) {
    JitterBuffer hinted{config(20ms, 40ms)};
    JitterBuffer plain{config(20ms, 40ms)};
    hinted.prefetch_arrival();  // not started: nothing to point at
    hinted.prefetch_next();
    for (std::uint32_t i = 0; i < 200; ++i) {
        if (i % 7 == 3) continue;  // a loss now and then
        hinted.prefetch_arrival();
        EXPECT_EQ(push(hinted, i, i * 20ms), push(plain, i, i * 20ms)) << i;
        hinted.prefetch_next();
        const auto a = hinted.pop();
        const auto b = plain.pop();
        ASSERT_EQ(a.kind, b.kind) << i;
        EXPECT_EQ(a.sequence, b.sequence) << i;
        if (a.kind == Kind::audio) {
            EXPECT_EQ(payload_seq(a), payload_seq(b)) << i;
        }
    }
    EXPECT_EQ(hinted.statistics().played, plain.statistics().played);
    EXPECT_EQ(hinted.statistics().lost, plain.statistics().lost);
    EXPECT_GT(hinted.statistics().played, 140U);  // it did play: 171 pushed, 40 ms held back
}

TEST(JitterBuffer, PrefetchesToTheInitialDepth) {
    JitterBuffer jb{config(20ms, 60ms)};
    EXPECT_EQ(jb.pop().kind, Kind::buffering);  // nothing yet
    push(jb, 0, 0ms);
    EXPECT_EQ(jb.pop().kind, Kind::buffering);
    push(jb, 1, 20ms);
    EXPECT_EQ(jb.pop().kind, Kind::buffering);
    push(jb, 2, 40ms);
    auto f = jb.pop();
    ASSERT_EQ(f.kind, Kind::audio);
    EXPECT_EQ(f.sequence, 0);
    EXPECT_EQ(jb.statistics().depth, 40ms);
    EXPECT_EQ(jb.statistics().buffering, 0U);  // initial prefetch is not an underrun
}

TEST(JitterBuffer, ReordersPackets) {
    JitterBuffer jb{config(60ms, 60ms)};
    // Arrival order 0 2 1 4 3 6 5 ..., one packet per 20 ms.
    std::vector<std::uint32_t> order = {0};
    for (std::uint32_t i = 1; i + 1 < 200; i += 2) {
        order.push_back(i + 1);
        order.push_back(i);
    }
    std::vector<std::uint16_t> played;
    for (std::size_t k = 0; k < order.size(); ++k) {
        EXPECT_EQ(push(jb, order[k], std::chrono::milliseconds{20 * k}), Push::accepted);
        auto f = jb.pop();
        EXPECT_NE(f.kind, Kind::lost) << k;
        if (f.kind == Kind::audio) {
            EXPECT_EQ(payload_seq(f), f.sequence);
            played.push_back(f.sequence);
        }
    }
    ASSERT_GT(played.size(), 150U);
    for (std::size_t i = 0; i < played.size(); ++i)
        EXPECT_EQ(played[i], i);
    EXPECT_EQ(jb.statistics().lost, 0U);
    EXPECT_EQ(jb.statistics().late, 0U);
}

TEST(JitterBuffer, StartsAtTheEarliestPacketWhilePrefetching) {
    JitterBuffer jb{config(60ms, 60ms)};
    push(jb, 12, 0ms);
    push(jb, 10, 1ms);
    push(jb, 11, 2ms);
    auto f = jb.pop();
    ASSERT_EQ(f.kind, Kind::audio);
    EXPECT_EQ(f.sequence, 10);
    EXPECT_EQ(jb.pop().sequence, 11);
    EXPECT_EQ(jb.pop().sequence, 12);
}

TEST(JitterBuffer, DropsDuplicates) {
    JitterBuffer jb{config(20ms, 40ms)};
    EXPECT_EQ(push(jb, 0, 0ms), Push::accepted);
    EXPECT_EQ(push(jb, 0, 1ms), Push::duplicate);
    EXPECT_EQ(push(jb, 1, 20ms), Push::accepted);
    EXPECT_EQ(push(jb, 1, 21ms), Push::duplicate);
    EXPECT_EQ(jb.pop().sequence, 0);
    EXPECT_EQ(jb.pop().sequence, 1);
    const auto s = jb.statistics();
    EXPECT_EQ(s.duplicate, 2U);
    EXPECT_EQ(s.received, 2U);
    EXPECT_EQ(s.played, 2U);
}

TEST(JitterBuffer, LatePacketsAreDroppedAfterTheirGapWasConcealed) {
    JitterBuffer jb{config(20ms, 20ms)};
    push(jb, 0, 0ms);
    EXPECT_EQ(jb.pop().kind, Kind::audio);
    push(jb, 2, 40ms);  // 1 is missing at its playout time
    auto f = jb.pop();
    EXPECT_EQ(f.kind, Kind::lost);
    EXPECT_EQ(f.sequence, 1);
    EXPECT_EQ(push(jb, 1, 45ms), Push::late);  // arrives after it was concealed
    f = jb.pop();
    EXPECT_EQ(f.kind, Kind::audio);
    EXPECT_EQ(f.sequence, 2);
    const auto s = jb.statistics();
    EXPECT_EQ(s.late, 1U);
    EXPECT_EQ(s.lost, 1U);
    EXPECT_EQ(s.played, 2U);
}

TEST(JitterBuffer, ReportsLossAsGapsForConcealment) {
    JitterBuffer jb{config(60ms, 60ms)};
    std::vector<Kind> kinds;
    std::vector<std::uint16_t> seqs;
    for (std::uint32_t i = 0; i < 30; ++i) {
        if (i != 10 && i != 11 && i != 20) push(jb, i, i * 20ms);
        auto f = jb.pop();
        if (f.kind != Kind::buffering) {
            kinds.push_back(f.kind);
            seqs.push_back(f.sequence);
        }
    }
    // Playout runs two frames behind: sequences 0..27 have come out, in order.
    ASSERT_EQ(seqs.size(), 28U);
    for (std::size_t i = 0; i < seqs.size(); ++i) {
        EXPECT_EQ(seqs[i], i);
        const bool missing = i == 10 || i == 11 || i == 20;
        EXPECT_EQ(kinds[i], missing ? Kind::lost : Kind::audio) << i;
    }
    EXPECT_EQ(jb.statistics().lost, 3U);
    EXPECT_EQ(jb.statistics().underruns, 0U);
}

TEST(JitterBuffer, UnderrunRebuffers) {
    JitterBuffer jb{config(40ms, 40ms)};
    push(jb, 0, 0ms);
    push(jb, 1, 20ms);
    EXPECT_EQ(jb.pop().sequence, 0);
    EXPECT_EQ(jb.pop().sequence, 1);
    EXPECT_EQ(jb.pop().kind, Kind::buffering);  // ran dry
    EXPECT_EQ(jb.statistics().underruns, 1U);
    push(jb, 2, 100ms);
    EXPECT_EQ(jb.pop().kind, Kind::buffering);  // back to the 2-frame target first
    push(jb, 3, 120ms);
    auto f = jb.pop();
    EXPECT_EQ(f.kind, Kind::audio);
    EXPECT_EQ(f.sequence, 2);
}

TEST(JitterBuffer, HandlesSequenceWrapAround) {
    JitterBuffer jb{config(40ms, 40ms)};
    std::vector<std::uint16_t> played;
    for (std::uint32_t i = 0; i < 20; ++i) {
        const std::uint32_t seq = (65530 + i) & 0xFFFF;
        const std::array<std::uint8_t, 1> p = {static_cast<std::uint8_t>(i)};
        EXPECT_EQ(jb.push(7, static_cast<std::uint16_t>(seq), i * 160, 0, false, p, t0 + i * 20ms),
                  Push::accepted);
        auto f = jb.pop();
        if (f.kind == Kind::audio) played.push_back(f.sequence);
    }
    ASSERT_EQ(played.size(), 19U);
    for (std::size_t i = 0; i < played.size(); ++i) {
        EXPECT_EQ(played[i], static_cast<std::uint16_t>(65530 + i));
    }
    EXPECT_EQ(jb.statistics().lost, 0U);
    EXPECT_EQ(jb.statistics().resyncs, 0U);
}

// Simulates a stream: packet i is sent at 20·i ms and arrives at 20·i + delay(i) ms; the
// buffer is popped every 20 ms. Returns each popped frame with its playout delay (pop time
// minus send time; 0 for frames without a packet).
struct Played {
    JitterBuffer::Frame frame;
    std::int64_t delay_ms = 0;
};

template <class Delay>
std::vector<Played> simulate(JitterBuffer& jb, std::uint32_t first, std::uint32_t count,
                             Delay delay) {
    struct Arrival {
        std::int64_t at;
        std::uint32_t seq;
    };
    std::vector<Arrival> arrivals;
    for (std::uint32_t i = first; i < first + count; ++i) {
        arrivals.push_back({20 * std::int64_t{i} + delay(i), i});
    }
    std::stable_sort(arrivals.begin(), arrivals.end(),
                     [](const Arrival& a, const Arrival& b) { return a.at < b.at; });
    std::vector<Played> frames;
    std::size_t next = 0;
    for (std::int64_t tick = 20 * std::int64_t{first}; tick <= 20 * std::int64_t{first + count};
         tick += 20) {
        while (next < arrivals.size() && arrivals[next].at <= tick) {
            push(jb, arrivals[next].seq, std::chrono::milliseconds{arrivals[next].at});
            ++next;
        }
        auto f = jb.pop();
        if (jb.shrink_due()) {  // a caller at a quiet moment: leave this frame out
            const auto extra = jb.pop_extra();
            if (extra.kind != Kind::buffering) f = extra;
        }
        const std::int64_t delay =
            f.kind == Kind::audio ? tick - 20 * std::int64_t{f.timestamp / 160} : 0;
        frames.push_back({f, delay});
    }
    return frames;
}

TEST(JitterBuffer, AdaptsDepthToJitterAndBack) {
    JitterBuffer jb{config(20ms, 20ms, 200ms)};
    // Phase 1: every other packet delayed by 50 ms -> |D| = 50 ms per packet.
    auto jittery = simulate(jb, 0, 500, [](std::uint32_t i) { return (i % 2) != 0 ? 50 : 0; });
    auto s = jb.statistics();
    EXPECT_GT(s.jitter, 45ms);
    EXPECT_LE(s.jitter, 50ms);
    EXPECT_GE(s.target_depth, 160ms);  // 3 × 50 + 20, rounded to frames and clamped
    EXPECT_LE(s.target_depth, 200ms);
    // Once grown, the delayed packets arrive in time: no loss in the last 200 frames.
    const auto lost_late = std::count_if(jittery.end() - 200, jittery.end(),
                                         [](const auto& p) { return p.frame.kind == Kind::lost; });
    EXPECT_EQ(lost_late, 0);
    // ... because playout now runs more than 50 ms behind the sender.
    for (auto it = jittery.end() - 200; it != jittery.end() - 20; ++it) {
        if (it->frame.kind == Kind::audio) {
            EXPECT_GE(it->delay_ms, 60);
        }
    }
    const auto discarded_before = s.discarded;

    // Phase 2: a clean network. The estimate decays and the buffer sheds the extra depth.
    auto clean = simulate(jb, 500, 1500, [](std::uint32_t) { return 0; });
    s = jb.statistics();
    EXPECT_LT(s.jitter, 1ms);
    EXPECT_EQ(s.target_depth, 20ms);
    EXPECT_GT(s.discarded, discarded_before);
    // The tail of the clean phase plays every packet, at most two frames behind the sender.
    for (auto it = clean.end() - 100; it != clean.end() - 5; ++it) {
        EXPECT_EQ(it->frame.kind, Kind::audio);
        EXPECT_LE(it->delay_ms, 40);
    }
}

TEST(JitterBuffer, LeavesTheShrinkToTheCaller) {
    // Playout starts 100 ms behind a jitter-free stream whose target is one frame: the extra
    // delay is spare, but the buffer never drops a frame by itself (it might be mid-word).
    JitterBuffer jb{config(20ms, 100ms)};
    std::uint32_t pushed = 0;
    std::uint16_t expected = 0;
    for (std::uint32_t tick = 0; tick < 150; ++tick) {
        push(jb, pushed, tick * 20ms);
        ++pushed;
        const auto f = jb.pop();
        if (f.kind == Kind::buffering) continue;
        ASSERT_EQ(f.kind, Kind::audio) << tick;
        EXPECT_EQ(f.sequence, expected) << tick;  // every frame, in order, none skipped
        ++expected;
    }
    EXPECT_TRUE(jb.shrink_due());
    EXPECT_EQ(jb.statistics().discarded, 0U);
    const auto depth = jb.depth_frames();
    EXPECT_GE(depth, 3U);

    // The caller leaves out the frame it just had and takes the next in the same period.
    push(jb, pushed, 150 * 20ms);
    ++pushed;
    const auto left_out = jb.pop();
    ASSERT_EQ(left_out.kind, Kind::audio);
    EXPECT_EQ(left_out.sequence, expected);
    const auto extra = jb.pop_extra();
    ASSERT_EQ(extra.kind, Kind::audio);
    EXPECT_EQ(extra.sequence, static_cast<std::uint16_t>(expected + 1));
    EXPECT_EQ(jb.depth_frames(), depth - 1);  // one frame less behind the sender
    EXPECT_EQ(jb.statistics().discarded, 1U);
    EXPECT_FALSE(jb.shrink_due());

    // Not due any more: pop_extra() gives nothing and takes nothing.
    const auto none = jb.pop_extra();
    EXPECT_EQ(none.kind, Kind::buffering);
    EXPECT_EQ(jb.depth_frames(), depth - 1);
    EXPECT_EQ(jb.statistics().discarded, 1U);
}

TEST(JitterBuffer, ShrinkIsCancelledWhenTheDepthFellMeanwhile) {
    JitterBuffer jb{config(20ms, 100ms)};
    std::uint32_t tick = 0;
    for (; tick < 150; ++tick) {
        push(jb, tick, tick * 20ms);
        (void)jb.pop();
    }
    ASSERT_TRUE(jb.shrink_due());
    // The sender stalls: playout eats into the spare delay until only the target is left.
    while (jb.depth_frames() > 1)
        (void)jb.pop();
    EXPECT_EQ(jb.pop_extra().kind, Kind::buffering);
    EXPECT_FALSE(jb.shrink_due());
    EXPECT_EQ(jb.statistics().discarded, 0U);
}

TEST(JitterBuffer, ResyncsOnNewSsrcAndSequenceJump) {
    JitterBuffer jb{config(20ms, 20ms)};
    for (std::uint32_t i = 0; i < 5; ++i) {
        push(jb, i, i * 20ms, 1);
        EXPECT_EQ(jb.pop().kind, Kind::audio);
    }
    EXPECT_EQ(push(jb, 40000, 100ms, 2), Push::accepted);  // another source
    auto f = jb.pop();
    ASSERT_EQ(f.kind, Kind::audio);
    EXPECT_EQ(f.sequence, 40000);
    EXPECT_EQ(jb.statistics().resyncs, 1U);
    // Same source, sequence jumps by 10000: a restart, not 10000 lost packets.
    EXPECT_EQ(push(jb, 50000, 120ms, 2), Push::accepted);
    f = jb.pop();
    ASSERT_EQ(f.kind, Kind::audio);
    EXPECT_EQ(f.sequence, 50000);
    const auto s = jb.statistics();
    EXPECT_EQ(s.resyncs, 2U);
    EXPECT_EQ(s.lost, 0U);
}

TEST(JitterBuffer, TimestampJumpDoesNotInflateJitter) {
    JitterBuffer jb{config(20ms, 20ms)};
    const std::array<std::uint8_t, 1> p{};
    for (std::uint32_t i = 0; i < 50; ++i) {
        // After packet 25 the sender's timestamp jumps by ~3 hours at 8 kHz.
        const std::uint32_t ts = i * 160 + (i >= 25 ? 90'000'000U : 0U);
        jb.push(1, static_cast<std::uint16_t>(i), ts, 0, false, p, t0 + i * 20ms);
        EXPECT_EQ(jb.pop().kind, Kind::audio);
    }
    EXPECT_LT(jb.statistics().jitter, 1ms);
    EXPECT_EQ(jb.statistics().target_depth, 20ms);
}

TEST(JitterBuffer, MarkerBitAndPayloadTypeAreKept) {
    JitterBuffer jb{config(20ms, 20ms)};
    const std::array<std::uint8_t, 3> p = {1, 2, 3};
    jb.push(1, 100, 16000, 9, true, p, t0);
    auto f = jb.pop();
    ASSERT_EQ(f.kind, Kind::audio);
    EXPECT_TRUE(f.marker);
    EXPECT_EQ(f.payload_type, 9);
    ASSERT_EQ(f.payload.size(), 3U);
    EXPECT_EQ(f.payload[2], 3);
}

TEST(JitterBuffer, MemoryIsBounded) {
    auto c = config(20ms, 20ms);
    c.capacity = 16;
    c.max_payload = 4;
    JitterBuffer jb{c};
    const std::array<std::uint8_t, 5> big{};
    EXPECT_EQ(jb.push(1, 0, 0, 0, false, big, t0), Push::too_large);
    EXPECT_EQ(jb.statistics().too_large, 1U);
    // The consumer stalls while 100 packets arrive: only the newest `capacity` survive.
    for (std::uint32_t i = 0; i < 100; ++i)
        EXPECT_EQ(push(jb, i, i * 20ms), Push::accepted);
    EXPECT_LE(jb.depth_frames(), 16U);
    EXPECT_EQ(jb.statistics().discarded, 100U - 16U);
    auto f = jb.pop();
    ASSERT_EQ(f.kind, Kind::audio);
    EXPECT_EQ(f.sequence, 84);
}

TEST(JitterBuffer, StorageGrowsWithThePayloadsAndKeepsWhatIsBuffered) {
    JitterBuffer jb{config(20ms, 60ms)};
    EXPECT_EQ(jb.storage_bytes(), 0U);  // nothing reserved before a packet arrives
    // A 20 ms G.711 stream: 160-byte payloads need 32 slots of 192 bytes, not of 1500.
    std::vector<std::uint8_t> payload(160);
    const auto fill = [&](std::size_t size, std::uint32_t seq) {
        payload.assign(size, 0);
        for (std::size_t i = 0; i < size; ++i)
            payload[i] = static_cast<std::uint8_t>(seq * 31 + i);
        return jb.push(1, static_cast<std::uint16_t>(seq), seq * 160U, 0, false, payload,
                       t0 + seq * 20ms);
    };
    ASSERT_EQ(fill(160, 0), Push::accepted);
    ASSERT_EQ(fill(160, 1), Push::accepted);
    EXPECT_EQ(jb.storage_bytes(), 32U * 192U);
    // A larger payload re-lays the storage out; what was buffered keeps its bytes.
    ASSERT_EQ(fill(700, 2), Push::accepted);
    EXPECT_EQ(jb.storage_bytes(), 32U * 704U);
    ASSERT_EQ(fill(20, 3), Push::accepted);
    EXPECT_EQ(jb.storage_bytes(), 32U * 704U);  // never shrinks below the largest seen
    const std::array<std::size_t, 4> sizes = {160, 160, 700, 20};
    for (std::uint32_t seq = 0; seq < sizes.size(); ++seq) {
        const auto f = jb.pop();
        ASSERT_EQ(f.kind, Kind::audio) << seq;
        ASSERT_EQ(f.payload.size(), sizes[seq]);
        for (std::size_t i = 0; i < f.payload.size(); ++i)
            ASSERT_EQ(f.payload[i], static_cast<std::uint8_t>(seq * 31 + i)) << seq << " " << i;
    }
    // Bounded by max_payload whatever arrives.
    ASSERT_EQ(fill(1500, 4), Push::accepted);
    EXPECT_EQ(jb.storage_bytes(), 32U * 1500U);
}

TEST(JitterBuffer, RejectsInconsistentConfiguration) {
    auto c = config(100ms, 100ms, 50ms);
    EXPECT_THROW(JitterBuffer{c}, std::invalid_argument);
    auto small = config(20ms, 20ms, 200ms);
    small.capacity = 10;  // 200 ms / 20 ms = 10 frames need more than 11 slots
    EXPECT_THROW(JitterBuffer{small}, std::invalid_argument);
}

}  // namespace
