#pragma once
/// @file
/// audio::AudioFrame: a stretch of float32 mono audio with its sample rate (an utterance, a
/// prompt), the unit VoiceActivityCall hands out and AudioCall::send_audio takes.

#include <chrono>
#include <cstdint>
#include <vector>

namespace voip::audio {

/// Mono float32 samples (full scale ±1.0) at `sample_rate`.
struct AudioFrame {
    std::vector<float> samples;
    std::uint32_t sample_rate = 16000;

    /// How long the frame plays.
    [[nodiscard]] std::chrono::milliseconds duration() const noexcept {
        if (sample_rate == 0) return std::chrono::milliseconds{0};
        return std::chrono::milliseconds{static_cast<std::int64_t>(samples.size()) * 1000 /
                                         static_cast<std::int64_t>(sample_rate)};
    }
};

}  // namespace voip::audio
