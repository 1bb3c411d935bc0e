#include <voip/codec/error.hpp>
#include <voip/codec/opus.hpp>
#include <voip/codec/samples.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "codec/test_audio.hpp"

namespace voip::codec {
namespace {

std::vector<std::vector<std::uint8_t>> encode_all(Encoder& enc, std::span<const float> in) {
    const std::size_t frame = enc.format().samples_per_frame();
    std::vector<std::vector<std::uint8_t>> packets;
    for (std::size_t pos = 0; pos + frame <= in.size(); pos += frame) {
        auto p = enc.encode(in.subspan(pos, frame));
        EXPECT_TRUE(p) << p.error().message();
        packets.push_back(p ? std::move(*p) : std::vector<std::uint8_t>{});
    }
    return packets;
}

// A receiver that loses the packets marked in `lost`: FEC from the next packet when it arrived
// (and `use_fec`), PLC otherwise. Returns the whole decoded stream.
std::vector<float> receive(Decoder& dec, const std::vector<std::vector<std::uint8_t>>& packets,
                           const std::vector<bool>& lost, bool use_fec, std::size_t frame) {
    std::vector<float> out;
    std::vector<float> buf(dec.max_samples_per_payload());
    for (std::size_t i = 0; i < packets.size(); ++i) {
        if (lost[i]) {
            std::vector<float> gap(frame);
            if (use_fec && i + 1 < packets.size() && !lost[i + 1]) {
                dec.recover(packets[i + 1], gap);
            } else {
                dec.conceal(gap);
            }
            out.insert(out.end(), gap.begin(), gap.end());
            continue;
        }
        auto n = dec.decode(packets[i], buf);
        EXPECT_TRUE(n) << n.error().message();
        EXPECT_EQ(*n, frame);
        out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
    }
    return out;
}

TEST(Opus, SdpFormatFollowsRfc7587) {
    const Format f = make_opus()->format();
    EXPECT_EQ(f.encoding_name, "opus");
    EXPECT_EQ(f.clock_rate, 48000U);
    EXPECT_EQ(f.channels, 2U);
    EXPECT_FALSE(f.static_payload_type);
    EXPECT_GE(f.payload_type, 96);
    const PayloadFormat pf = f.to_payload_format(100);
    EXPECT_EQ(pf.payload_type, 100);
    EXPECT_EQ(pf.rtpmap(), "opus/48000/2");
    const Fmtp fmtp = Fmtp::parse(pf.fmtp);
    EXPECT_TRUE(fmtp.flag("useinbandfec"));
    EXPECT_EQ(fmtp.get("stereo"), "0");
}

// RFC 7587 §4.1: the RTP clock is 48 kHz whatever rate the codec runs at.
TEST(Opus, RtpClockIs48kHzAtEveryInternalRate) {
    for (const std::uint32_t rate : {8000U, 16000U, 48000U}) {
        const Format f = make_opus({.sample_rate = rate})->format();
        EXPECT_EQ(f.clock_rate, 48000U);
        EXPECT_EQ(f.sample_rate, rate);
        EXPECT_EQ(f.timestamp_increment(), 960U);
        EXPECT_EQ(f.samples_per_frame(), rate / 50);
        EXPECT_EQ(f.samples_to_ticks(f.samples_per_frame()), 960U);
    }
    EXPECT_THROW((void)make_opus({.sample_rate = 44100}), std::invalid_argument);
    EXPECT_THROW((void)make_opus({.ptime = std::chrono::milliseconds{30}}), std::invalid_argument);
}

// Thresholds: Opus is perceptual, so sample correlation is lower than for waveform codecs;
// at 32 kbit/s wideband voice it stays above 0.9 on espeak speech.
TEST(Opus, SpeechRoundTripCorrelation) {
    for (const std::uint32_t rate : {16000U, 48000U}) {
        const auto codec = make_opus({.sample_rate = rate});
        auto enc = codec->make_encoder(Fmtp::parse("useinbandfec=1")).value();
        auto dec = codec->make_decoder({}).value();
        const auto& in = test::speech(rate);
        const auto packets = encode_all(*enc, in);
        const std::size_t frame = codec->format().samples_per_frame();
        const auto out = receive(*dec, packets, std::vector<bool>(packets.size()), true, frame);
        ASSERT_EQ(out.size(), packets.size() * frame);
        const auto a = test::best_correlation(in, out, rate / 50);
        std::size_t bytes = 0;
        for (const auto& p : packets)
            bytes += p.size();
        std::printf("Opus @%u Hz: correlation %.4f at delay %zu samples, %.1f kbit/s\n", rate,
                    a.correlation, a.lag, bytes * 8.0 / (packets.size() * 0.02) / 1000.0);
        EXPECT_GT(a.correlation, 0.9);
    }
}

// 10 % random loss (seeded): every lost frame is filled (FEC from the next packet, PLC when
// that is lost too), so output length equals input length and the speech still correlates.
TEST(Opus, TenPercentLossDecodesWithoutGaps) {
    const std::uint32_t rate = 48000;
    const auto codec = make_opus({.sample_rate = rate, .expected_loss_percent = 10});
    auto enc = codec->make_encoder(Fmtp::parse("useinbandfec=1; stereo=0")).value();
    const auto& in = test::speech(rate);
    const auto packets = encode_all(*enc, in);
    const std::size_t frame = codec->format().samples_per_frame();

    std::mt19937 rng(20261122);
    std::bernoulli_distribution loss(0.10);
    std::vector<bool> lost(packets.size());
    std::size_t n_lost = 0;
    for (auto&& l : lost) {
        l = loss(rng);
        n_lost += l ? 1 : 0;
    }
    ASSERT_GT(n_lost, packets.size() / 20);  // the seed really loses ~10 %

    auto fec_dec = codec->make_decoder({}).value();
    auto plc_dec = codec->make_decoder({}).value();
    const auto with_fec = receive(*fec_dec, packets, lost, true, frame);
    const auto plc_only = receive(*plc_dec, packets, lost, false, frame);
    const std::size_t expected = packets.size() * frame;
    EXPECT_EQ(with_fec.size(), expected);
    EXPECT_EQ(plc_only.size(), expected);

    const auto a_fec = test::best_correlation(in, with_fec, rate / 50);
    const auto a_plc = test::best_correlation(in, plc_only, rate / 50);
    std::printf("Opus 10%% loss (%zu of %zu lost): correlation FEC+PLC %.4f, PLC only %.4f\n",
                n_lost, packets.size(), a_fec.correlation, a_plc.correlation);
    EXPECT_GT(a_fec.correlation, 0.85);               // measured 0.95 (PLC alone 0.88)
    EXPECT_GT(a_fec.correlation, a_plc.correlation);  // FEC really recovered audio
}

TEST(Opus, FmtpMaxAverageBitrateCapsTheEncoder) {
    const auto codec = make_opus({.sample_rate = 16000, .bitrate = 64000});
    const auto& in = test::speech(16000);
    auto free_enc = codec->make_encoder({}).value();
    auto capped_enc = codec->make_encoder(Fmtp::parse("maxaveragebitrate=12000")).value();
    std::size_t free_bytes = 0;
    std::size_t capped_bytes = 0;
    for (const auto& p : encode_all(*free_enc, in))
        free_bytes += p.size();
    const auto capped = encode_all(*capped_enc, in);
    for (const auto& p : capped)
        capped_bytes += p.size();
    const double capped_kbps = capped_bytes * 8.0 / (capped.size() * 0.02) / 1000.0;
    std::printf("Opus bytes: uncapped %zu, maxaveragebitrate=12000 %zu (%.1f kbit/s)\n", free_bytes,
                capped_bytes, capped_kbps);
    EXPECT_LT(capped_bytes * 2, free_bytes);
    EXPECT_LT(capped_kbps, 12.0 * 1.25);  // VBR average near the cap
}

TEST(Opus, DecoderRejectsGarbageAndSmallBuffers) {
    auto dec = make_opus()->make_decoder({}).value();
    EXPECT_EQ(dec->decode(std::span<const std::uint8_t>{}).error(), Errc::empty_payload);
    // TOC code 3 with a frame count of 0 is invalid (RFC 6716 §3.2.5).
    const std::vector<std::uint8_t> bad{0x03, 0x00};
    EXPECT_EQ(dec->decode(bad).error(), Errc::corrupt_payload);
    auto enc = make_opus()->make_encoder({}).value();
    const auto p = enc->encode(test::sine(440, 48000, 960));
    ASSERT_TRUE(p);
    std::vector<float> small(100);
    EXPECT_EQ(dec->decode(*p, small).error(), Errc::buffer_too_small);
    std::vector<float> tiny(48000 / 50);
    EXPECT_EQ(enc->encode(std::span(tiny).first(100)).error(), Errc::frame_size_mismatch);
}

TEST(Opus, ConcealFillsAnyLength) {
    const auto codec = make_opus({.sample_rate = 16000});
    auto enc = codec->make_encoder({}).value();
    auto dec = codec->make_decoder({}).value();
    const auto tone = test::sine(300, 16000, 3200, 0.4F);
    for (std::size_t pos = 0; pos < tone.size(); pos += 320) {
        auto p = enc->encode(std::span(tone).subspan(pos, 320));
        ASSERT_TRUE(p);
        ASSERT_TRUE(dec->decode(*p));
    }
    std::vector<float> odd(333, 7.0F);  // not a multiple of 2.5 ms
    dec->conceal(odd);
    for (const float s : odd)
        ASSERT_LT(std::abs(s), 2.0F);                               // every sample written
    EXPECT_GT(rms(std::span(odd).first(160)), 0.05F);               // continues the tone
    std::vector<float> long_gap(std::size_t{16000} / 5 * 2, 7.0F);  // 400 ms > one Opus packet
    dec->conceal(long_gap);
    for (const float s : long_gap)
        ASSERT_LT(std::abs(s), 2.0F);
}

}  // namespace
}  // namespace voip::codec
