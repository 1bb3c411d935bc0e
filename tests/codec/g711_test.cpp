#include <voip/codec/error.hpp>
#include <voip/codec/g711.hpp>
#include <voip/codec/samples.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <vector>

#include "codec/test_audio.hpp"

// After <cmath> (telephony.h defines lrint & co when it thinks libm lacks them), in the order
// spandsp needs (see src/codec/spandsp.hpp).
// clang-format off
#include <spandsp/telephony.h>
#include <spandsp/logging.h>
#include <spandsp/bit_operations.h>
#include <spandsp/g711.h>
// clang-format on

namespace voip::codec {
namespace {

using test::speech;

struct RoundTrip {
    std::vector<float> decoded;
    std::size_t packets = 0;
};

RoundTrip round_trip(const Codec& codec, std::span<const float> in) {
    auto enc = codec.make_encoder({});
    auto dec = codec.make_decoder({});
    EXPECT_TRUE(enc && dec);
    RoundTrip r;
    const std::size_t frame = codec.format().samples_per_frame();
    for (std::size_t pos = 0; pos + frame <= in.size(); pos += frame) {
        auto payload = (*enc)->encode(in.subspan(pos, frame));
        EXPECT_TRUE(payload);
        EXPECT_EQ(payload->size(), frame);  // one byte per sample
        auto pcm = (*dec)->decode(*payload);
        EXPECT_TRUE(pcm);
        r.decoded.insert(r.decoded.end(), pcm->begin(), pcm->end());
        ++r.packets;
    }
    return r;
}

TEST(G711, FormatsAreTheStaticRfc3551Ones) {
    const auto pcmu = make_pcmu();
    const auto pcma = make_pcma();
    EXPECT_EQ(pcmu->format().encoding_name, "PCMU");
    EXPECT_EQ(pcmu->format().payload_type, 0);
    EXPECT_EQ(pcma->format().encoding_name, "PCMA");
    EXPECT_EQ(pcma->format().payload_type, 8);
    for (const auto& c : {pcmu, pcma}) {
        EXPECT_TRUE(c->format().static_payload_type);
        EXPECT_EQ(c->format().clock_rate, 8000U);
        EXPECT_EQ(c->format().sample_rate, 8000U);
        EXPECT_EQ(c->format().samples_per_frame(), 160U);
        EXPECT_EQ(c->format().timestamp_increment(), 160U);
    }
    EXPECT_EQ(make_pcmu(std::chrono::milliseconds{30})->format().samples_per_frame(), 240U);
    EXPECT_THROW((void)make_pcma(std::chrono::milliseconds{0}), std::invalid_argument);
}

// Threshold: G.711 companding gives ~38 dB SNR on well-levelled signals; 30 dB on real speech
// (quiet passages lose some) is the bar from the issue.
TEST(G711, PcmuSpeechRoundTripSnrAbove30dB) {
    const auto& in = speech(8000);
    const auto r = round_trip(*make_pcmu(), in);
    ASSERT_EQ(r.decoded.size(), r.packets * 160);
    const double snr = test::snr_db(std::span(in).first(r.decoded.size()), r.decoded);
    std::printf("PCMU speech SNR %.1f dB over %zu packets\n", snr, r.packets);
    EXPECT_GT(snr, 30.0);
}

TEST(G711, PcmaSpeechRoundTripSnrAbove30dB) {
    const auto& in = speech(8000);
    const auto r = round_trip(*make_pcma(), in);
    ASSERT_EQ(r.decoded.size(), r.packets * 160);
    const double snr = test::snr_db(std::span(in).first(r.decoded.size()), r.decoded);
    std::printf("PCMA speech SNR %.1f dB over %zu packets\n", snr, r.packets);
    EXPECT_GT(snr, 30.0);
}

// The codec encodes and decodes through tables filled from spandsp's companding functions:
// every int16 value and every code byte must give exactly what spandsp's g711_encode and
// g711_decode give (the decoder's PLC leaves audio alone while nothing was lost).
void expect_same_as_spandsp(const Codec& codec, int mode) {
    std::unique_ptr<g711_state_t, decltype(&g711_free)> state{g711_init(nullptr, mode), &g711_free};
    ASSERT_TRUE(state);
    constexpr std::size_t frame = 160;
    constexpr std::size_t values = 65536;
    std::vector<std::int16_t> linear(values + frame - values % frame);  // whole frames
    for (std::size_t i = 0; i < linear.size(); ++i)
        linear[i] = static_cast<std::int16_t>(static_cast<std::uint16_t>(i % values));
    std::vector<std::uint8_t> expected(linear.size());
    g711_encode(state.get(), expected.data(), linear.data(), static_cast<int>(linear.size()));
    const auto samples = to_float(linear);  // exact: int16 / 2^15, and back
    auto enc = codec.make_encoder({}).value();
    std::size_t mismatches = 0;
    for (std::size_t pos = 0; pos < samples.size(); pos += frame) {
        const auto payload = enc->encode(std::span(samples).subspan(pos, frame));
        ASSERT_TRUE(payload);
        for (std::size_t i = 0; i < frame; ++i)
            mismatches += (*payload)[i] != expected[pos + i] ? 1 : 0;
    }
    EXPECT_EQ(mismatches, 0U);

    std::vector<std::uint8_t> codes(256);
    for (std::size_t i = 0; i < codes.size(); ++i)
        codes[i] = static_cast<std::uint8_t>(i);
    std::vector<std::int16_t> decoded(codes.size());
    g711_decode(state.get(), decoded.data(), codes.data(), static_cast<int>(codes.size()));
    auto dec = codec.make_decoder({}).value();
    const auto out = dec->decode(codes);
    ASSERT_TRUE(out);
    ASSERT_EQ(out->size(), codes.size());
    EXPECT_EQ(*out, to_float(decoded));
}

// The prefetch hint names where the next decode's concealment history goes: nothing before the
// first payload, then the rest of spandsp's 280-sample ring from its write position, at most a
// payload's worth (160 samples -> 120 to the ring's end, then 160 from sample 40, ...).
TEST(G711, TheDecoderNamesWhereItsNextDecodeWrites) {
    auto dec = make_pcmu()->make_decoder({}).value();
    EXPECT_TRUE(dec->next_state_write().empty());
    const std::vector<std::uint8_t> payload(160, 0xFF);
    std::vector<float> out(160);
    std::vector<std::size_t> sizes;
    for (int i = 0; i < 4; ++i) {
        ASSERT_EQ(dec->decode(payload, out).value(), 160U);
        sizes.push_back(dec->next_state_write().size());
    }
    // Write positions 160, 40, 200, 80: 120, 160, 80 and 160 samples of two bytes.
    EXPECT_EQ(sizes, (std::vector<std::size_t>{240, 320, 160, 320}));
    // The hint lies inside the decoder's own state, which decoding keeps writing.
    const auto at = reinterpret_cast<std::uintptr_t>(dec->next_state_write().data());
    const auto object = reinterpret_cast<std::uintptr_t>(dec.get());
    EXPECT_GT(at, object);
    EXPECT_LT(at, object + 2048);
}

TEST(G711, PcmuIsBitExactWithSpandsp) {
    expect_same_as_spandsp(*make_pcmu(), G711_ULAW);
}

TEST(G711, PcmaIsBitExactWithSpandsp) {
    expect_same_as_spandsp(*make_pcma(), G711_ALAW);
}

TEST(G711, EncodeSaturatesOutOfRangeAndNaN) {
    // Beyond full scale clips to the extreme codes (as to_int16 does), NaN maps to -32768.
    std::vector<float> frame(160, 2.0F);
    frame[1] = -2.0F;
    frame[2] = std::numeric_limits<float>::quiet_NaN();
    std::unique_ptr<g711_state_t, decltype(&g711_free)> state{g711_init(nullptr, G711_ULAW),
                                                              &g711_free};
    std::array<std::int16_t, 3> extremes{32767, -32768, -32768};
    std::array<std::uint8_t, 3> expected{};
    g711_encode(state.get(), expected.data(), extremes.data(), 3);
    const auto payload = make_pcmu()->make_encoder({}).value()->encode(frame);
    ASSERT_TRUE(payload);
    EXPECT_EQ((*payload)[0], expected[0]);
    EXPECT_EQ((*payload)[1], expected[1]);
    EXPECT_EQ((*payload)[2], expected[2]);
}

TEST(G711, UlawAndAlawProduceDifferentBytes) {
    const auto tone = test::sine(440, 8000, 160);
    auto u = make_pcmu()->make_encoder({}).value()->encode(tone);
    auto a = make_pcma()->make_encoder({}).value()->encode(tone);
    ASSERT_TRUE(u && a);
    EXPECT_NE(*u, *a);
}

TEST(G711, RejectsWrongFrameSizeAndSmallBuffers) {
    auto enc = make_pcmu()->make_encoder({}).value();
    std::vector<float> short_frame(100);
    EXPECT_EQ(enc->encode(short_frame).error(), Errc::frame_size_mismatch);
    std::vector<float> frame(160);
    std::vector<std::uint8_t> small(10);
    EXPECT_EQ(enc->encode(frame, small).error(), Errc::buffer_too_small);

    auto dec = make_pcmu()->make_decoder({}).value();
    EXPECT_EQ(dec->decode(std::span<const std::uint8_t>{}).error(), Errc::empty_payload);
    std::vector<std::uint8_t> payload(160, 0xFF);
    std::vector<float> out(10);
    EXPECT_EQ(dec->decode(payload, out).error(), Errc::buffer_too_small);
    std::vector<std::uint8_t> huge(5000, 0xFF);
    EXPECT_EQ(dec->decode(huge).error(), Errc::corrupt_payload);
}

TEST(G711, DecodesAnyPacketLength) {
    auto dec = make_pcma()->make_decoder({}).value();
    std::vector<std::uint8_t> payload(80, 0xD5);  // A-law "zero"
    auto pcm = dec->decode(payload);
    ASSERT_TRUE(pcm);
    EXPECT_EQ(pcm->size(), 80U);
    for (const float s : *pcm)
        EXPECT_LT(std::abs(s), 0.001F);
}

TEST(G711, ConcealmentContinuesTheSignalAndFades) {
    const auto tone = test::sine(300, 8000, 1600, 0.5F);
    auto enc = make_pcmu()->make_encoder({}).value();
    auto dec = make_pcmu()->make_decoder({}).value();
    for (std::size_t pos = 0; pos < tone.size(); pos += 160) {
        auto p = enc->encode(std::span(tone).subspan(pos, 160));
        ASSERT_TRUE(p);
        ASSERT_TRUE(dec->decode(*p));
    }
    std::vector<float> lost(160);
    dec->conceal(lost);
    // The first concealed frame repeats the tone at nearly its level, not silence.
    EXPECT_GT(rms(lost), 0.2F);
    // After a long gap spandsp's PLC fades out to silence rather than buzzing forever.
    std::vector<float> later(std::size_t{160} * 30);
    dec->conceal(later);
    EXPECT_LT(rms(std::span(later).last(160)), 0.01F);
}

}  // namespace
}  // namespace voip::codec
