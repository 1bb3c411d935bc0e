#pragma once
/// @file
/// audio::VoiceActivityCall: an AudioCall that listens for utterances. Decoded far-end audio
/// goes through an energy-based VoiceDetector; each utterance that ends (silence_gap of quiet
/// after it) and is long and loud enough arrives whole at on_voice().
///
/// on_voice() is a plain virtual function rather than the `asio::awaitable<void>` DESIGN.md
/// sketches: it runs on every compiler we support (Asio disables coroutines with clang 14),
/// and the usual reply — `send_audio(utterance.samples)` or its awaitable form spawned with
/// asio::co_spawn — needs no coroutine in the hook itself.

#include <voip/audio/audio_call.hpp>
#include <voip/audio/audio_frame.hpp>
#include <voip/audio/voice_detector.hpp>

namespace voip::audio {

class VoiceActivityCall : public AudioCall {
public:
    /// Defaults: voice_rms_threshold 0.001, utterance_rms_threshold 0.01, silence_gap 200 ms,
    /// min_utterance 100 ms, max_utterance 30 s.
    explicit VoiceActivityCall(rtp::Multiplexer& mux, AudioConfig config = {},
                               VoiceDetectorConfig voice = {});

    [[nodiscard]] const VoiceDetectorConfig& voice_config() const noexcept {
        return detector_.config();
    }
    /// Utterances dropped as too short or too quiet.
    [[nodiscard]] std::uint64_t utterances_dropped() const noexcept { return detector_.dropped(); }
    /// Utterances handed to on_voice().
    [[nodiscard]] std::uint64_t utterances() const noexcept { return utterances_; }

protected:
    /// One utterance (at AudioConfig::sample_rate, trailing silence trimmed).
    virtual void on_voice(AudioFrame utterance);
    /// Feeds the detector; a subclass overriding it must call VoiceActivityCall::on_audio.
    void on_audio(std::span<const float> samples, float rms) override;

private:
    VoiceDetector detector_;
    std::uint64_t utterances_ = 0;
};

/// Plays every utterance back to the far end.
class EchoCall : public VoiceActivityCall {
public:
    using VoiceActivityCall::VoiceActivityCall;

protected:
    void on_voice(AudioFrame utterance) override;
};

}  // namespace voip::audio

namespace voip {
using audio::AudioFrame;
using audio::EchoCall;
using audio::VoiceActivityCall;
}  // namespace voip
