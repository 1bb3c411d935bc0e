#include <voip/audio/audio_call.hpp>
#include <voip/audio/error.hpp>
#include <voip/audio/media_clock.hpp>
#include <voip/codec/error.hpp>
#include <voip/rtp/multiplexer.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/error.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/use_future.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <future>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "audio/audio_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using voip::audio::AudioCall;
using voip::audio::test::Clock;
using voip::audio::test::loopback_config;
using voip::audio::test::Prefer;
using voip::audio::test::run_for;
using voip::audio::test::run_until;

struct Seen {
    std::uint8_t payload_type;
    bool marker;
    std::uint16_t sequence;
    std::uint32_t timestamp;
    Clock::time_point arrival;
};

// Records every RTP packet it receives (before the jitter buffer) and every DTMF digit.
class Sniffer : public AudioCall {
public:
    using AudioCall::AudioCall;
    std::vector<Seen> packets;
    std::vector<std::pair<char, std::chrono::milliseconds>> digits;
    int sent_callbacks = 0;

protected:
    void on_packet(const voip::rtp::PacketView& p) override {
        packets.push_back(
            {p.payload_type(), p.marker(), p.sequence(), p.timestamp(), Clock::now()});
        AudioCall::on_packet(p);
    }
    void on_dtmf(char digit, std::chrono::milliseconds duration) override {
        digits.emplace_back(digit, duration);
    }
    void on_audio_sent() override { ++sent_callbacks; }
};

struct Pair {
    explicit Pair(const std::string& codec,
                  voip::sdp::CryptoPolicy crypto = voip::sdp::CryptoPolicy::off)
        : a_mux(io, loopback_config()),
          b_mux(io, loopback_config()),
          a(std::vector{codec}, a_mux),
          b(std::vector{codec}, b_mux) {
        voip::audio::test::connect(a, b, crypto);
    }
    asio::io_context io;
    voip::rtp::Multiplexer a_mux;
    voip::rtp::Multiplexer b_mux;
    Prefer<Sniffer> a;
    Prefer<Sniffer> b;
};

TEST(AudioCall, DtmfArrivesInOrderEachOnce) {
    for (const std::string codec : {"PCMU", "opus"}) {
        SCOPED_TRACE(codec);
        Pair p(codec);
        ASSERT_FALSE(HasFatalFailure());
        const std::string digits = "147*0#2580369ABCD";
        for (const char d : digits)
            ASSERT_TRUE(p.a.send_dtmf(d, 60ms));
        ASSERT_TRUE(run_until(
            p.io, [&] { return p.b.digits.size() >= digits.size(); }, 10s));
        run_for(p.io, 200ms);  // any duplicate would show up now
        std::string got;
        for (const auto& [d, duration] : p.b.digits) {
            got += d;
            EXPECT_EQ(duration, 60ms);
        }
        EXPECT_EQ(got, digits);
        EXPECT_EQ(p.b.audio_stats().dtmf_received, digits.size());
        // 60 ms: updates at 20 and 40 ms, the end at 60 ms and its two repeats (RFC 4733 §2.5.1.4).
        EXPECT_EQ(p.a.audio_stats().dtmf_packets_sent, digits.size() * 5);
        EXPECT_TRUE(p.a.digits.empty());  // nothing flowed the other way
    }
}

TEST(AudioCall, DtmfNeedsTelephoneEventAndAValidDigit) {
    asio::io_context io;
    voip::rtp::Multiplexer mux(io, loopback_config());
    voip::audio::AudioConfig no_te;
    no_te.telephone_event = false;
    Prefer<Sniffer> a(std::vector<std::string>{"PCMU"}, mux, no_te);
    Prefer<Sniffer> b(std::vector<std::string>{"PCMU"}, mux);
    EXPECT_EQ(a.send_dtmf('1').error(), voip::audio::Errc::not_started);
    voip::audio::test::connect(a, b, voip::sdp::CryptoPolicy::off);
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_EQ(a.send_dtmf('1').error(), voip::audio::Errc::no_telephone_event);
    EXPECT_EQ(b.send_dtmf('1').error(), voip::audio::Errc::no_telephone_event);
}

