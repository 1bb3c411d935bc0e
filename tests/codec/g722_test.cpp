#include <voip/codec/error.hpp>
#include <voip/codec/g722.hpp>
#include <voip/codec/samples.hpp>

#include <gtest/gtest.h>

#include <cstdio>

#include "codec/test_audio.hpp"

namespace voip::codec {
namespace {

struct Coded {
    std::vector<float> decoded;
    std::vector<std::size_t> payload_sizes;
    std::uint32_t rtp_ticks = 0;  // sum of timestamp advances, as a sender would do
};

Coded run(std::span<const float> in) {
    const auto codec = make_g722();
    auto enc = codec->make_encoder({}).value();
    auto dec = codec->make_decoder({}).value();
    const Format& f = codec->format();
    Coded c;
    for (std::size_t pos = 0; pos + f.samples_per_frame() <= in.size();
         pos += f.samples_per_frame()) {
        auto payload = enc->encode(in.subspan(pos, f.samples_per_frame()));
        EXPECT_TRUE(payload);
        c.payload_sizes.push_back(payload->size());
        c.rtp_ticks += f.timestamp_increment();
        auto pcm = dec->decode(*payload);
        EXPECT_TRUE(pcm);
        c.decoded.insert(c.decoded.end(), pcm->begin(), pcm->end());
    }
    return c;
}

TEST(G722, SdpSays8000ButAudioIs16kHz) {
    const Format f = make_g722()->format();
    EXPECT_EQ(f.encoding_name, "G722");
    EXPECT_EQ(f.payload_type, 9);
    EXPECT_EQ(f.clock_rate, 8000U);    // RFC 3551 §4.5.2
    EXPECT_EQ(f.sample_rate, 16000U);  // the real audio
    EXPECT_EQ(f.samples_per_frame(), 320U);
    EXPECT_EQ(f.timestamp_increment(), 160U);
    EXPECT_EQ(f.samples_to_ticks(320), 160U);
    EXPECT_EQ(f.ticks_to_samples(160), 320U);
    EXPECT_EQ(f.to_payload_format().rtpmap(), "G722/8000");
}

// N ms in → N ms out at 16 kHz, 160 bytes and 160 RTP ticks per 20 ms.
TEST(G722, TimingOneSecondInOneSecondOut) {
    const auto tone = test::sine(440, 16000, 16000);
    const Coded c = run(tone);
    ASSERT_EQ(c.payload_sizes.size(), 50U);
    for (const std::size_t n : c.payload_sizes)
        EXPECT_EQ(n, 160U);
    EXPECT_EQ(c.decoded.size(), 16000U);  // 1 s at 16 kHz, not 0.5 s or 2 s
    EXPECT_EQ(c.rtp_ticks, 8000U);        // 1 s of the 8 kHz RTP clock
}

// The classic bug: treating G.722 as 8 kHz audio doubles or halves the pitch.
TEST(G722, OneKilohertzToneComesOutAtOneKilohertz) {
    const auto tone = test::sine(1000, 16000, 16000, 0.5F);
    const Coded c = run(tone);
    ASSERT_EQ(c.decoded.size(), 16000U);
    const auto steady = std::span(c.decoded).subspan(800);  // skip the codec's start-up
    const double hz = test::zero_crossing_hz(steady, 16000);
    std::printf("G.722 1 kHz tone decoded at %.2f Hz (zero crossings)\n", hz);
    EXPECT_NEAR(hz, 1000.0, 5.0);
    const double p1000 = test::goertzel_power(steady, 1000, 16000);
    const double p500 = test::goertzel_power(steady, 500, 16000);
    const double p2000 = test::goertzel_power(steady, 2000, 16000);
    EXPECT_GT(p1000, 100 * p500);
    EXPECT_GT(p1000, 100 * p2000);
    EXPECT_NEAR(rms(steady), 0.5F / std::sqrt(2.0F), 0.05F);  // level kept
}

// Threshold: G.722 at 64 kbit/s on clean speech correlates ~0.999 with the input once its
// QMF delay (22 samples) is aligned; 0.98 leaves room.
TEST(G722, SpeechRoundTripCorrelationAbove098) {
    const auto& in = test::speech(16000);
    const Coded c = run(in);
    ASSERT_EQ(c.decoded.size(), in.size() / 320 * 320);
    const auto a = test::best_correlation(in, c.decoded, 200);
    const double snr = test::snr_db(in, std::span(c.decoded).subspan(a.lag));
    std::printf("G.722 speech: correlation %.4f at delay %zu samples, aligned SNR %.1f dB\n",
                a.correlation, a.lag, snr);
    EXPECT_GT(a.correlation, 0.98);
    EXPECT_LT(a.lag, 100U);  // a few ms of filter delay, not a frame
}

TEST(G722, RejectsBadInput) {
    const auto codec = make_g722();
    auto enc = codec->make_encoder({}).value();
    std::vector<float> eight_khz_frame(160);
    EXPECT_EQ(enc->encode(eight_khz_frame).error(), Errc::frame_size_mismatch);
    auto dec = codec->make_decoder({}).value();
    EXPECT_EQ(dec->decode(std::span<const std::uint8_t>{}).error(), Errc::empty_payload);
    std::vector<std::uint8_t> payload(160);
    std::vector<float> out(160);  // needs 320
    EXPECT_EQ(dec->decode(payload, out).error(), Errc::buffer_too_small);
    std::vector<std::uint8_t> huge(4000);
    EXPECT_EQ(dec->decode(huge).error(), Errc::corrupt_payload);
}

TEST(G722, ConcealsLossAtTheRightRate) {
    const auto codec = make_g722();
    auto enc = codec->make_encoder({}).value();
    auto dec = codec->make_decoder({}).value();
    const auto tone = test::sine(250, 16000, 3200, 0.5F);
    for (std::size_t pos = 0; pos < tone.size(); pos += 320) {
        auto p = enc->encode(std::span(tone).subspan(pos, 320));
        ASSERT_TRUE(p);
        ASSERT_TRUE(dec->decode(*p));
    }
    std::vector<float> lost(320);
    dec->conceal(lost);
    EXPECT_GT(rms(lost), 0.15F);
    EXPECT_NEAR(test::zero_crossing_hz(lost, 16000), 250.0, 25.0);
}

}  // namespace
}  // namespace voip::codec
