#include <voip/codec/error.hpp>
#include <voip/codec/telephone_event.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

namespace voip::codec {
namespace {

using std::chrono::milliseconds;

std::vector<TelephoneEventPacket> drain(DtmfSender& s, std::size_t limit = 100000) {
    std::vector<TelephoneEventPacket> out;
    for (std::size_t i = 0; i < limit && s.active(); ++i) {
        if (auto p = s.next()) out.push_back(*p);
    }
    EXPECT_FALSE(s.active()) << "sender did not finish within the bound";
    return out;
}

std::vector<DtmfEvent> feed(DtmfReceiver& r, const std::vector<TelephoneEventPacket>& packets) {
    std::vector<DtmfEvent> events;
    for (const auto& p : packets) {
        const auto bytes = p.payload();
        auto got = r.on_packet(p.timestamp, p.marker, bytes);
        EXPECT_TRUE(got);
        if (got) events.insert(events.end(), got->begin(), got->end());
    }
    return events;
}

std::string digits_of(const std::vector<DtmfEvent>& events) {
    std::string s;
    for (const auto& e : events)
        s += e.digit;
    return s;
}

TEST(TelephoneEvent, PayloadRoundTrip) {
    const TelephoneEvent e{.event = 11, .end = true, .volume = 37, .duration = 0xBEEF};
    const auto bytes = serialize(e);
    EXPECT_EQ(bytes, (std::array<std::uint8_t, 4>{11, 0x80 | 37, 0xBE, 0xEF}));
    const auto back = parse_telephone_event(bytes);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, e);
}

TEST(TelephoneEvent, ParseIgnoresReservedBitAndRejectsShortPayloads) {
    const std::array<std::uint8_t, 4> with_r{5, 0x40 | 10, 0x01, 0x40};
    const auto e = parse_telephone_event(with_r);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->event, 5);
    EXPECT_FALSE(e->end);
    EXPECT_EQ(e->volume, 10);
    EXPECT_EQ(e->duration, 320);
    EXPECT_EQ(parse_telephone_event({}).error(), Errc::empty_payload);
    const std::array<std::uint8_t, 3> short_payload{1, 2, 3};
    EXPECT_EQ(parse_telephone_event(short_payload).error(), Errc::truncated_payload);
}

TEST(TelephoneEvent, DigitCodes) {
    const std::string all = "0123456789*#ABCD";
    for (std::size_t i = 0; i < all.size(); ++i) {
        const auto code = dtmf_event_code(all[i]);
        ASSERT_TRUE(code);
        EXPECT_EQ(*code, i);
        EXPECT_EQ(dtmf_digit(*code), all[i]);
    }
    EXPECT_EQ(*dtmf_event_code('b'), 13);
    EXPECT_EQ(dtmf_event_code('x').error(), Errc::invalid_parameter);
    EXPECT_EQ(dtmf_digit(16), '?');
    const Format f = telephone_event_format();
    EXPECT_EQ(f.to_payload_format().rtpmap(), "telephone-event/8000");
    EXPECT_EQ(f.payload_type, 101);
    EXPECT_EQ(f.fmtp, "0-16");
}

// RFC 4733 §2.5.1: marker on the first packet, one timestamp for the event, duration growing
// by one packet time, and the end packet sent three times.
TEST(DtmfSender, OneDigitPacketSequence) {
    DtmfSender s;
    ASSERT_TRUE(s.send('5', 1000, milliseconds{100}, 12));
    const auto packets = drain(s);
    ASSERT_EQ(packets.size(), 7U);
    const std::array<std::uint16_t, 7> durations{160, 320, 480, 640, 800, 800, 800};
    for (std::size_t i = 0; i < packets.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(packets[i].timestamp, 1000U);
        EXPECT_EQ(packets[i].marker, i == 0);
        EXPECT_EQ(packets[i].event.event, 5);
        EXPECT_EQ(packets[i].event.volume, 12);
        EXPECT_EQ(packets[i].event.duration, durations[i]);
        EXPECT_EQ(packets[i].event.end, i >= 4);
    }
    EXPECT_FALSE(s.next());
}

TEST(DtmfSender, QueuedDigitsGetLaterTimestampsAfterAGap) {
    DtmfSender s;
    ASSERT_TRUE(s.send('1', 0, milliseconds{100}, 10, milliseconds{60}));
    ASSERT_TRUE(s.send('2', 0, milliseconds{100}, 10, milliseconds{60}));
    std::vector<TelephoneEventPacket> packets;
    std::size_t idle = 0;
    for (int i = 0; i < 100 && s.active(); ++i) {
        if (auto p = s.next()) {
            packets.push_back(*p);
        } else {
            ++idle;
        }
    }
    ASSERT_EQ(packets.size(), 14U);
    EXPECT_EQ(idle, 3U);                         // 60 ms gap = 3 packet times without events
    EXPECT_EQ(packets[7].timestamp, 160U * 10);  // 7 packets of '1' + 3 idle, 160 ticks each
    EXPECT_TRUE(packets[7].marker);
    EXPECT_EQ(packets[7].event.event, 2);
}

TEST(DtmfSender, RejectsBadDigitsAndDurations) {
    DtmfSender s;
    EXPECT_EQ(s.send('x', 0).error(), Errc::invalid_parameter);
    EXPECT_EQ(s.send('1', 0, milliseconds{0}).error(), Errc::invalid_parameter);
    EXPECT_EQ(s.send('1', 0, milliseconds{100}, 64).error(), Errc::invalid_parameter);
    EXPECT_FALSE(s.active());
    EXPECT_THROW(DtmfSender(8000, milliseconds{0}), std::invalid_argument);
}

