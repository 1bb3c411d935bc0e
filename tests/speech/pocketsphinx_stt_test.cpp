// PocketSphinxStt tests: built only when the library has PocketSphinx (and Flite, which
// speaks the test sentences).
#include <voip/codec/resampler.hpp>
#include <voip/speech/error.hpp>
#include <voip/speech/pocketsphinx_stt.hpp>
#include <voip/speech/word_overlap.hpp>

#include <gtest/gtest.h>

#include "speech/speech_test_support.hpp"

#if VOIP_HAVE_POCKETSPHINX && VOIP_HAVE_FLITE

#include <cmath>
#include <cstdio>
#include <limits>

namespace voip::speech {
namespace {

/// Share of the words that must come back from clean 16 kHz speech (measured: all of them).
constexpr double wideband_threshold = 0.75;

std::vector<float> say(std::string_view text) {
    auto tts = test::shared_tts();
    EXPECT_NE(tts, nullptr);
    if (!tts) return {};
    auto audio = tts->synthesize(text);
    EXPECT_TRUE(audio);
    EXPECT_EQ(audio->rate, 16000U);
    return audio ? audio->samples : std::vector<float>{};
}

TEST(PocketSphinxStt, TranscribesFliteAt16kHz) {
    auto stt = test::shared_stt();
    ASSERT_NE(stt, nullptr) << "the pocketsphinx-en-us model did not load";
    auto text = stt->transcribe(say(test::package_sentence), 16000);
    ASSERT_TRUE(text) << text.error().message();
    const double overlap = word_overlap(test::package_sentence, *text);
    RecordProperty("transcription", *text);
    EXPECT_GE(overlap, wideband_threshold) << "heard \"" << *text << "\"";
}

// Issue 9 expected 8 kHz speech not to be recognised. Measured here: band-limiting alone does
// not stop it; Flite's clean "your package has arrived" down-sampled to 8 kHz (all a G.711 call
// carries) and back still comes out word for word (a longer sentence loses some words, see
// docs/speech.md). The real
// G.711 path (µ-law noise, jitter buffer) is measured in say_call_test.cpp. Recorded, not
// asserted beyond "it runs": how much survives depends on the sentence.
TEST(PocketSphinxStt, MeasuresBandLimitedSpeech) {
    auto stt = test::shared_stt();
    ASSERT_NE(stt, nullptr);
    for (const char* sentence : {test::package_sentence}) {
        auto at8k = codec::resample(say(sentence), 16000, 8000);
        ASSERT_TRUE(at8k);
        auto text = stt->transcribe(*at8k, 8000);
        ASSERT_TRUE(text) << text.error().message();
        std::printf("[ measured ] 8 kHz \"%s\" -> \"%s\" (word overlap %.2f)\n", sentence,
                    text->c_str(), word_overlap(sentence, *text));
        // Appended, not `std::string(...) + sentence`: GCC 12 at -O2 reports a false
        // -Warray-bounds inside the inlined operator+ (GCC PR 105651).
        std::string property = "narrowband: ";
        property.append(sentence);
        RecordProperty(property, *text);
    }
}

TEST(PocketSphinxStt, SilenceGivesNoWords) {
    auto stt = test::shared_stt();
    ASSERT_NE(stt, nullptr);
    const std::vector<float> silence(16000, 0.0F);
    auto text = stt->transcribe(silence, 16000);
    ASSERT_TRUE(text) << text.error().message();
    EXPECT_TRUE(words(*text).empty()) << "heard \"" << *text << "\"";
}

TEST(PocketSphinxStt, RejectsInvalidAudio) {
    auto stt = test::shared_stt();
    ASSERT_NE(stt, nullptr);
    const std::vector<float> samples(160, 0.1F);
    EXPECT_EQ(stt->transcribe(samples, 0).error(), Errc::invalid_audio);
    std::vector<float> bad = samples;
    bad[7] = std::numeric_limits<float>::quiet_NaN();
    EXPECT_EQ(stt->transcribe(bad, 16000).error(), Errc::invalid_audio);
}

TEST(PocketSphinxStt, MissingModelIsAnError) {
    auto made = PocketSphinxStt::create({.model_dir = "/nonexistent/model/en-us"});
    ASSERT_FALSE(made);
    EXPECT_EQ(made.error(), Errc::model_not_found);
}

}  // namespace
}  // namespace voip::speech

#endif  // VOIP_HAVE_POCKETSPHINX && VOIP_HAVE_FLITE
