#pragma once
/// @file
/// Errors of the speech module: an engine that is not built in or cannot load its data, and
/// input it cannot work with.

#include <system_error>

namespace voip::speech {

enum class Errc {
    engine_unavailable = 1,  ///< the library was built without this engine (Flite, PocketSphinx)
    model_not_found,         ///< the engine's voice or acoustic/language model did not load
    synthesis_failed,        ///< the text-to-speech engine produced no audio
    recognition_failed,      ///< the speech-to-text engine failed on the audio
    invalid_audio,           ///< zero sample rate or samples that are not finite
    empty_text,              ///< nothing to say
};

[[nodiscard]] const std::error_category& error_category() noexcept;
[[nodiscard]] std::error_code make_error_code(Errc e) noexcept;

}  // namespace voip::speech

template <>
struct std::is_error_code_enum<voip::speech::Errc> : std::true_type {};
