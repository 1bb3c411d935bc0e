// FliteTts tests: built only when the library has Flite (VOIP_HAVE_FLITE).
#include <voip/speech/default_engines.hpp>
#include <voip/speech/error.hpp>
#include <voip/speech/flite_tts.hpp>

#include <gtest/gtest.h>

#include "speech/speech_test_support.hpp"

#if VOIP_HAVE_FLITE

#include <algorithm>
#include <cmath>
#include <thread>

namespace voip::speech {
namespace {

double rms(const std::vector<float>& s) {
    double sum = 0;
    for (const float v : s)
        sum += static_cast<double>(v) * v;
    return s.empty() ? 0.0 : std::sqrt(sum / static_cast<double>(s.size()));
}

TEST(FliteTts, SpeaksASentenceAt16kHz) {
    auto tts = test::shared_tts();
    ASSERT_NE(tts, nullptr);
    auto audio = tts->synthesize(test::package_sentence);
    ASSERT_TRUE(audio) << audio.error().message();
    EXPECT_EQ(audio->rate, 16000U);
    // Four words: about 1.7 s with the slt voice; anything from 1 to 4 s is speech-like.
    const double seconds = static_cast<double>(audio->samples.size()) / audio->rate;
    EXPECT_GT(seconds, 1.0);
    EXPECT_LT(seconds, 4.0);
    EXPECT_GT(rms(audio->samples), 0.01);
    EXPECT_TRUE(std::all_of(audio->samples.begin(), audio->samples.end(),
                            [](float v) { return v >= -1.0F && v <= 1.0F; }));
}

TEST(FliteTts, LongerTextGivesLongerAudio) {
    auto tts = test::shared_tts();
    ASSERT_NE(tts, nullptr);
    auto short_audio = tts->synthesize("hello");
    auto long_audio = tts->synthesize("hello, this is a considerably longer sentence to speak");
    ASSERT_TRUE(short_audio && long_audio);
    EXPECT_GT(long_audio->samples.size(), 2 * short_audio->samples.size());
}

TEST(FliteTts, EmptyTextIsAnError) {
    auto tts = test::shared_tts();
    ASSERT_NE(tts, nullptr);
    EXPECT_EQ(tts->synthesize("").error(), Errc::empty_text);
    EXPECT_EQ(tts->synthesize("   ").error(), Errc::empty_text);
}

TEST(FliteTts, ConcurrentCallsAreSerialised) {
    auto tts = test::shared_tts();
    ASSERT_NE(tts, nullptr);
    auto reference = tts->synthesize(test::package_sentence);
    ASSERT_TRUE(reference);
    std::vector<Result<Audio>> results(4, Result<Audio>(Errc::synthesis_failed));
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < results.size(); ++i) {
        threads.emplace_back([&, i] { results[i] = tts->synthesize(test::package_sentence); });
    }
    for (auto& t : threads)
        t.join();
    // Flite's excitation has a random component, so the samples differ run to run; the
    // duration and level do not.
    for (const auto& r : results) {
        ASSERT_TRUE(r);
        EXPECT_EQ(r->samples.size(), reference->samples.size());
        EXPECT_NEAR(rms(r->samples), rms(reference->samples), 0.1 * rms(reference->samples));
    }
}

TEST(DefaultTextToSpeech, IsOneSharedFlite) {
    auto a = default_text_to_speech();
    auto b = default_text_to_speech();
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->get(), b->get());
    EXPECT_NE(dynamic_cast<FliteTts*>(a->get()), nullptr);
}

}  // namespace
}  // namespace voip::speech

#endif  // VOIP_HAVE_FLITE
