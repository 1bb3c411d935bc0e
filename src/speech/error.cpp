#include <voip/speech/error.hpp>

#include <string>

namespace voip::speech {
namespace {

class Category final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "voip.speech"; }
    [[nodiscard]] std::string message(int value) const override {
        switch (static_cast<Errc>(value)) {
            case Errc::engine_unavailable:
                return "speech engine not built into this library";
            case Errc::model_not_found:
                return "speech engine could not load its voice or model";
            case Errc::synthesis_failed:
                return "speech synthesis produced no audio";
            case Errc::recognition_failed:
                return "speech recognition failed";
            case Errc::invalid_audio:
                return "invalid audio (zero sample rate or non-finite samples)";
            case Errc::empty_text:
                return "no text to speak";
        }
        return "unknown speech error";
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

std::error_code make_error_code(Errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

}  // namespace voip::speech
