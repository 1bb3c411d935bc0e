#pragma once
/// @file
/// RFC 4568 SDES: `a=crypto:<tag> <suite> <key-params> [<session-params>]`.

#include <voip/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace voip::sdp {

/// One `inline:<key||salt>[|<lifetime>][|<MKI>:<length>]` key parameter (RFC 4568 §9.2).
struct CryptoKey {
    std::string key_salt;                 ///< base64 as written
    std::optional<std::string> lifetime;  ///< as written: "2^31" or a decimal number
    std::optional<std::uint64_t> mki;     ///< MKI value
    std::optional<unsigned> mki_length;   ///< MKI length in bytes (1..128)

    /// The master key and salt bytes (base64 decoded with OpenSSL), or bad_crypto.
    [[nodiscard]] Result<std::vector<std::uint8_t>> decode() const;
    /// The lifetime in packets, if given (`2^n` or decimal).
    [[nodiscard]] std::optional<std::uint64_t> lifetime_packets() const;
    friend bool operator==(const CryptoKey&, const CryptoKey&) = default;
};

/// One a=crypto attribute. Several keys are allowed (RFC 4568 §6.3) and session parameters
/// (KDR=, UNENCRYPTED_SRTP, ...) are kept as written.
struct Crypto {
    unsigned tag = 1;   ///< 1..999999999
    std::string suite;  ///< e.g. "AES_CM_128_HMAC_SHA1_80"
    std::vector<CryptoKey> keys;
    std::vector<std::string> session_params;

    /// Parses the attribute value (after "crypto:"); checks structure, not key lengths.
    static Result<Crypto> parse(std::string_view value);
    [[nodiscard]] std::string to_string() const;

    /// Builds a crypto line with a fresh random master key and salt (OpenSSL RAND_bytes) for
    /// a suite we know; invalid_local_media for an unknown suite or a failing RNG.
    static Result<Crypto> generate(unsigned tag, std::string_view suite);

    /// True if we know the suite and the first key decodes to the suite's key||salt length.
    [[nodiscard]] bool usable() const;
    friend bool operator==(const Crypto&, const Crypto&) = default;
};

/// Length in bytes of the master key||salt of a suite we know (RFC 4568 §6.2, RFC 6188,
/// RFC 7714); nothing for an unknown suite.
[[nodiscard]] std::optional<std::size_t> key_salt_length(std::string_view suite) noexcept;

}  // namespace voip::sdp
