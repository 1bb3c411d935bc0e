#pragma once
/// @file
/// speech::SpeechToText: the interface a speech recogniser offers (PocketSphinxStt is the one
/// shipped), so engines can be swapped under TranscribeCall.

#include <voip/result.hpp>

#include <cstdint>
#include <span>
#include <string>

namespace voip::speech {

class SpeechToText {
public:
    virtual ~SpeechToText() = default;

    /// Transcribes one utterance of mono float32 @p samples at @p rate Hz (the engine converts
    /// to the rate its model wants). The text is lower-case words separated by single spaces,
    /// empty when nothing was recognised. Slow (comparable to the audio's duration): call it
    /// off any I/O thread. Callable from any thread (implementations serialise).
    /// Errors: Errc::invalid_audio, Errc::recognition_failed.
    [[nodiscard]] virtual Result<std::string> transcribe(std::span<const float> samples,
                                                         std::uint32_t rate) = 0;

protected:
    SpeechToText() = default;
    SpeechToText(const SpeechToText&) = default;
    SpeechToText& operator=(const SpeechToText&) = default;
    SpeechToText(SpeechToText&&) = default;
    SpeechToText& operator=(SpeechToText&&) = default;
};

}  // namespace voip::speech
