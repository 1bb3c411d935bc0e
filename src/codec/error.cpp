#include <voip/codec/error.hpp>

#include <string>

namespace voip::codec {
namespace {

class Category final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "voip.codec"; }
    [[nodiscard]] std::string message(int value) const override {
        switch (static_cast<Errc>(value)) {
            case Errc::unknown_codec:
                return "unknown codec";
            case Errc::invalid_parameter:
                return "invalid codec parameter";
            case Errc::frame_size_mismatch:
                return "input is not exactly one frame";
            case Errc::buffer_too_small:
                return "output buffer too small";
            case Errc::empty_payload:
                return "empty payload";
            case Errc::truncated_payload:
                return "truncated payload";
            case Errc::corrupt_payload:
                return "corrupt payload";
            case Errc::codec_failure:
                return "codec library failure";
            case Errc::file_open_failed:
                return "cannot open audio file";
            case Errc::file_format_unsupported:
                return "unsupported audio file format";
            case Errc::file_read_failed:
                return "cannot read audio file";
            case Errc::file_write_failed:
                return "cannot write audio file";
        }
        return "unknown codec error";
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

}  // namespace voip::codec
