#include <voip/audio/voice_detector.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <vector>

namespace {

using namespace std::chrono_literals;
using voip::audio::AudioFrame;
using voip::audio::VoiceDetector;
using voip::audio::VoiceDetectorConfig;

constexpr std::uint32_t rate = 16000;
constexpr std::size_t frame = 320;  // 20 ms

// Feeds `frames` frames of constant level `level` (rms = level); returns the utterances.
std::vector<AudioFrame> feed(VoiceDetector& d, int frames, float level) {
    std::vector<AudioFrame> out;
    const std::vector<float> f(frame, level);
    for (int i = 0; i < frames; ++i) {
        if (auto u = d.feed(f, level)) out.push_back(std::move(*u));
    }
    return out;
}

TEST(VoiceDetector, UtteranceEndsAfterTheSilenceGapWithSilenceTrimmed) {
    VoiceDetector d({}, rate);
    EXPECT_TRUE(feed(d, 5, 0.0F).empty());   // leading silence is ignored
    EXPECT_TRUE(feed(d, 25, 0.1F).empty());  // 500 ms of voice
    EXPECT_TRUE(d.in_utterance());
    EXPECT_TRUE(feed(d, 9, 0.0F).empty());  // 180 ms: gap not reached
    const auto u = feed(d, 1, 0.0F);        // 200 ms
    ASSERT_EQ(u.size(), 1U);
    EXPECT_EQ(u[0].samples.size(), 25U * frame);
    // No doubling slack handed out with it (an EchoCall holds it while it plays).
    EXPECT_LE(u[0].samples.capacity() - u[0].samples.size(), u[0].samples.size() / 4);
    EXPECT_EQ(u[0].sample_rate, rate);
    EXPECT_EQ(u[0].duration(), 500ms);
    EXPECT_FALSE(d.in_utterance());
}

// The prefetch hint names the room the next frame of an utterance goes to: none between
// utterances, a frame's worth inside the reserve while one is collected (capped by the reserve).
TEST(VoiceDetector, NamesWhereTheNextFrameOfAnUtteranceGoes) {
    VoiceDetector d({}, rate);
    EXPECT_TRUE(d.next_write(frame).empty());
    ASSERT_EQ(feed(d, 50, 0.1F).size() + feed(d, 10, 0.0F).size(), 1U);
    EXPECT_TRUE(d.next_write(frame).empty());  // between utterances
    EXPECT_TRUE(feed(d, 1, 0.1F).empty());     // the next one starts, in a reserve of 60 frames
    EXPECT_EQ(d.next_write(frame).size(), frame * sizeof(float));
    EXPECT_TRUE(feed(d, 58, 0.1F).empty());
    EXPECT_EQ(d.next_write(2 * frame).size(), frame * sizeof(float));  // one frame of room left
}

TEST(VoiceDetector, TheNextUtteranceIsCollectedInTheRoomTheLastOneNeeded) {
    VoiceDetector d({}, rate);
    ASSERT_EQ(feed(d, 50, 0.1F).size() + feed(d, 10, 0.0F).size(), 1U);
    // The same again (1 s of voice, 200 ms of silence): collected into a reserve of the first
    // one's length with its trailing silence (60 frames), so it grew without copies, and it
    // leaves in it: a sixth spare, less than a quarter, is not worth a copy.
    EXPECT_TRUE(feed(d, 50, 0.1F).empty());
    const auto u = feed(d, 10, 0.0F);
    ASSERT_EQ(u.size(), 1U);
    EXPECT_EQ(u[0].samples.size(), 50U * frame);
    EXPECT_EQ(u[0].samples.capacity(), 60U * frame);
    // A much shorter one after it is not handed out in the long one's room.
    EXPECT_TRUE(feed(d, 6, 0.1F).empty());
    const auto s = feed(d, 10, 0.0F);
    ASSERT_EQ(s.size(), 1U);
    EXPECT_EQ(s[0].samples.capacity(), s[0].samples.size());
}

TEST(VoiceDetector, ShortPausesStayInsideOneUtterance) {
    VoiceDetector d({}, rate);
    EXPECT_TRUE(feed(d, 10, 0.1F).empty());
    EXPECT_TRUE(feed(d, 5, 0.0F).empty());  // 100 ms pause
    EXPECT_TRUE(feed(d, 10, 0.1F).empty());
    const auto u = feed(d, 10, 0.0F);
    ASSERT_EQ(u.size(), 1U);
    EXPECT_EQ(u[0].samples.size(), 25U * frame);  // the pause is kept, the tail is not
}

TEST(VoiceDetector, TooShortIsDropped) {
    VoiceDetector d({}, rate);
    EXPECT_TRUE(feed(d, 4, 0.1F).empty());  // 80 ms < 100 ms
    EXPECT_TRUE(feed(d, 20, 0.0F).empty());
    EXPECT_EQ(d.dropped(), 1U);
    EXPECT_TRUE(feed(d, 5, 0.1F).empty());  // exactly 100 ms is kept
    EXPECT_EQ(feed(d, 10, 0.0F).size(), 1U);
}

TEST(VoiceDetector, TooQuietIsDropped) {
    VoiceDetector d({}, rate);
    // Above voice_rms_threshold (0.001) but below utterance_rms_threshold (0.01) on average.
    EXPECT_TRUE(feed(d, 50, 0.005F).empty());
    EXPECT_TRUE(feed(d, 10, 0.0F).empty());
    EXPECT_EQ(d.dropped(), 1U);
}

TEST(VoiceDetector, LongUtteranceIsCutAtTheMaximum) {
    VoiceDetectorConfig c;
    c.max_utterance = 1000ms;
    VoiceDetector d(c, rate);
    const auto u = feed(d, 120, 0.1F);  // 2.4 s of continuous voice
    ASSERT_EQ(u.size(), 2U);
    EXPECT_EQ(u[0].duration(), 1000ms);
    EXPECT_EQ(u[1].duration(), 1000ms);
    EXPECT_TRUE(d.in_utterance());
}

TEST(VoiceDetector, ThresholdsAreConfigurable) {
    VoiceDetectorConfig c;
    c.voice_rms_threshold = 0.05F;
    c.utterance_rms_threshold = 0.2F;
    c.silence_gap = 100ms;
    VoiceDetector d(c, rate);
    EXPECT_TRUE(feed(d, 20, 0.04F).empty());  // below the voice threshold: silence
    EXPECT_FALSE(d.in_utterance());
    EXPECT_TRUE(feed(d, 20, 0.1F).empty());
    EXPECT_TRUE(feed(d, 5, 0.0F).empty());
    EXPECT_EQ(d.dropped(), 1U);  // voice, but not loud enough for an utterance
    EXPECT_TRUE(feed(d, 20, 0.3F).empty());
    EXPECT_EQ(feed(d, 5, 0.0F).size(), 1U);
}

TEST(VoiceDetector, RejectsBadConfiguration) {
    EXPECT_THROW(VoiceDetector({}, 0), std::invalid_argument);
    VoiceDetectorConfig c;
    c.max_utterance = 50ms;
    EXPECT_THROW(VoiceDetector(c, rate), std::invalid_argument);
}

}  // namespace
