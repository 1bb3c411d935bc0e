#include <voip/sip/digest_error.hpp>

#include <string>

namespace voip::sip {
namespace {

class DigestCategory final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "voip.sip.digest"; }

    [[nodiscard]] std::string message(int value) const override {
        switch (static_cast<DigestError>(value)) {
            case DigestError::empty:
                return "empty digest header value";
            case DigestError::too_long:
                return "digest header value too long";
            case DigestError::too_many_parameters:
                return "too many digest parameters";
            case DigestError::not_digest:
                return "authentication scheme is not Digest";
            case DigestError::malformed_parameter:
                return "malformed digest parameter";
            case DigestError::unterminated_quoted_string:
                return "unterminated quoted string";
            case DigestError::invalid_character:
                return "invalid character in digest value";
            case DigestError::duplicate_parameter:
                return "duplicate digest parameter";
            case DigestError::missing_realm:
                return "digest realm missing";
            case DigestError::missing_nonce:
                return "digest nonce missing";
            case DigestError::missing_username:
                return "digest username missing";
            case DigestError::missing_uri:
                return "digest uri missing";
            case DigestError::missing_response:
                return "digest response missing";
            case DigestError::missing_cnonce:
                return "digest cnonce missing";
            case DigestError::invalid_nonce_count:
                return "digest nonce count missing or invalid";
            case DigestError::unsupported_algorithm:
                return "unsupported digest algorithm";
            case DigestError::unsupported_qop:
                return "unsupported digest qop";
            case DigestError::no_challenge:
                return "no digest challenge to answer";
            case DigestError::credentials_mismatch:
                return "precomputed HA1 does not fit the realm or algorithm";
            case DigestError::credentials_rejected:
                return "digest credentials rejected";
            case DigestError::stale_retry_exhausted:
                return "nonce reported stale twice in a row";
            case DigestError::wrong_realm:
                return "digest realm does not match";
            case DigestError::algorithm_not_offered:
                return "digest algorithm was not offered";
            case DigestError::qop_required:
                return "digest answer lacks the required qop";
            case DigestError::opaque_mismatch:
                return "digest opaque does not match";
            case DigestError::stale_nonce:
                return "digest nonce is stale";
            case DigestError::wrong_response:
                return "digest response does not match";
            case DigestError::replayed_nonce_count:
                return "digest nonce count replayed";
            case DigestError::random_failure:
                return "random number generator failed";
            case DigestError::hash_failure:
                return "hash computation failed";
        }
        return "unknown digest error";
    }
};

}  // namespace

const std::error_category& digest_category() noexcept {
    static const DigestCategory category;
    return category;
}

}  // namespace voip::sip
