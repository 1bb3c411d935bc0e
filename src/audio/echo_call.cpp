#include <voip/audio/voice_activity_call.hpp>

namespace voip::audio {

void EchoCall::on_voice(AudioFrame utterance) {
    // The detector works at the call's rate, which is what send_audio() takes.
    send_audio(utterance.samples);
}

}  // namespace voip::audio
