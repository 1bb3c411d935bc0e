#include <voip/audio/voice_detector.hpp>

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace voip::audio {

VoiceDetector::VoiceDetector(VoiceDetectorConfig config, std::uint32_t sample_rate)
    : config_(config),
      sample_rate_(sample_rate),
      silence_gap_samples_(samples_of(config.silence_gap)),
      max_utterance_samples_(samples_of(config.max_utterance)) {
    if (sample_rate == 0 || config.max_utterance < config.min_utterance ||
        config.max_utterance.count() <= 0 || config.silence_gap.count() < 0) {
        throw std::invalid_argument("VoiceDetector: bad configuration");
    }
    current_.sample_rate = sample_rate;
}

std::size_t VoiceDetector::samples_of(std::chrono::milliseconds d) const noexcept {
    return static_cast<std::size_t>(static_cast<std::uint64_t>(d.count()) * sample_rate_ / 1000U);
}

void VoiceDetector::reset() noexcept {
    active_ = false;
    current_.samples.clear();
    voiced_end_ = 0;
    silence_run_ = 0;
    voiced_rms_sum_ = 0;
    voiced_frames_ = 0;
}

std::span<const std::byte> VoiceDetector::next_write(std::size_t samples) const noexcept {
    if (!active_) return {};
    const auto& s = current_.samples;
    const std::size_t room = std::min(samples, s.capacity() - s.size());
    return std::as_bytes(std::span<const float>(s.data() + s.size(), room));
}

std::optional<AudioFrame> VoiceDetector::feed(std::span<const float> frame, float rms) {
    const bool voice = rms >= config_.voice_rms_threshold;
    if (!active_) {
        if (!voice) return std::nullopt;
        active_ = true;
        // Room for what the last kept utterance needed (speakers' turns are alike in length):
        // growing by doubling instead copied each utterance about twice over, into fresh
        // memory, and the shrink in finish() copied it once more.
        current_.samples.reserve(expected_samples_);
    }
    current_.samples.insert(current_.samples.end(), frame.begin(), frame.end());
    if (voice) {
        voiced_end_ = current_.samples.size();
        silence_run_ = 0;
        voiced_rms_sum_ += rms;
        ++voiced_frames_;
    } else {
        silence_run_ += frame.size();
    }
    if (silence_run_ >= silence_gap_samples_ || voiced_end_ >= max_utterance_samples_) {
        return finish();
    }
    return std::nullopt;
}

std::optional<AudioFrame> VoiceDetector::finish() {
    std::optional<AudioFrame> out;
    const std::size_t collected = current_.samples.size();  // with the trailing silence
    current_.samples.resize(voiced_end_);  // trailing silence is not part of the utterance
    const double mean_rms =
        voiced_frames_ == 0 ? 0.0 : voiced_rms_sum_ / static_cast<double>(voiced_frames_);
    if (current_.samples.size() >= samples_of(config_.min_utterance) &&
        mean_rms >= config_.utterance_rms_threshold) {
        // Room for the next one: all this one collected, its trailing silence too.
        expected_samples_ = collected;
        out = std::move(current_);
        // Handed out without much slack: an EchoCall keeps it queued for as long as it plays,
        // so with many calls a growth slack of up to 2x was most of their memory. A quarter
        // is kept rather than copied away (the reserve above usually leaves less).
        if (out->samples.capacity() - out->samples.size() > out->samples.size() / 4) {
            out->samples.shrink_to_fit();
        }
        current_ = AudioFrame{};
        current_.sample_rate = sample_rate_;
    } else {
        ++dropped_;
    }
    reset();
    return out;
}

}  // namespace voip::audio
