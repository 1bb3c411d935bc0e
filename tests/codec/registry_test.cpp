#include <voip/codec/error.hpp>
#include <voip/codec/g711.hpp>
#include <voip/codec/registry.hpp>

#include <gtest/gtest.h>

#include "codec/test_audio.hpp"

namespace voip::codec {
namespace {

TEST(Registry, DefaultsInPreferenceOrder) {
    const Registry r = Registry::with_defaults();
    const auto formats = r.formats();
    ASSERT_EQ(formats.size(), 4U);
    EXPECT_EQ(formats[0].encoding_name, "opus");
    EXPECT_EQ(formats[1].encoding_name, "G722");
    EXPECT_EQ(formats[2].encoding_name, "PCMU");
    EXPECT_EQ(formats[3].encoding_name, "PCMA");
}

TEST(Registry, LooksUpCaseInsensitivelyAndByClockRate) {
    const Registry r = Registry::with_defaults();
    ASSERT_TRUE(r.find("pcmu"));
    EXPECT_EQ(r.find("pcmu")->format().payload_type, 0);
    ASSERT_TRUE(r.find("OPUS", 48000));
    EXPECT_FALSE(r.find("opus", 8000));
    EXPECT_TRUE(r.find("g722", 8000));
    EXPECT_FALSE(r.find("G729"));
    EXPECT_EQ(r.make_encoder("G729").error(), Errc::unknown_codec);
    EXPECT_EQ(r.make_decoder("iLBC").error(), Errc::unknown_codec);
}

TEST(Registry, MakesWorkingPerCallCodecs) {
    const Registry r = Registry::with_defaults({.sample_rate = 16000});
    for (const auto& f : r.formats()) {
        SCOPED_TRACE(f.encoding_name);
        auto enc = r.make_encoder(f.encoding_name, "useinbandfec=1");
        auto dec = r.make_decoder(f.encoding_name);
        ASSERT_TRUE(enc && dec);
        EXPECT_EQ((*enc)->format().encoding_name, f.encoding_name);
        const auto tone = test::sine(440, f.sample_rate, f.samples_per_frame() * 10);
        std::vector<float> out;
        for (std::size_t pos = 0; pos < tone.size(); pos += f.samples_per_frame()) {
            auto p = (*enc)->encode(std::span(tone).subspan(pos, f.samples_per_frame()));
            ASSERT_TRUE(p);
            auto pcm = (*dec)->decode(*p);
            ASSERT_TRUE(pcm);
            out.insert(out.end(), pcm->begin(), pcm->end());
        }
        EXPECT_EQ(out.size(), tone.size());
        EXPECT_NEAR(test::zero_crossing_hz(std::span(out).subspan(out.size() / 2), f.sample_rate),
                    440.0, 10.0);
    }
}

TEST(Registry, AddReplacesSameNameAndRate) {
    Registry r;
    r.add(make_pcmu());
    r.add(make_pcmu(std::chrono::milliseconds{30}));
    ASSERT_EQ(r.codecs().size(), 1U);
    EXPECT_EQ(r.find("PCMU")->format().frame_duration, std::chrono::milliseconds{30});
    EXPECT_THROW(r.add(nullptr), std::invalid_argument);
}

}  // namespace
}  // namespace voip::codec