TEST(AudioCall, TimestampsFollowTheClockThroughSpeechSilenceAndDtmf) {
    Pair p("PCMU");
    ASSERT_FALSE(HasFatalFailure());
    run_for(p.io, 100ms);                                  // silence
    p.a.send_audio(std::vector<float>(16000 / 10, 0.3F));  // 100 ms of speech
    ASSERT_TRUE(run_until(
        p.io, [&] { return p.a.sent_callbacks == 1; }, 2s));
    ASSERT_TRUE(p.a.send_dtmf('5', 100ms));
    run_for(p.io, 300ms);
    p.a.send_audio(std::vector<float>(16000 / 10, 0.3F));
    ASSERT_TRUE(run_until(
        p.io, [&] { return p.a.sent_callbacks == 2; }, 2s));
    run_for(p.io, 100ms);

    const auto& seen = p.b.packets;
    ASSERT_GT(seen.size(), 30U);
    int markers = 0;
    int dtmf = 0;
    std::optional<std::uint32_t> event_ts;
    for (std::size_t i = 1; i < seen.size(); ++i) {
        const auto& prev = seen[i - 1];
        const auto& cur = seen[i];
        ASSERT_EQ(static_cast<std::uint16_t>(prev.sequence + 1), cur.sequence) << i;
        if (cur.payload_type == 0) {
            // Audio: always on the 8 kHz clock, 160 ticks per 20 ms from the previous audio
            // packet or from the event's start across a digit.
            if (prev.payload_type == 0) {
                EXPECT_EQ(cur.timestamp - prev.timestamp, 160U) << i;
            } else {
                ASSERT_TRUE(event_ts.has_value());
                EXPECT_EQ((cur.timestamp - *event_ts) % 160U, 0U) << i;
                EXPECT_GT(cur.timestamp - *event_ts, 800U - 1U) << i;  // after the 100 ms event
            }
            if (cur.marker) ++markers;
        } else {
            ++dtmf;
            // RFC 4733 §2.5.1.2: every packet of the event carries its start timestamp, which is
            // on the audio clock, one packet time after the audio before it.
            if (!event_ts) {
                EXPECT_TRUE(cur.marker);
                EXPECT_EQ(cur.timestamp - prev.timestamp, 160U);
                event_ts = cur.timestamp;
            }
            EXPECT_EQ(cur.timestamp, *event_ts);
        }
    }
    // RFC 3551 §4.1: the marker bit on the first packet of each talkspurt, and only there.
    EXPECT_EQ(markers, 2);
    EXPECT_EQ(dtmf, 4 + 3);  // updates at 20..80 ms, the end at 100 ms sent three times
}

// The io_context's one MediaClock ticks every call: two calls started 30 ms apart (10 ms out
// of phase on their own timers) send in the same wake-ups, and each keeps continuous RTP
// sequence numbers and timestamps of its own. With one phase: by default the clock spreads
// the calls over slots of the 20 ms (tests/audio/media_clock_test.cpp).
TEST(AudioCall, CallsStartedApartShareTheClockAndKeepTheirOwnTimestamps) {
    asio::io_context io;
    voip::audio::MediaClock::of(io).set_phases(1);
    voip::rtp::Multiplexer a_mux(io, loopback_config());
    voip::rtp::Multiplexer b_mux(io, loopback_config());
    Prefer<Sniffer> a1(std::vector<std::string>{"PCMU"}, a_mux);
    Prefer<Sniffer> b1(std::vector<std::string>{"PCMU"}, b_mux);
    Prefer<Sniffer> a2(std::vector<std::string>{"PCMU"}, a_mux);
    Prefer<Sniffer> b2(std::vector<std::string>{"PCMU"}, b_mux);
    voip::audio::test::connect(a1, b1, voip::sdp::CryptoPolicy::off);
    ASSERT_FALSE(HasFatalFailure());
    run_for(io, 30ms);
    voip::audio::test::connect(a2, b2, voip::sdp::CryptoPolicy::off);
    ASSERT_FALSE(HasFatalFailure());
    auto& clock = voip::audio::MediaClock::of(io);
    EXPECT_EQ(clock.subscribers(), 4U);
    const auto wakeups = clock.wakeups();
    run_for(io, 1000ms);
    // One timer for the four calls: about 50 wake-ups a second, not 200.
    EXPECT_LE(clock.wakeups() - wakeups, 60U);
    EXPECT_GE(clock.wakeups() - wakeups, 25U);

    for (const auto* b : {&b1, &b2}) {
        ASSERT_GT(b->packets.size(), 30U);
        for (std::size_t i = 1; i < b->packets.size(); ++i) {
            const auto& prev = b->packets[i - 1];
            const auto& cur = b->packets[i];
            ASSERT_EQ(static_cast<std::uint16_t>(prev.sequence + 1), cur.sequence) << i;
            ASSERT_EQ(cur.timestamp - prev.timestamp, 160U) << i;
        }
    }
    // Phase: each packet of call 2 arrives close to one of call 1 (same wake-up), where two
    // timers of their own would keep them ~10 ms apart. The median is robust to a loaded machine.
    std::vector<double> offsets;
    for (const auto& p2 : b2.packets) {
        double best = 1e9;
        for (const auto& p1 : b1.packets) {
            const double d = std::abs(
                std::chrono::duration<double, std::milli>(p2.arrival - p1.arrival).count());
            best = std::min(best, d);
        }
        offsets.push_back(best);
    }
    std::sort(offsets.begin(), offsets.end());
    const double median = offsets[offsets.size() / 2];
    std::printf("        phase offset between the calls' packets: median %.3f ms\n", median);
    EXPECT_LT(median, 5.0);

    a1.stop_media();
    b2.stop_media();
    EXPECT_EQ(clock.subscribers(), 2U);
}

