#pragma once
// OpenSSL implementations of libsrtp2's AES-128 counter mode (RFC 3711 §4.1.1) and HMAC-SHA1
// (§4.2.1) cipher/auth types, plugged in with libsrtp2's documented srtp_replace_cipher_type /
// srtp_replace_auth_type. Why: Debian builds libsrtp2 against NSS, whose PKCS #11 layer creates
// a cipher context (allocation, locks, hash-table lookups) for every packet: ~30,000
// instructions per protect or unprotect of a 172-byte packet under callgrind, against ~5,200
// with these (3,450 of them SHA-1 blocks, which valgrind runs without SHA-NI; AES-NI and SHA-NI
// natively). libsrtp2 still does all of SRTP (key derivation, replay, framing); only these
// two primitives change, and libsrtp2 self-tests them (known-answer vectors) before taking them.
// Each per-packet call (set_iv, encrypt; auth start, update, compute) allocates nothing,
// looks up no parameter and re-keys nothing: the key work is done once per key.

#include <string_view>

// libsrtp2's type descriptions (srtp2/cipher.h, srtp2/auth.h).
struct srtp_cipher_type_t;
struct srtp_auth_type_t;

namespace voip::srtp::detail {

/// The AES-128 counter-mode type (SRTP_AES_ICM_128, 30-octet key: AES key then salt) that
/// install_openssl_crypto() registers; exposed for tests through libsrtp2's cipher API.
const srtp_cipher_type_t& openssl_aes_icm_128() noexcept;

/// The HMAC-SHA1 type (SRTP_HMAC_SHA1, keys up to 20 octets) that install_openssl_crypto()
/// registers; exposed for tests through libsrtp2's auth API.
const srtp_auth_type_t& openssl_hmac_sha1() noexcept;

/// Registers the OpenSSL types with libsrtp2 (after srtp_init). True when both were taken;
/// false leaves libsrtp2's own implementation in place (still correct, only slower).
bool install_openssl_crypto();

/// "openssl" once install_openssl_crypto() succeeded, "libsrtp2 built-in" before or without it
/// (and a mixed description if only one of the two was taken).
std::string_view installed_crypto() noexcept;

}  // namespace voip::srtp::detail
