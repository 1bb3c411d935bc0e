#pragma once
/// @file
/// Error codes of the STUN module (message codec and Binding client).

#include <system_error>

namespace voip::stun {

/// Why a STUN message was rejected or a Binding transaction failed.
enum class Error {
    ok = 0,
    truncated,                       ///< shorter than the 20-byte header
    not_stun,                        ///< top two bits of the type are not 0 (RFC 5389 §6)
    bad_magic_cookie,                ///< cookie is not 0x2112A442 (e.g. RFC 3489 peer)
    bad_length,                      ///< length not a multiple of 4 or not the datagram size
    bad_attribute,                   ///< attribute runs past the end or has an invalid value
    fingerprint_not_last,            ///< FINGERPRINT is not the last attribute (§15.5)
    bad_fingerprint,                 ///< FINGERPRINT CRC does not match
    bad_address,                     ///< (XOR-)MAPPED-ADDRESS family or length invalid
    buffer_too_small,                ///< building: caller's buffer cannot hold the message
    value_out_of_range,              ///< building: a value does not fit its field
    timed_out,                       ///< Binding: no response after Rc requests (§7.2.1)
    error_response,                  ///< Binding: server answered with an error response
    no_mapped_address,               ///< Binding: success response without an address
    unknown_comprehension_required,  ///< response has an attribute we must understand but do not
    busy,                            ///< Binding: a transaction is already in progress
};

/// The category of stun::Error values ("voip.stun").
[[nodiscard]] const std::error_category& error_category() noexcept;

/// Makes std::error_code from stun::Error (found by ADL).
[[nodiscard]] inline std::error_code make_error_code(Error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

}  // namespace voip::stun

template <>
struct std::is_error_code_enum<voip::stun::Error> : std::true_type {};
