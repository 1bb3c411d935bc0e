// AudioCall's playout: the jitter buffer sheds spare delay only where the far end is quiet,
// never inside a sound (a 20 ms cut is audible and costs a speech recogniser words).

#include <voip/audio/audio_call.hpp>
#include <voip/rtp/multiplexer.hpp>

#include <asio/io_context.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>
#include <vector>

#include "audio/audio_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using voip::audio::AudioCall;
using voip::audio::test::loopback_config;
using voip::audio::test::Prefer;
using voip::audio::test::run_until;

// Each frame it plays: its level and how many frames the jitter buffer had left out so far.
class Listener : public AudioCall {
public:
    using AudioCall::AudioCall;
    struct Heard {
        float rms;
        std::uint64_t discarded;
    };
    std::vector<Heard> heard;

protected:
    void on_audio(std::span<const float> /*samples*/, float rms) override {
        heard.push_back({rms, audio_stats().jitter_buffer.discarded});
    }
};

std::vector<float> tone(std::uint32_t rate, std::chrono::milliseconds length) {
    std::vector<float> out(static_cast<std::size_t>(rate * length.count() / 1000));
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i] = 0.3F * static_cast<float>(std::sin(2 * std::numbers::pi * 440 * i / rate));
    }
    return out;
}

TEST(AudioCallPlayout, ShedsSpareDelayOnlyWhereItIsQuiet) {
    asio::io_context io;
    voip::rtp::Multiplexer a_mux(io, loopback_config());
    voip::rtp::Multiplexer b_mux(io, loopback_config());
    // Playout starts 120 ms behind a loopback stream that needs one frame: the buffer has
    // five frames to spare from the first window (25 frames) on.
    voip::audio::AudioConfig deep;
    deep.jitter.initial_delay = 120ms;
    deep.jitter.min_delay = 20ms;
    deep.jitter.adapt_window = 25;
    Prefer<AudioCall> sender(std::vector<std::string>{"PCMU"}, a_mux);
    Prefer<Listener> listener(std::vector<std::string>{"PCMU"}, b_mux, deep);
    voip::audio::test::connect(sender, listener, voip::sdp::CryptoPolicy::off);

    // 2 s of a loud tone: well past the first window, with no quiet frame in it.
    const auto rate = sender.audio_config().sample_rate;
    sender.send_audio(tone(rate, 2000ms));
    // Then silence (the sender keeps sending silent frames): the spare delay can go, one
    // frame per adaptation window. Listen to the tone and 3 s of silence after it.
    const bool heard_all = run_until(
        io, [&] { return listener.heard.size() >= 100 + 150; }, 15s);
    const auto stats = listener.audio_stats().jitter_buffer;
    ASSERT_TRUE(heard_all) << listener.heard.size() << " frames heard";
    EXPECT_LT(listener.heard.back().rms, 0.001F);
    // Shed: from 6 frames behind down to the target (1 or 2 frames on loopback) plus one.
    EXPECT_GE(stats.discarded, 2U);

    // Nothing was left out between the first and the last loud frame, and every frame of
    // the tone was played: 2 s = 100 frames.
    std::size_t first_loud = listener.heard.size();
    std::size_t last_loud = 0;
    for (std::size_t i = 0; i < listener.heard.size(); ++i) {
        if (listener.heard[i].rms > 0.1F) {
            first_loud = std::min(first_loud, i);
            last_loud = i;
        }
    }
    ASSERT_LT(first_loud, last_loud);
    EXPECT_EQ(listener.heard[last_loud].discarded, listener.heard[first_loud].discarded);
    EXPECT_GE(last_loud - first_loud + 1, 99U);  // the tone's edges may fall inside a frame
    EXPECT_LE(last_loud - first_loud + 1, 101U);
    EXPECT_EQ(stats.lost, 0U);
    EXPECT_EQ(stats.underruns, 0U);
}

}  // namespace
