// AudioCall's outbound queue and playout buffers: audio queued in chunks of any size (copied or
// handed over) goes out in order without gaps, and a far end whose packets are longer than our
// packet time is still decoded.

#include <voip/audio/audio_call.hpp>
#include <voip/rtp/multiplexer.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "audio/audio_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using voip::audio::AudioCall;
using voip::audio::test::loopback_config;
using voip::audio::test::Prefer;
using voip::audio::test::run_for;
using voip::audio::test::run_until;

class Recorder : public AudioCall {
public:
    using AudioCall::AudioCall;
    std::vector<float> heard;
    std::vector<std::size_t> frame_sizes;
    int sent_callbacks = 0;

protected:
    void on_audio(std::span<const float> samples, float /*rms*/) override {
        heard.insert(heard.end(), samples.begin(), samples.end());
        frame_sizes.push_back(samples.size());
    }
    void on_audio_sent() override { ++sent_callbacks; }
};

// A rising chirp: no two stretches alike, so the alignment below has one answer.
std::vector<float> chirp(std::size_t samples, double rate) {
    std::vector<float> out(samples);
    double phase = 0;
    for (std::size_t i = 0; i < samples; ++i) {
        const double f = 200.0 + 1200.0 * static_cast<double>(i) / static_cast<double>(samples);
        phase += 2 * 3.14159265358979 * f / rate;
        out[i] = static_cast<float>(0.3 * std::sin(phase));
    }
    return out;
}

// One io_context with two multiplexers on loopback (the two ends' calls go one on each) and
// an 8 kHz call configuration: PCMU without resampling, so a lost or repeated sample would show.
struct Loopback {
    asio::io_context io;
    voip::rtp::Multiplexer a_mux{io, loopback_config()};
    voip::rtp::Multiplexer b_mux{io, loopback_config()};
    voip::audio::AudioConfig config = [] {
        voip::audio::AudioConfig c;
        c.sample_rate = 8000;
        return c;
    }();
    const std::vector<std::string> pcmu{"PCMU"};
};

TEST(AudioCallQueue, ChunksOfAnySizeGoOutInOrderWithoutGaps) {
    // An 8 kHz call on PCMU: no resampling, so a lost or repeated sample would show.
    Loopback link;
    auto& io = link.io;
    Prefer<Recorder> a(link.pcmu, link.a_mux, link.config);
    Prefer<Recorder> b(link.pcmu, link.b_mux, link.config);
    voip::audio::test::connect(a, b, voip::sdp::CryptoPolicy::off);
    ASSERT_FALSE(HasFatalFailure());

    const auto signal = chirp(8000, 8000.0);  // 1 s = 50 frames, queued in ragged chunks
    std::size_t queued = 0;
    bool by_move = false;
    for (std::size_t at = 0; at < signal.size(); at += 70) {
        const std::size_t n = std::min<std::size_t>(70, signal.size() - at);
        const std::span<const float> piece(signal.data() + at, n);
        if (by_move) {
            a.send_audio(std::vector<float>(piece.begin(), piece.end()));  // handed over
        } else {
            a.send_audio(piece);  // copied
        }
        by_move = !by_move;
        queued += n;
        EXPECT_EQ(a.queued_samples(), queued);
    }
    ASSERT_TRUE(run_until(
        io, [&] { return a.sent_callbacks == 1; }, 5s));
    EXPECT_EQ(a.queued_samples(), 0U);
    EXPECT_EQ(a.audio_stats().speech_frames_sent, 50U);  // exactly the queued audio
    run_for(io, 300ms);                                  // the jitter buffer plays out the tail

    const auto found = voip::audio::test::align(signal, b.heard);
    std::printf("        chunks of 70 samples: correlation %.4f at lag %zu\n", found.correlation,
                found.lag);
    EXPECT_GT(found.correlation, 0.95);  // G.711 round trip of an intact signal: ~0.99
    EXPECT_EQ(b.audio_stats().decode_errors, 0U);
}

