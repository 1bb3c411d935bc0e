#include <voip/audio/voice_activity_call.hpp>

#include <utility>

namespace voip::audio {

VoiceActivityCall::VoiceActivityCall(rtp::Multiplexer& mux, AudioConfig config,
                                     VoiceDetectorConfig voice)
    : AudioCall(mux, std::move(config)), detector_(voice, audio_config().sample_rate) {}

void VoiceActivityCall::on_audio(std::span<const float> samples, float rms) {
    if (auto utterance = detector_.feed(samples, rms)) {
        ++utterances_;
        note_next_audio_write({});
        on_voice(std::move(*utterance));
        return;
    }
    note_next_audio_write(detector_.next_write(samples.size()));
}

// By value: overrides take the utterance (EchoCall moves it on); the default ignores it.
// NOLINTNEXTLINE(performance-unnecessary-value-param)
void VoiceActivityCall::on_voice(AudioFrame /*utterance*/) {}

}  // namespace voip::audio
