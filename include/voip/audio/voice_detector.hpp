#pragma once
/// @file
/// audio::VoiceDetector: energy-based voice activity detection that cuts a stream of frames
/// into utterances. A frame whose RMS reaches `voice_rms_threshold` is voice; an utterance
/// ends once `silence_gap` of non-voice frames followed it (the trailing silence is trimmed).
/// Utterances shorter than `min_utterance`, or whose mean RMS over their voice frames stays
/// below `utterance_rms_threshold` (a cough, a click, line noise), are dropped; one reaching
/// `max_utterance` is handed out at that length and a new one begins.
/// Pure (no clock, no I/O): VoiceActivityCall feeds it the decoded frames.

#include <voip/audio/audio_frame.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace voip::audio {

struct VoiceDetectorConfig {
    float voice_rms_threshold = 0.001F;              ///< a frame at or above this is voice
    float utterance_rms_threshold = 0.01F;           ///< mean RMS of the voice frames to keep it
    std::chrono::milliseconds silence_gap{200};      ///< silence that ends an utterance
    std::chrono::milliseconds min_utterance{100};    ///< shorter voiced stretches are dropped
    std::chrono::milliseconds max_utterance{30000};  ///< cut (and handed out) at this length
};

class VoiceDetector {
public:
    /// Throws std::invalid_argument for a zero sample rate or max_utterance < min_utterance.
    VoiceDetector(VoiceDetectorConfig config, std::uint32_t sample_rate);

    /// Feeds one frame (any length) with its RMS; returns an utterance when one completes.
    [[nodiscard]] std::optional<AudioFrame> feed(std::span<const float> frame, float rms);

    /// True while an utterance is being collected.
    [[nodiscard]] bool in_utterance() const noexcept { return active_; }
    /// Utterances dropped as too short or too quiet.
    [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_; }
    [[nodiscard]] const VoiceDetectorConfig& config() const noexcept { return config_; }

    /// Where the next @p samples of the utterance in progress will be stored, within the room
    /// reserved for it; empty between utterances. A hint for prefetching, nothing more.
    [[nodiscard]] std::span<const std::byte> next_write(std::size_t samples) const noexcept;

    /// Forgets the utterance in progress.
    void reset() noexcept;

private:
    [[nodiscard]] std::optional<AudioFrame> finish();
    [[nodiscard]] std::size_t samples_of(std::chrono::milliseconds d) const noexcept;

    VoiceDetectorConfig config_;
    std::uint32_t sample_rate_;
    // The configured durations in samples, worked out once (feed() runs on every frame).
    std::size_t silence_gap_samples_;
    std::size_t max_utterance_samples_;
    bool active_ = false;
    AudioFrame current_;
    std::size_t voiced_end_ = 0;   // samples up to the end of the last voice frame
    std::size_t silence_run_ = 0;  // samples of non-voice since then
    double voiced_rms_sum_ = 0;
    std::size_t voiced_frames_ = 0;
    std::uint64_t dropped_ = 0;
    std::size_t expected_samples_ = 0;  // reserved when an utterance starts: the last kept one's
};

}  // namespace voip::audio
