#include <voip/stun/error.hpp>

#include <string>

namespace voip::stun {
namespace {

class Category final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "voip.stun"; }
    [[nodiscard]] std::string message(int value) const override {
        switch (static_cast<Error>(value)) {
            case Error::ok:
                return "success";
            case Error::truncated:
                return "STUN message truncated";
            case Error::not_stun:
                return "not a STUN message";
            case Error::bad_magic_cookie:
                return "wrong STUN magic cookie";
            case Error::bad_length:
                return "STUN length field inconsistent with the datagram";
            case Error::bad_attribute:
                return "malformed STUN attribute";
            case Error::fingerprint_not_last:
                return "FINGERPRINT is not the last attribute";
            case Error::bad_fingerprint:
                return "FINGERPRINT mismatch";
            case Error::bad_address:
                return "malformed STUN address attribute";
            case Error::buffer_too_small:
                return "output buffer too small";
            case Error::value_out_of_range:
                return "value does not fit its STUN field";
            case Error::timed_out:
                return "STUN transaction timed out";
            case Error::error_response:
                return "STUN server returned an error response";
            case Error::no_mapped_address:
                return "STUN response carries no mapped address";
            case Error::unknown_comprehension_required:
                return "unknown comprehension-required STUN attribute";
            case Error::busy:
                return "a STUN transaction is already in progress";
        }
        return "unknown stun error";
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

}  // namespace voip::stun
