#include <voip/codec/error.hpp>
#include <voip/codec/g711.hpp>
#include <voip/codec/inband_dtmf.hpp>
#include <voip/codec/samples.hpp>

#include <gtest/gtest.h>

#include "codec/test_audio.hpp"

namespace voip::codec {
namespace {

std::vector<float> tones(std::string_view digits) {
    InbandDtmfGenerator gen;
    EXPECT_TRUE(gen.add(digits));
    std::vector<float> out;
    std::vector<float> chunk(160);
    for (int i = 0; i < 10000; ++i) {
        const std::size_t n = gen.generate(chunk);
        if (n == 0) break;
        out.insert(out.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n));
    }
    return out;
}

TEST(InbandDtmf, GeneratedTonesAreDetected) {
    const auto audio = tones("159#*0D");
    // 7 digits of 100 ms tone + 60 ms pause at 8 kHz.
    EXPECT_NEAR(static_cast<double>(audio.size()), 7 * 1280.0, 160.0);
    InbandDtmfDetector det;
    std::string got;
    for (std::size_t pos = 0; pos < audio.size(); pos += 160) {
        got += det.process(
            std::span(audio).subspan(pos, std::min<std::size_t>(160, audio.size() - pos)));
    }
    got += det.process(std::vector<float>(800));  // trailing silence
    EXPECT_EQ(got, "159#*0D");
}

TEST(InbandDtmf, SurvivesG711) {
    const auto audio = tones("2580");
    auto enc = make_pcmu()->make_encoder({}).value();
    auto dec = make_pcmu()->make_decoder({}).value();
    InbandDtmfDetector det;
    std::string got;
    std::vector<float> frame(160);
    for (std::size_t pos = 0; pos + 160 <= audio.size(); pos += 160) {
        auto p = enc->encode(std::span(audio).subspan(pos, 160));
        ASSERT_TRUE(p);
        auto pcm = dec->decode(*p);
        ASSERT_TRUE(pcm);
        got += det.process(*pcm);
    }
    got += det.process(std::vector<float>(800));
    EXPECT_EQ(got, "2580");
}

TEST(InbandDtmf, SpeechIsNotDigits) {
    InbandDtmfDetector det;
    const std::string got = det.process(test::speech(8000));
    EXPECT_LE(got.size(), 1U) << "talk-off: " << got;
}

TEST(InbandDtmf, RejectsInvalidDigits) {
    InbandDtmfGenerator gen;
    EXPECT_EQ(gen.add("12x").error(), Errc::invalid_parameter);
    std::vector<float> out(160);
    EXPECT_EQ(gen.generate(out), 0U);  // nothing was queued
}

}  // namespace
}  // namespace voip::codec
