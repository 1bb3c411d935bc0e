#pragma once
/// @file
/// SDES master keys (RFC 4568): crypto suites, key generation from a CSPRNG, and the
/// `inline:<base64(key||salt)>` key parameter of an SDP `a=crypto` line.

#include <voip/result.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace voip::srtp {

/// Crypto suites we offer and accept (RFC 4568 §6.2, RFC 7714 §14.2).
enum class Suite {
    aes_cm_128_hmac_sha1_80,  ///< AES_CM_128_HMAC_SHA1_80: 30-byte key||salt, 80-bit tag
    aes_cm_128_hmac_sha1_32,  ///< AES_CM_128_HMAC_SHA1_32: 30-byte key||salt, 32-bit RTP tag
    aead_aes_128_gcm,         ///< AEAD_AES_128_GCM: 28-byte key||salt, 128-bit tag
};

/// Whether a call offers SRTP (RTP/SAVP) and what happens when the far end does not take it.
/// Same names as the SDP layer's policy.
enum class SrtpPolicy {
    off,        ///< plain RTP/AVP only
    preferred,  ///< offer RTP/SAVP, fall back to RTP/AVP when the far end rejects it (488)
    required,   ///< RTP/SAVP or no call
};

/// The RFC 4568 name of a suite, e.g. "AES_CM_128_HMAC_SHA1_80".
[[nodiscard]] std::string_view to_string(Suite suite) noexcept;
/// Parses an RFC 4568 suite name (case-sensitive, as the grammar says).
[[nodiscard]] Result<Suite> suite_from_string(std::string_view name) noexcept;
/// Bytes of master key plus master salt for a suite (30 for AES-CM, 28 for GCM).
[[nodiscard]] std::size_t key_and_salt_length(Suite suite) noexcept;

/// A master key and salt for one direction of one session. Never logged: it has no formatter,
/// and its bytes are wiped on destruction.
class KeyMaterial {
public:
    static constexpr std::size_t max_length = 30;

    /// Fresh random key||salt from OpenSSL's CSPRNG (RAND_bytes).
    [[nodiscard]] static Result<KeyMaterial> generate(Suite suite);
    /// From raw key||salt bytes; the length must match the suite.
    [[nodiscard]] static Result<KeyMaterial> from_bytes(Suite suite,
                                                        std::span<const std::uint8_t> key_and_salt);
    /// From an RFC 4568 §9.2 key parameter: `inline:<base64>[|lifetime]`. A lifetime is
    /// checked for syntax and ignored; an MKI (`|value:length`) is refused.
    [[nodiscard]] static Result<KeyMaterial> from_inline(Suite suite, std::string_view key_params);

    /// `inline:<base64(key||salt)>` for an SDP `a=crypto` line.
    [[nodiscard]] std::string to_inline() const;

    [[nodiscard]] Suite suite() const noexcept { return suite_; }
    [[nodiscard]] std::span<const std::uint8_t> key_and_salt() const noexcept {
        return {bytes_.data(), size_};
    }

    KeyMaterial(const KeyMaterial&) = default;
    KeyMaterial& operator=(const KeyMaterial&) = default;
    KeyMaterial(KeyMaterial&&) = default;
    KeyMaterial& operator=(KeyMaterial&&) = default;
    ~KeyMaterial();

    friend bool operator==(const KeyMaterial& a, const KeyMaterial& b) noexcept;

private:
    KeyMaterial(Suite suite, std::span<const std::uint8_t> key_and_salt) noexcept;

    Suite suite_;
    std::array<std::uint8_t, max_length> bytes_{};
    std::size_t size_ = 0;
};

}  // namespace voip::srtp
