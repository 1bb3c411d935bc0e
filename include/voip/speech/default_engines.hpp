#pragma once
/// @file
/// The engines SayCall and TranscribeCall use when given none: one process-wide FliteTts and
/// one process-wide PocketSphinxStt (default model), each made on first use and shared.

#include <voip/result.hpp>
#include <voip/speech/speech_to_text.hpp>
#include <voip/speech/text_to_speech.hpp>

#include <memory>

namespace voip::speech {

/// The shared FliteTts. Errors: those of FliteTts::create() (engine_unavailable without Flite).
[[nodiscard]] Result<std::shared_ptr<TextToSpeech>> default_text_to_speech();

/// The shared PocketSphinxStt; the first call loads the model (about half a second), later
/// calls return the same engine. A failure is not remembered: the next call tries again.
/// Errors: those of PocketSphinxStt::create().
[[nodiscard]] Result<std::shared_ptr<SpeechToText>> default_speech_to_text();

}  // namespace voip::speech
