#include <voip/codec/error.hpp>
#include <voip/codec/samples.hpp>
#include <voip/codec/wav.hpp>

#include <gtest/gtest.h>

#include <fstream>

#include "codec/test_audio.hpp"

namespace voip::codec {
namespace {

class Wav : public ::testing::Test {
protected:
    void TearDown() override {
        for (const auto& p : files_)
            std::filesystem::remove(p);
    }
    std::filesystem::path file(const std::string& name) {
        files_.push_back(test::temp_path(name));
        return files_.back();
    }
    std::vector<std::filesystem::path> files_;
};

TEST_F(Wav, Pcm16RoundTrip) {
    const auto path = file("pcm16.wav");
    const auto tone = test::sine(440, 16000, 8000, 0.7F);
    ASSERT_TRUE(write_wav(path, tone, 16000));
    auto audio = read_wav(path);
    ASSERT_TRUE(audio) << audio.error().message();
    EXPECT_EQ(audio->sample_rate, 16000U);
    ASSERT_EQ(audio->samples.size(), tone.size());
    EXPECT_DOUBLE_EQ(audio->seconds(), 0.5);
    for (std::size_t i = 0; i < tone.size(); ++i) {
        ASSERT_NEAR(audio->samples[i], tone[i], 1.0F / 32768.0F) << i;
    }
    // 44-byte header + 2 bytes per sample: really 16-bit.
    EXPECT_EQ(std::filesystem::file_size(path), 44U + 2U * tone.size());
}

TEST_F(Wav, Float32RoundTripIsExact) {
    const auto path = file("float.wav");
    const auto tone = test::sine(1000, 8000, 800, 0.3F);
    ASSERT_TRUE(write_wav(path, tone, 8000, WavEncoding::float32));
    auto audio = read_wav(path);
    ASSERT_TRUE(audio);
    EXPECT_EQ(audio->samples, tone);
}

TEST_F(Wav, Pcm16ClipsInsteadOfWrapping) {
    const auto path = file("clip.wav");
    const std::vector<float> loud{1.5F, -1.5F, 0.25F};
    ASSERT_TRUE(write_wav(path, loud, 8000));
    auto audio = read_wav(path);
    ASSERT_TRUE(audio);
    ASSERT_EQ(audio->samples.size(), 3U);
    EXPECT_GT(audio->samples[0], 0.99F);
    EXPECT_LT(audio->samples[1], -0.99F);
    EXPECT_NEAR(audio->samples[2], 0.25F, 1e-4F);
}

TEST_F(Wav, ReadResamplesToTheRequestedRate) {
    const auto path = file("resample.wav");
    const auto tone = test::sine(440, 48000, 48000);
    ASSERT_TRUE(write_wav(path, tone, 48000));
    auto audio = read_wav(path, 16000);
    ASSERT_TRUE(audio);
    EXPECT_EQ(audio->sample_rate, 16000U);
    EXPECT_EQ(audio->samples.size(), 16000U);
    EXPECT_NEAR(test::zero_crossing_hz(std::span(audio->samples).subspan(1600, 12800), 16000),
                440.0, 1.0);
}

TEST_F(Wav, StereoIsMixedToMono) {
    const auto path = file("stereo.wav");
    // Write a stereo file by hand: left 0.5, right -0.25 → mono 0.125.
    {
        std::ofstream out(path, std::ios::binary);
        const auto u32 = [&](std::uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
        const auto u16 = [&](std::uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
        const std::uint32_t frames = 4;
        out.write("RIFF", 4);
        u32(36 + frames * 4);
        out.write("WAVEfmt ", 8);
        u32(16);
        u16(1);
        u16(2);
        u32(8000);
        u32(8000 * 4);
        u16(4);
        u16(16);
        out.write("data", 4);
        u32(frames * 4);
        for (std::uint32_t i = 0; i < frames; ++i) {
            u16(static_cast<std::uint16_t>(16384));
            u16(static_cast<std::uint16_t>(-8192));
        }
    }
    auto audio = read_wav(path);
    ASSERT_TRUE(audio) << audio.error().message();
    ASSERT_EQ(audio->samples.size(), 4U);
    for (const float s : audio->samples)
        EXPECT_NEAR(s, 0.125F, 1e-4F);
}

TEST_F(Wav, HeaderThatLiesAboutItsLengthCostsNothing) {
    const auto path = file("liar.wav");
    {
        std::ofstream out(path, std::ios::binary);
        const auto u32 = [&](std::uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
        const auto u16 = [&](std::uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
        out.write("RIFF", 4);
        u32(0xFFFFFFF0U);
        out.write("WAVEfmt ", 8);
        u32(16);
        u16(1);
        u16(64);  // 64 channels
        u32(48000);
        u32(48000 * 128);
        u16(128);
        u16(16);
        out.write("data", 4);
        u32(0xFFFFFF00U);  // claims 4 GB of samples
        for (int i = 0; i < 64 * 4; ++i)
            u16(1000);  // holds 4 frames
    }
    auto audio = read_wav(path);
    if (audio) {
        EXPECT_LE(audio->samples.size(), 4U);
    } else {
        EXPECT_EQ(audio.error().category(), error_category());
    }
}

TEST_F(Wav, MissingFileIsAnError) {
    auto audio = read_wav(test::temp_path("does-not-exist.wav"));
    ASSERT_FALSE(audio);
    EXPECT_EQ(audio.error(), Errc::file_open_failed);
}

TEST_F(Wav, GarbageFileIsAnError) {
    const auto path = file("garbage.wav");
    {
        std::ofstream out(path, std::ios::binary);
        out << "this is not a RIFF file at all, just some text pretending to be audio";
    }
    auto audio = read_wav(path);
    ASSERT_FALSE(audio);
    EXPECT_EQ(audio.error(), Errc::file_format_unsupported);
}

TEST_F(Wav, TruncatedAndEmptyFilesAreErrors) {
    const auto good = file("good.wav");
    ASSERT_TRUE(write_wav(good, test::sine(440, 8000, 800), 8000));
    const auto truncated = file("truncated.wav");
    {
        std::ifstream in(good, std::ios::binary);
        std::vector<char> bytes(20);  // cut inside the fmt chunk
        in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        std::ofstream out(truncated, std::ios::binary);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    auto t = read_wav(truncated);
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().category(), error_category());
    const auto empty = file("empty.wav");
    { std::ofstream out(empty, std::ios::binary); }
    auto e = read_wav(empty);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().category(), error_category());
}

TEST_F(Wav, WriteErrors) {
    EXPECT_EQ(write_wav("/nonexistent-dir/x.wav", std::vector<float>(10), 8000).error(),
              Errc::file_write_failed);
    EXPECT_EQ(write_wav(file("zero.wav"), std::vector<float>(10), 0).error(),
              Errc::invalid_parameter);
}

TEST_F(Wav, ReadsEspeakSpeech) {
    const auto& s = test::speech(16000);
    EXPECT_GT(rms(s), 0.01F);
}

}  // namespace
}  // namespace voip::codec
