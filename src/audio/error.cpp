#include <voip/audio/error.hpp>

#include <string>

namespace voip::audio {
namespace {

class Category final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "voip.audio"; }
    [[nodiscard]] std::string message(int value) const override {
        switch (static_cast<Errc>(value)) {
            case Errc::not_started:
                return "media not started";
            case Errc::already_started:
                return "media already started";
            case Errc::no_telephone_event:
                return "telephone-event not negotiated";
            case Errc::direction_forbids:
                return "the negotiated direction does not allow it";
            case Errc::bad_remote_address:
                return "remote media address is not an IP address";
            case Errc::codec_changed:
                return "the re-negotiation changed the codec (restart the media to apply it)";
        }
        return "unknown audio error";
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

}  // namespace voip::audio