TEST(AudioCallQueue, OneSharedClipPlaysOnSeveralCallsWithoutACopyEach) {
    // A prompt played to many callers: each 8 kHz PCMU call queues a reference to the one clip
    // (no resampling, so no copy is needed), sends all of it, and lets go of it afterwards.
    Loopback link;
    auto& io = link.io;
    Prefer<Recorder> a(link.pcmu, link.a_mux, link.config);
    Prefer<Recorder> b(link.pcmu, link.b_mux, link.config);
    Prefer<Recorder> c(link.pcmu, link.a_mux, link.config);
    Prefer<Recorder> d(link.pcmu, link.b_mux, link.config);
    voip::audio::test::connect(a, b, voip::sdp::CryptoPolicy::off);
    voip::audio::test::connect(c, d, voip::sdp::CryptoPolicy::off);
    ASSERT_FALSE(HasFatalFailure());

    const auto clip = std::make_shared<const std::vector<float>>(chirp(4000, 8000.0));  // 0.5 s
    a.send_audio(clip);
    c.send_audio(clip);
    EXPECT_EQ(clip.use_count(), 3);  // held by both calls, not copied
    EXPECT_EQ(a.queued_samples(), clip->size());
    ASSERT_TRUE(run_until(
        io, [&] { return a.sent_callbacks == 1 && c.sent_callbacks == 1; }, 5s));
    run_for(io, 300ms);  // the last chunk is let go on the tick after its last frame
    EXPECT_EQ(clip.use_count(), 1);
    for (const Recorder* sender : {&a, &c})
        EXPECT_EQ(sender->audio_stats().speech_frames_sent, 25U);
    for (const Recorder* receiver : {&b, &d}) {
        const auto found = voip::audio::test::align(*clip, receiver->heard);
        EXPECT_GT(found.correlation, 0.95);
    }

    // A call whose rate is not the codec's (16 kHz over PCMU) resamples into a copy of its own.
    Prefer<Recorder> e(link.pcmu, link.a_mux);
    Prefer<Recorder> f(link.pcmu, link.b_mux);
    voip::audio::test::connect(e, f, voip::sdp::CryptoPolicy::off);
    ASSERT_FALSE(HasFatalFailure());
    e.send_audio(clip);
    EXPECT_EQ(clip.use_count(), 1);
    EXPECT_EQ(e.queued_samples(), clip->size());  // at the call's rate, as queued
    EXPECT_THROW(e.send_audio(std::shared_ptr<const std::vector<float>>{}), std::invalid_argument);
}

TEST(AudioCallQueue, LongerPacketsThanOurPacketTimeAreDecoded) {
    // The far end sends 30 ms PCMU packets (240 bytes) while we play 20 ms frames: the playout
    // buffer grows once to fit them instead of failing every decode.
    Loopback link;
    auto& io = link.io;
    Prefer<Recorder> a(link.pcmu, link.a_mux);  // the default configuration (16 kHz)
    Prefer<Recorder> b(link.pcmu, link.b_mux);
    voip::audio::test::connect(a, b, voip::sdp::CryptoPolicy::off);
    ASSERT_FALSE(HasFatalFailure());
    a.stop_media();  // b hears only the hand-made stream below

    asio::ip::udp::socket sender(io,
                                 asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto target = b.local_ports().rtp;
    std::vector<std::uint8_t> packet(12 + 240, 0xFF);  // 0xFF: μ-law silence
    packet[0] = 0x80;
    packet[1] = 0;  // PT 0, PCMU
    for (std::uint16_t seq = 0; seq < 20; ++seq) {
        const std::uint32_t ts = seq * 240U;
        packet[2] = static_cast<std::uint8_t>(seq >> 8);
        packet[3] = static_cast<std::uint8_t>(seq);
        packet[4] = static_cast<std::uint8_t>(ts >> 24);
        packet[5] = static_cast<std::uint8_t>(ts >> 16);
        packet[6] = static_cast<std::uint8_t>(ts >> 8);
        packet[7] = static_cast<std::uint8_t>(ts);
        packet[11] = 0x42;  // SSRC
        sender.send_to(asio::buffer(packet), target);
        run_for(io, 20ms);
    }
    ASSERT_TRUE(run_until(
        io, [&] { return b.audio_stats().frames_decoded >= 10; }, 3s))
        << "decoded " << b.audio_stats().frames_decoded << ", errors "
        << b.audio_stats().decode_errors;
    EXPECT_EQ(b.audio_stats().decode_errors, 0U);
    // 240 samples at 8 kHz come out as 480 at the call's 16 kHz.
    EXPECT_NE(std::find(b.frame_sizes.begin(), b.frame_sizes.end(), 480U), b.frame_sizes.end());
}

}  // namespace
