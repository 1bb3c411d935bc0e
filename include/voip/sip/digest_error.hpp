#pragma once
/// @file
/// Errors of SIP digest authentication (RFC 2617, RFC 7616, RFC 8760): parsing challenges and
/// Authorization values, answering challenges, and verifying answers on the server side.

#include <system_error>
#include <type_traits>

namespace voip::sip {

/// Why a digest header value could not be parsed, answered or verified.
enum class DigestError {
    // Parsing a WWW-/Proxy-Authenticate or Authorization / Proxy-Authorization value.
    empty = 1,                   ///< The value is empty or only whitespace.
    too_long,                    ///< The value exceeds the parser's byte limit.
    too_many_parameters,         ///< More parameters than the parser's limit.
    not_digest,                  ///< The scheme is not "Digest" (e.g. Basic, Bearer).
    malformed_parameter,         ///< A parameter is not `name=value` (missing name, `=` or value).
    unterminated_quoted_string,  ///< A quoted-string has no closing DQUOTE.
    invalid_character,           ///< A control character or stray byte outside the grammar.
    duplicate_parameter,         ///< A parameter that may appear once appears twice.
    missing_realm,               ///< No realm parameter.
    missing_nonce,               ///< No nonce parameter.
    missing_username,            ///< Authorization without username.
    missing_uri,                 ///< Authorization without uri.
    missing_response,            ///< Authorization without response.
    missing_cnonce,              ///< qop given (or a -sess algorithm) but no cnonce.
    invalid_nonce_count,         ///< nc missing with qop, or not 8 hex digits.
    unsupported_algorithm,       ///< An algorithm other than MD5, SHA-256, SHA-512-256 (+ -sess).
    unsupported_qop,             ///< qop offers nothing this library can answer (auth, auth-int).
    // Client side.
    no_challenge,           ///< Asked to authorize before any challenge was received.
    credentials_mismatch,   ///< The precomputed HA1 is for another realm or hash algorithm.
    credentials_rejected,   ///< A fresh (not stale) challenge answered our credentials: wrong
                            ///< password or user; retrying would loop.
    stale_retry_exhausted,  ///< The server said stale=true again right after a stale retry.
    // Server side.
    wrong_realm,            ///< The answer names another realm.
    algorithm_not_offered,  ///< The answer uses an algorithm the server did not offer.
    qop_required,           ///< The server demands qop=auth but the answer has none (RFC 2069).
    opaque_mismatch,        ///< The opaque value differs from the one issued with the nonce.
    stale_nonce,            ///< Correct digest but an expired or unknown nonce: rechallenge
                            ///< with stale=true (RFC 7616 §3.3).
    wrong_response,         ///< The digest does not match: wrong password, user or request.
    replayed_nonce_count,   ///< nc not greater than the last accepted one for this nonce.
    // Crypto library.
    random_failure,  ///< OpenSSL RAND_bytes failed.
    hash_failure,    ///< An OpenSSL EVP digest failed (e.g. MD5 disabled by a FIPS provider).
};

/// The category of DigestError codes, named "voip.sip.digest".
[[nodiscard]] const std::error_category& digest_category() noexcept;

/// Make a std::error_code from a DigestError (found by ADL).
[[nodiscard]] inline std::error_code make_error_code(DigestError e) noexcept {
    return {static_cast<int>(e), digest_category()};
}

}  // namespace voip::sip

template <>
struct std::is_error_code_enum<voip::sip::DigestError> : std::true_type {};
