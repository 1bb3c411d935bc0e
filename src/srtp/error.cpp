#include <voip/srtp/error.hpp>

#include <string>

namespace voip::srtp {
namespace {

class Category final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "voip.srtp"; }
    [[nodiscard]] std::string message(int code) const override {
        switch (static_cast<Errc>(code)) {
            case Errc::unknown_suite:
                return "unknown SRTP crypto suite";
            case Errc::bad_key_params:
                return "malformed SRTP key parameter";
            case Errc::bad_key_length:
                return "SRTP key has the wrong length for its suite";
            case Errc::unsupported_mki:
                return "SRTP master key identifier not supported";
            case Errc::random_failure:
                return "random number generator failed";
            case Errc::buffer_too_small:
                return "buffer too small for the SRTP trailer";
            case Errc::packet_too_short:
                return "packet too short for SRTP";
            case Errc::authentication_failed:
                return "SRTP authentication failed";
            case Errc::replayed:
                return "SRTP replay check failed";
            case Errc::wrong_direction:
                return "SRTP context used in the wrong direction";
            case Errc::library_failure:
                return "libsrtp2 failure";
        }
        return "unknown SRTP error";
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

}  // namespace voip::srtp
