#include <voip/audio/voice_activity_call.hpp>

#include <utility>

namespace voip::audio {

void EchoCall::on_voice(AudioFrame utterance) {
    // The detector works at the call's rate, which is what send_audio() takes; the utterance
    // is handed over, not copied, when that is the codec's rate too.
    send_audio(std::move(utterance.samples));
}

}  // namespace voip::audio