// The session's RFC 3550 jitter runs at the negotiated clock (48000 for Opus): at 8000 every
// 20 ms packet would look 100 ms (800 ticks) out of step with the one before and the estimate
// would climb towards 100 ms on a perfectly steady stream.
TEST(AudioCall, SessionJitterUsesTheNegotiatedClockRate) {
    Pair p("opus");
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_EQ(p.a.config().clock_rate, 48000U);
    EXPECT_EQ(p.b.config().clock_rate, 48000U);
    ASSERT_TRUE(run_until(
        p.io, [&] { return p.b.stats().packets_received >= 50; }, 5s));
    const auto jitter = p.b.stats().jitter_time;
    std::printf("        Opus session jitter after %llu packets: %.3f ms\n",
                static_cast<unsigned long long>(p.b.stats().packets_received),
                static_cast<double>(jitter.count()) / 1000.0);
    EXPECT_LT(jitter, std::chrono::milliseconds(20));
}

// A receiver that loses every 10th packet before its jitter buffer (an in-process loss shim).
class LossyReceiver : public Sniffer {
public:
    using Sniffer::Sniffer;
    int dropped = 0;

protected:
    void on_packet(const voip::rtp::PacketView& p) override {
        if (p.sequence() % 10 == 5) {
            ++dropped;
            return;
        }
        Sniffer::on_packet(p);
    }
};

// RFC 7587 §3.3: with Opus, a lost frame whose next packet is already in the jitter buffer is
// rebuilt from that packet's in-band FEC; G.711 has none and conceals every lost frame.
TEST(AudioCall, OpusRecoversLostFramesFromTheNextPacketsFec) {
    for (const std::string codec : {"opus", "PCMU"}) {
        SCOPED_TRACE(codec);
        asio::io_context io;
        voip::rtp::Multiplexer a_mux(io, loopback_config());
        voip::rtp::Multiplexer b_mux(io, loopback_config());
        Prefer<Sniffer> a(std::vector{codec}, a_mux);
        voip::audio::AudioConfig config;
        config.jitter.min_delay = std::chrono::milliseconds(60);  // the next packet is here
        Prefer<LossyReceiver> b(std::vector{codec}, b_mux, config);
        voip::audio::test::connect(a, b, voip::sdp::CryptoPolicy::off);
        ASSERT_FALSE(HasFatalFailure());
        // 2 s of a voiced signal (harmonics of 150 Hz): Opus spends FEC bits on voice.
        std::vector<float> voice(16000 * 2);
        for (std::size_t i = 0; i < voice.size(); ++i) {
            const double t = static_cast<double>(i) / 16000.0;
            double v = 0;
            for (int h = 1; h <= 8; ++h)
                v += std::sin(2 * 3.14159265358979 * 150.0 * h * t) / h;
            voice[i] = static_cast<float>(0.2 * v);
        }
        a.send_audio(voice);
        ASSERT_TRUE(run_until(
            io, [&] { return a.sent_callbacks == 1; }, 5s));
        run_for(io, 200ms);
        const auto st = b.audio_stats();
        std::printf(
            "        %s: dropped %d, jitter buffer lost %llu, recovered %llu, concealed %llu\n",
            codec.c_str(), b.dropped, static_cast<unsigned long long>(st.jitter_buffer.lost),
            static_cast<unsigned long long>(st.frames_recovered),
            static_cast<unsigned long long>(st.frames_concealed));
        EXPECT_GT(b.dropped, 5);
        EXPECT_GT(st.jitter_buffer.lost, 5U);
        if (codec == "opus") {
            EXPECT_GT(st.frames_recovered, 0U);
        } else {
            EXPECT_EQ(st.frames_recovered, 0U);
            EXPECT_GT(st.frames_concealed, 0U);
        }
    }
}

