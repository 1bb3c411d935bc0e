#pragma once
/// @file
/// speech::TextToSpeech: the interface a speech synthesiser offers (FliteTts is the one
/// shipped), so engines can be swapped under SayCall.

#include <voip/result.hpp>

#include <cstdint>
#include <string_view>
#include <vector>

namespace voip::speech {

/// Synthesised speech: mono float32 samples (full scale ±1.0) at `rate` Hz.
struct Audio {
    std::vector<float> samples;
    std::uint32_t rate = 0;
};

class TextToSpeech {
public:
    virtual ~TextToSpeech() = default;

    /// Speaks @p text into audio at the engine's own rate. Callable from any thread
    /// (implementations serialise what their engine cannot do concurrently).
    /// Errors: Errc::empty_text, Errc::synthesis_failed.
    [[nodiscard]] virtual Result<Audio> synthesize(std::string_view text) = 0;

protected:
    TextToSpeech() = default;
    TextToSpeech(const TextToSpeech&) = default;
    TextToSpeech& operator=(const TextToSpeech&) = default;
    TextToSpeech(TextToSpeech&&) = default;
    TextToSpeech& operator=(TextToSpeech&&) = default;
};

}  // namespace voip::speech
