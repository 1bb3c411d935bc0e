#include <voip/speech/default_engines.hpp>
#include <voip/speech/flite_tts.hpp>
#include <voip/speech/pocketsphinx_stt.hpp>

#include <mutex>

namespace voip::speech {

Result<std::shared_ptr<TextToSpeech>> default_text_to_speech() {
    static std::mutex mutex;
    static std::shared_ptr<TextToSpeech> engine;
    const std::lock_guard lock{mutex};
    if (!engine) {
        auto made = FliteTts::create();
        if (!made) return made.error();
        engine = std::move(*made);
    }
    return engine;
}

Result<std::shared_ptr<SpeechToText>> default_speech_to_text() {
    static std::mutex mutex;
    static std::shared_ptr<SpeechToText> engine;
    const std::lock_guard lock{mutex};
    if (!engine) {
        auto made = PocketSphinxStt::create();
        if (!made) return made.error();
        engine = std::move(*made);
    }
    return engine;
}

}  // namespace voip::speech