TEST(AudioCall, SendAudioCompletesWhenSentAndCancelAborts) {
    Pair p("G722");
    ASSERT_FALSE(HasFatalFailure());
    const std::vector<float> tone(16000 / 5, 0.2F);  // 200 ms
    std::vector<std::error_code> results;
    std::optional<Clock::time_point> done_at;
    const auto start = Clock::now();
    p.a.send_audio(tone, [&](std::error_code ec) {
        results.push_back(ec);
        done_at = Clock::now();
    });
    auto future = p.a.send_audio(tone, asio::use_future);
    ASSERT_TRUE(run_until(
        p.io, [&] { return results.size() == 1; }, 2s));
    EXPECT_FALSE(results[0]);
    // 200 ms of audio at 20 ms per packet: it cannot have left much sooner.
    EXPECT_GE(*done_at - start, 160ms);
    ASSERT_TRUE(run_until(
        p.io, [&] { return future.wait_for(0s) == std::future_status::ready; }, 2s));
    EXPECT_NO_THROW(future.get());
    EXPECT_EQ(p.a.sent_callbacks, 1);

    std::error_code cancelled;
    p.a.send_audio(std::vector<float>(std::size_t{16000} * 2, 0.2F),
                   [&](std::error_code ec) { cancelled = ec; });
    run_for(p.io, 100ms);
    EXPECT_GT(p.a.queued_samples(), 0U);
    p.a.cancel_outbound_audio();
    run_for(p.io, 50ms);
    EXPECT_EQ(cancelled, asio::error::operation_aborted);
    EXPECT_EQ(p.a.queued_samples(), 0U);
}

#if defined(ASIO_HAS_CO_AWAIT)
// The DESIGN.md shape: co_await send_audio(frame, use_awaitable) resumes once the audio left.
TEST(AudioCall, SendAudioAwaitable) {
    Pair p("PCMA");
    ASSERT_FALSE(HasFatalFailure());
    std::vector<int> order;
    asio::co_spawn(
        p.io,
        [&]() -> asio::awaitable<void> {
            const std::vector<float> first(16000 / 10, 0.2F);
            const std::vector<float> second(16000 / 10, 0.3F);
            co_await p.a.send_audio(first, asio::use_awaitable);
            order.push_back(p.a.sent_callbacks);  // the queue drained: on_audio_sent ran once
            co_await p.a.send_audio(second, asio::use_awaitable);
            order.push_back(p.a.sent_callbacks);
        },
        asio::detached);
    ASSERT_TRUE(run_until(
        p.io, [&] { return order.size() == 2; }, 3s));
    EXPECT_EQ(order, (std::vector<int>{1, 2}));
    EXPECT_EQ(p.a.audio_stats().speech_frames_sent, 10U);
}
#endif

TEST(AudioCall, StopAbortsPendingAndSendBeforeStartFails) {
    asio::io_context io;
    voip::rtp::Multiplexer mux(io, loopback_config());
    Prefer<Sniffer> a(std::vector<std::string>{"PCMA"}, mux);
    Prefer<Sniffer> b(std::vector<std::string>{"PCMA"}, mux);
    std::error_code early;
    a.send_audio(std::vector<float>(320, 0.1F), [&](std::error_code ec) { early = ec; });
    run_for(io, 20ms);
    EXPECT_EQ(early, voip::audio::Errc::not_started);
    voip::audio::test::connect(a, b, voip::sdp::CryptoPolicy::off);
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_EQ(a.start_media({}).error(), voip::audio::Errc::already_started);
    std::error_code late;
    a.send_audio(std::vector<float>(16000, 0.1F), [&](std::error_code ec) { late = ec; });
    a.stop_media();
    run_for(io, 20ms);
    EXPECT_EQ(late, asio::error::operation_aborted);
    EXPECT_FALSE(a.media_started());
}

