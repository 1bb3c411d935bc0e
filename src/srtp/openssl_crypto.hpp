#pragma once
// OpenSSL implementations of libsrtp2's AES-128 counter mode (RFC 3711 §4.1.1) and HMAC-SHA1
// (§4.2.1) cipher/auth types, plugged in with libsrtp2's documented srtp_replace_cipher_type /
// srtp_replace_auth_type. Why: Debian builds libsrtp2 against NSS, whose PKCS #11 layer creates
// a cipher context (allocation, locks, hash-table lookups) for every packet: ~30,000
// instructions per protect or unprotect of a 172-byte packet, against ~2,000 with OpenSSL's
// EVP (AES-NI). libsrtp2 still does all of SRTP (key derivation, replay, framing); only these
// two primitives change, and libsrtp2 self-tests them (known-answer vectors) before taking them.

#include <string_view>

namespace voip::srtp::detail {

/// Registers the OpenSSL types with libsrtp2 (after srtp_init). True when both were taken;
/// false leaves libsrtp2's own implementation in place (still correct, only slower).
bool install_openssl_crypto();

/// "openssl" once install_openssl_crypto() succeeded, "libsrtp2 built-in" before or without it
/// (and a mixed description if only one of the two was taken).
std::string_view installed_crypto() noexcept;

}  // namespace voip::srtp::detail
