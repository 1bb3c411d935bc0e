// Loopback end to end: a UAC AudioCall sends 3 s of speech to a UAS EchoCall over every codec,
// with and without SRTP, through two rtp::Multiplexers on 127.0.0.1; the UAC records what comes
// back. All eight calls run at once on one io_context.

#include <voip/audio/audio_call.hpp>
#include <voip/audio/voice_activity_call.hpp>
#include <voip/rtp/multiplexer.hpp>

#include <asio/io_context.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audio/audio_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using voip::audio::AudioCall;
using voip::audio::EchoCall;
using voip::audio::test::Clock;
using voip::audio::test::Prefer;

constexpr std::uint32_t rate = 16000;
constexpr std::size_t frame = 320;

// The UAC: records everything it hears, with the time each 20 ms arrived.
class Recorder : public AudioCall {
public:
    using AudioCall::AudioCall;
    std::vector<float> heard;
    std::vector<Clock::time_point> frame_times;  // one per on_audio call
    std::optional<Clock::time_point> sent_at;    // when the last queued audio left

protected:
    void on_audio(std::span<const float> samples, float /*rms*/) override {
        heard.insert(heard.end(), samples.begin(), samples.end());
        frame_times.push_back(Clock::now());
    }
    void on_audio_sent() override { sent_at = Clock::now(); }
};

struct Case {
    std::string codec;
    bool srtp;
    // Normalised cross-correlation the echo must reach after alignment. Two codec passes
    // (UAC → UAS → UAC), two jitter buffers and the VAD trim are in between. Measured on this
    // machine: G.711 0.99, G.722 0.995, Opus 0.90 (Opus is perceptual, not waveform-exact);
    // the bars sit below those with a margin.
    double threshold;
};

TEST(EchoCall, LoopbackEchoCorrelatesForEveryCodecWithAndWithoutSrtp) {
    const auto speech = voip::audio::test::speech(rate, 3.0);
    ASSERT_FALSE(speech.empty());

    const std::vector<Case> cases = {
        {"PCMU", false, 0.9}, {"PCMU", true, 0.9}, {"PCMA", false, 0.9}, {"PCMA", true, 0.9},
        {"G722", false, 0.9}, {"G722", true, 0.9}, {"opus", false, 0.8}, {"opus", true, 0.8},
    };
    asio::io_context io;
    voip::rtp::Multiplexer::Config mc;
    mc.address = asio::ip::make_address("127.0.0.1");
    voip::rtp::Multiplexer uac_mux(io, mc);
    voip::rtp::Multiplexer uas_mux(io, mc);

    std::vector<std::unique_ptr<Prefer<Recorder>>> uacs;
    std::vector<std::unique_ptr<Prefer<EchoCall>>> uass;
    for (const auto& c : cases) {
        uacs.push_back(std::make_unique<Prefer<Recorder>>(std::vector{c.codec}, uac_mux));
        uass.push_back(std::make_unique<Prefer<EchoCall>>(std::vector{c.codec}, uas_mux));
        voip::audio::test::connect(
            *uacs.back(), *uass.back(),
            c.srtp ? voip::sdp::CryptoPolicy::required : voip::sdp::CryptoPolicy::off);
        ASSERT_FALSE(testing::Test::HasFatalFailure());
        EXPECT_EQ(uacs.back()->audio_stats().codec, c.codec);
        EXPECT_EQ(uacs.back()->srtp_suite().empty(), !c.srtp);
    }
    // Let the calls settle on silence: setting up eight calls kept the loop busy, and the
    // jitter buffers shed the depth that built up meanwhile (one frame per adaptation window)
    // before the speech starts rather than in the middle of it.
    voip::audio::test::run_for(io, 1500ms);
    for (auto& uac : uacs)
        uac->send_audio(speech);

    // Done when each UAS has echoed an utterance and sent all of it; then a little more for the
    // last packets to arrive and play out.
    const bool echoed = voip::audio::test::run_until(
        io,
        [&] {
            for (auto& uas : uass) {
                if (uas->utterances() == 0 || uas->queued_samples() != 0) return false;
            }
            return true;
        },
        20s);
    EXPECT_TRUE(echoed);
    voip::audio::test::run_for(io, 600ms);

    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& c = cases[i];
        auto& uac = *uacs[i];
        auto& uas = *uass[i];
        SCOPED_TRACE(c.codec + (c.srtp ? " + SRTP" : ""));
        const auto a = voip::audio::test::align(speech, uac.heard);
        ASSERT_FALSE(uac.frame_times.empty());
        ASSERT_TRUE(uac.sent_at.has_value());
        const auto onset = uac.frame_times.at(std::min(a.lag / frame, uac.frame_times.size() - 1));
        const auto after_sent =
            std::chrono::duration_cast<std::chrono::milliseconds>(onset - *uac.sent_at);
        const auto s = uac.stats();
        std::printf(
            "  %-5s %-5s correlation %.3f (threshold %.2f), echo starts %lld ms after the "
            "last packet left, utterances %llu, packets sent %llu received %llu lost %lld\n",
            c.codec.c_str(), c.srtp ? "SRTP" : "RTP", a.correlation, c.threshold,
            static_cast<long long>(after_sent.count()),
            static_cast<unsigned long long>(uas.utterances()),
            static_cast<unsigned long long>(s.packets_sent),
            static_cast<unsigned long long>(s.packets_received),
            static_cast<long long>(s.packets_lost));
        EXPECT_GT(a.correlation, c.threshold);
        EXPECT_EQ(uas.utterances(), 1U);
        // The echo can only start once the UAS heard silence_gap of quiet after the speech.
        EXPECT_GE(after_sent, uas.voice_config().silence_gap);
        EXPECT_LT(after_sent, 2s);
        EXPECT_EQ(s.unprotect_failures, 0U);
        EXPECT_EQ(uac.audio_stats().decode_errors, 0U);
        const auto jb = uas.audio_stats().jitter_buffer;
        std::printf(
            "        UAS jitter buffer: played %llu lost %llu discarded %llu underruns %llu\n",
            static_cast<unsigned long long>(jb.played), static_cast<unsigned long long>(jb.lost),
            static_cast<unsigned long long>(jb.discarded),
            static_cast<unsigned long long>(jb.underruns));
    }
}

}  // namespace