TEST(AudioCall, StartRejectsUnknownCodecAndBadAddress) {
    asio::io_context io;
    voip::rtp::Multiplexer mux(io, loopback_config());
    AudioCall call(mux);
    ASSERT_TRUE(call.open());
    voip::sdp::Negotiated n;
    n.codec = {
        .payload_type = 99, .name = "nonesuch", .clock_rate = 8000, .channels = 1, .fmtp = {}};
    n.remote_address = "127.0.0.1";
    n.remote_port = 40000;
    EXPECT_EQ(call.start_media(n).error(), voip::codec::Errc::unknown_codec);
    n.codec = {.payload_type = 0, .name = "PCMU", .clock_rate = 8000, .channels = 1, .fmtp = {}};
    n.remote_address = "not-an-address";
    EXPECT_EQ(call.start_media(n).error(), voip::audio::Errc::bad_remote_address);
    EXPECT_FALSE(call.media_started());
}

// Issue 8, must-show 4: over 10 s of sending, packet times stay on the 20 ms grid. Measured
// where the packets arrive (loopback), against the grid fitted to the first packet; the figures
// are printed; the assertion is generous because this machine is shared.
TEST(AudioCall, PacingStaysOnTheTwentyMillisecondGrid) {
    Pair p("PCMU");
    ASSERT_FALSE(HasFatalFailure());
    p.a.send_audio(std::vector<float>(std::size_t{16000} * 10, 0.1F));
    ASSERT_TRUE(run_until(
        p.io, [&] { return p.a.sent_callbacks == 1; }, 15s));
    run_for(p.io, 50ms);
    std::vector<Seen> speech;
    for (const auto& s : p.b.packets) {
        if (speech.empty() && !s.marker) continue;  // from the first speech packet on
        speech.push_back(s);
    }
    ASSERT_GE(speech.size(), 490U);
    std::vector<double> deviation;  // ms, |arrival - (t0 + n × 20 ms)| after removing the median
    std::vector<double> raw;
    for (std::size_t i = 0; i < speech.size(); ++i) {
        const auto t =
            std::chrono::duration<double, std::milli>(speech[i].arrival - speech[0].arrival);
        raw.push_back(t.count() - 20.0 * static_cast<double>(i));
    }
    auto sorted = raw;
    std::sort(sorted.begin(), sorted.end());
    const double median = sorted[sorted.size() / 2];
    deviation.reserve(raw.size());
    for (const double r : raw)
        deviation.push_back(std::abs(r - median));
    std::sort(deviation.begin(), deviation.end());
    const double p50 = deviation[deviation.size() / 2];
    const double p95 = deviation[deviation.size() * 95 / 100];
    const double max = deviation.back();
    const auto within2 =
        std::count_if(deviation.begin(), deviation.end(), [](double d) { return d <= 2.0; });
    // Slip: where the last second sits against the grid, relative to the first second.
    const double first_mean = std::accumulate(raw.begin(), raw.begin() + 50, 0.0) / 50;
    const double last_mean = std::accumulate(raw.end() - 50, raw.end(), 0.0) / 50;
    std::printf(
        "  pacing over %zu packets (%.1f s): |deviation| p50 %.3f ms, p95 %.3f ms, max %.3f "
        "ms, within ±2 ms %.1f%%, drift first→last second %.3f ms, grid points skipped %llu\n",
        speech.size(), static_cast<double>(speech.size()) * 0.02, p50, p95, max,
        100.0 * static_cast<double>(within2) / static_cast<double>(deviation.size()),
        last_mean - first_mean, static_cast<unsigned long long>(p.a.audio_stats().ticks_skipped));
    EXPECT_LT(p95, 10.0);
    EXPECT_LT(std::abs(last_mean - first_mean), 5.0);  // no gradual slip
}

}  // namespace
