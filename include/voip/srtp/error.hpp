#pragma once
/// @file
/// Error codes of the SRTP module (voip::srtp).

#include <system_error>

namespace voip::srtp {

/// Why an SRTP operation failed. Network input that fails authentication or replay checks gets
/// one of these codes and is dropped by the caller; it is never passed on.
enum class Errc {
    unknown_suite = 1,      ///< crypto-suite name not supported (RFC 4568 §6.2)
    bad_key_params,         ///< malformed `inline:` key parameter (RFC 4568 §9.2)
    bad_key_length,         ///< key||salt has the wrong length for the suite
    unsupported_mki,        ///< the key parameter carries an MKI, which we do not support
    random_failure,         ///< the CSPRNG failed to produce key material
    buffer_too_small,       ///< no room for the SRTP trailer (tag, SRTCP index)
    packet_too_short,       ///< shorter than an RTP/RTCP header
    authentication_failed,  ///< the authentication tag does not match (RFC 3711 §3.4)
    replayed,               ///< replay-list check failed (RFC 3711 §3.3.2)
    wrong_direction,        ///< protect on an inbound context or unprotect on an outbound one
    library_failure,        ///< libsrtp2 reported another error
};

/// The category of srtp::Errc ("voip.srtp").
const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(Errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

}  // namespace voip::srtp

template <>
struct std::is_error_code_enum<voip::srtp::Errc> : std::true_type {};
