#include <voip/codec/error.hpp>
#include <voip/codec/resampler.hpp>
#include <voip/codec/samples.hpp>

#include <gtest/gtest.h>

#include <cstdio>

#include "codec/test_audio.hpp"

namespace voip::codec {
namespace {

struct Rates {
    std::uint32_t in;
    std::uint32_t out;
};

class ResamplerRates : public ::testing::TestWithParam<Rates> {};

// A 440 Hz tone stays at 440 Hz, and one second in is one second out, whole-signal and when
// streamed in 20 ms chunks.
TEST_P(ResamplerRates, KeepsFrequencyAndLength) {
    const auto [in_rate, out_rate] = GetParam();
    const auto tone = test::sine(440, in_rate, in_rate);  // 1 s
    auto whole = resample(tone, in_rate, out_rate);
    ASSERT_TRUE(whole);
    EXPECT_EQ(whole->size(), out_rate);

    auto r = Resampler::create(in_rate, out_rate);
    ASSERT_TRUE(r);
    std::vector<float> streamed;
    const std::size_t chunk = in_rate / 50;
    for (std::size_t pos = 0; pos < tone.size(); pos += chunk) {
        r->process(std::span(tone).subspan(pos, std::min(chunk, tone.size() - pos)), streamed);
    }
    r->flush(streamed);
    EXPECT_EQ(streamed.size(), out_rate);

    const auto middle = std::span(*whole).subspan(out_rate / 10, out_rate * 8 / 10);
    const double hz = test::zero_crossing_hz(middle, out_rate);
    EXPECT_NEAR(hz, 440.0, 1.0) << in_rate << " -> " << out_rate;
    EXPECT_NEAR(rms(middle), 0.5F / std::sqrt(2.0F), 0.02F);
    // The delay is compensated: output lines up with an ideal tone at the output rate.
    const auto ideal = test::sine(440, out_rate, out_rate);
    const auto a = test::best_correlation(std::span(ideal).subspan(out_rate / 10, out_rate / 2),
                                          std::span(*whole).subspan(out_rate / 10), 20);
    EXPECT_GT(a.correlation, 0.99);
    EXPECT_LE(a.lag, 2U);
}

INSTANTIATE_TEST_SUITE_P(AllVoipRates, ResamplerRates,
                         ::testing::Values(Rates{8000, 16000}, Rates{16000, 8000},
                                           Rates{8000, 48000}, Rates{48000, 8000},
                                           Rates{16000, 48000}, Rates{48000, 16000},
                                           Rates{22050, 16000}, Rates{16000, 16000}),
                         [](const auto& info) {
                             return std::to_string(info.param.in) + "_to_" +
                                    std::to_string(info.param.out);
                         });

TEST(Resampler, DownsamplingRemovesWhatTheNewRateCannotCarry) {
    // 6 kHz is fine at 16 kHz but above the 4 kHz Nyquist limit of 8 kHz: filtered out, not
    // aliased down to 2 kHz.
    const auto tone = test::sine(6000, 16000, 16000);
    auto out = resample(tone, 16000, 8000);
    ASSERT_TRUE(out);
    EXPECT_LT(rms(std::span(*out).subspan(800, 6400)), 0.01F);
}

TEST(Resampler, RejectsBadParameters) {
    EXPECT_EQ(Resampler::create(0, 8000).error(), Errc::invalid_parameter);
    EXPECT_EQ(Resampler::create(8000, 0).error(), Errc::invalid_parameter);
    EXPECT_EQ(Resampler::create(8000, 16000, 11).error(), Errc::invalid_parameter);
    EXPECT_EQ(resample(std::vector<float>(10), 8000, 16000, -1).error(), Errc::invalid_parameter);
}

TEST(Resampler, FlushResetsForANewStream) {
    auto r = Resampler::create(8000, 16000);
    ASSERT_TRUE(r);
    const auto tone = test::sine(300, 8000, 800);
    std::vector<float> first;
    r->process(tone, first);
    r->flush(first);
    std::vector<float> second;
    r->process(tone, second);
    r->flush(second);
    ASSERT_EQ(first.size(), 1600U);
    ASSERT_EQ(second.size(), 1600U);
    for (std::size_t i = 0; i < first.size(); ++i)
        ASSERT_NEAR(first[i], second[i], 1e-5F);
}

}  // namespace
}  // namespace voip::codec