TEST(DtmfSender, ShortDigitLastsOnePacketTime) {
    DtmfSender s;
    ASSERT_TRUE(s.send('#', 7, milliseconds{5}));
    const auto packets = drain(s);
    ASSERT_EQ(packets.size(), 3U);
    EXPECT_TRUE(packets[0].marker);
    for (const auto& p : packets) {
        EXPECT_TRUE(p.event.end);
        EXPECT_EQ(p.event.duration, 160);
    }
}

// RFC 4733 §2.5.1.3: 10 s at 8 kHz is 80000 ticks > 0xFFFF: two segments, the second starting
// 0xFFFF ticks later without marker; the receiver reassembles one 10 s press.
TEST(DtmfSender, LongEventIsSegmentedAndReassembled) {
    DtmfSender s;
    const std::uint32_t start = 0xFFFFFF00U;  // also crosses the 32-bit timestamp wrap
    ASSERT_TRUE(s.send('9', start, milliseconds{10000}));
    const auto packets = drain(s);
    std::vector<std::uint32_t> timestamps;
    for (const auto& p : packets) {
        if (timestamps.empty() || timestamps.back() != p.timestamp) {
            timestamps.push_back(p.timestamp);
        }
    }
    ASSERT_EQ(timestamps.size(), 2U);
    EXPECT_EQ(timestamps[1], start + 0xFFFFU);
    std::size_t markers = 0;
    for (const auto& p : packets)
        markers += p.marker ? 1 : 0;
    EXPECT_EQ(markers, 1U);
    const auto last = packets.back();
    EXPECT_TRUE(last.event.end);
    EXPECT_EQ(last.event.duration, 80000U - 0xFFFFU);

    DtmfReceiver r;
    const auto events = feed(r, packets);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].digit, '9');
    EXPECT_EQ(events[0].duration, milliseconds{10000});
    EXPECT_EQ(events[0].timestamp, start);
}

TEST(DtmfReceiver, SenderToReceiverEachDigitOnceInOrder) {
    DtmfSender s;
    const std::string digits = "0123456789*#ABCD";
    for (const char d : digits)
        ASSERT_TRUE(s.send(d, 42, milliseconds{80}));
    DtmfReceiver r;
    const auto events = feed(r, drain(s));
    EXPECT_EQ(digits_of(events), digits);
    for (const auto& e : events)
        EXPECT_EQ(e.duration, milliseconds{80});
    EXPECT_FALSE(r.flush());
}

TEST(DtmfReceiver, LostStartPacketDuplicatesAndReordering) {
    DtmfSender s;
    for (const char d : std::string{"147"})
        ASSERT_TRUE(s.send(d, 0, milliseconds{100}));
    auto packets = drain(s);
    // Lose every marker packet, duplicate every end packet, swap two updates.
    std::vector<TelephoneEventPacket> wire;
    for (const auto& p : packets) {
        if (p.marker) continue;
        wire.push_back(p);
        if (p.event.end) wire.push_back(p);
    }
    std::swap(wire[1], wire[2]);
    DtmfReceiver r;
    const auto events = feed(r, wire);
    EXPECT_EQ(digits_of(events), "147");
    for (const auto& e : events)
        EXPECT_EQ(e.duration, milliseconds{100});
}

TEST(DtmfReceiver, AllEndPacketsLostStillReportsEachDigitOnce) {
    DtmfSender s;
    for (const char d : std::string{"55"})
        ASSERT_TRUE(s.send(d, 0, milliseconds{100}));
    std::vector<TelephoneEventPacket> wire;
    for (const auto& p : drain(s)) {
        if (!p.event.end) wire.push_back(p);
    }
    DtmfReceiver r;
    auto events = feed(r, wire);  // the second '5' (new timestamp) closes the first
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].digit, '5');
    EXPECT_EQ(events[0].duration, milliseconds{80});  // last update seen
    const auto last = r.flush();
    ASSERT_TRUE(last);
    EXPECT_EQ(last->digit, '5');
    EXPECT_NE(last->timestamp, events[0].timestamp);
    EXPECT_FALSE(r.flush());
}

TEST(DtmfReceiver, RandomLossAndDuplicationNeverDoubleReports) {
    DtmfSender s;
    const std::string digits = "31415926#";
    for (const char d : digits)
        ASSERT_TRUE(s.send(d, 5, milliseconds{120}));
    const auto packets = drain(s);
    std::mt19937 rng(4733);
    std::bernoulli_distribution drop(0.2);
    std::bernoulli_distribution dup(0.3);
    for (int round = 0; round < 50; ++round) {
        std::vector<TelephoneEventPacket> wire;
        for (const auto& p : packets) {
            if (drop(rng)) continue;
            wire.push_back(p);
            if (dup(rng)) wire.push_back(p);
        }
        DtmfReceiver r;
        auto events = feed(r, wire);
        if (auto e = r.flush()) events.push_back(*e);
        // Every press whose packets were not all lost appears exactly once, in order.
        std::string expected;
        std::uint32_t ts = 0;
        bool first = true;
        for (const auto& p : wire) {
            if (first || p.timestamp != ts) expected += dtmf_digit(p.event.event);
            ts = p.timestamp;
            first = false;
        }
        EXPECT_EQ(digits_of(events), expected) << "round " << round;
    }
}

TEST(DtmfReceiver, IgnoresNonDtmfEventsAndRejectsMalformed) {
    DtmfReceiver r;
    const auto flash = serialize({.event = 16, .end = true, .volume = 10, .duration = 800});
    auto got = r.on_packet(0, true, flash);
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->empty());
    const std::array<std::uint8_t, 2> junk{1, 2};
    EXPECT_EQ(r.on_packet(0, true, junk).error(), Errc::truncated_payload);
}

}  // namespace
}  // namespace voip::codec
