#pragma once
/// @file
/// speech::FliteTts: text-to-speech with Flite and its US-English `slt` voice (Debian
/// flite1-dev), 16 kHz output. Present when the library was built with Flite; otherwise
/// create() returns Errc::engine_unavailable.
///
/// @code
///   auto tts = voip::speech::FliteTts::create().value();
///   auto audio = tts->synthesize("your package has arrived").value();   // 16 kHz samples
/// @endcode
///
/// Threading: Flite is not reentrant (global voice and lexicon state), so every FliteTts in
/// the process shares one lock; synthesize() may be called from any thread.

#include <voip/result.hpp>
#include <voip/speech/text_to_speech.hpp>

#include <memory>
#include <string_view>

struct cst_voice_struct;

namespace voip::speech {

class FliteTts final : public TextToSpeech {
public:
    /// Loads the slt voice (once per process; it then stays registered until exit).
    /// Errors: Errc::engine_unavailable (built without Flite), Errc::model_not_found.
    [[nodiscard]] static Result<std::shared_ptr<FliteTts>> create();

    [[nodiscard]] Result<Audio> synthesize(std::string_view text) override;

private:
    explicit FliteTts(cst_voice_struct* voice) noexcept : voice_(voice) {}

    cst_voice_struct* voice_;  // process-wide, never freed (Flite keeps voices registered)
};

}  // namespace voip::speech
