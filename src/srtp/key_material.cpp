#include <voip/srtp/error.hpp>
#include <voip/srtp/key_material.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>

namespace voip::srtp {
namespace {

constexpr std::string_view inline_prefix = "inline:";

bool is_base64_char(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

// RFC 4568 §9.2: lifetime = ["2^"] 1*(DIGIT).
bool is_lifetime(std::string_view s) noexcept {
    if (s.starts_with("2^")) s.remove_prefix(2);
    if (s.empty() || s.size() > 20) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string_view to_string(Suite suite) noexcept {
    switch (suite) {
        case Suite::aes_cm_128_hmac_sha1_80:
            return "AES_CM_128_HMAC_SHA1_80";
        case Suite::aes_cm_128_hmac_sha1_32:
            return "AES_CM_128_HMAC_SHA1_32";
        case Suite::aead_aes_128_gcm:
            return "AEAD_AES_128_GCM";
    }
    return "";
}

Result<Suite> suite_from_string(std::string_view name) noexcept {
    for (auto s : {Suite::aes_cm_128_hmac_sha1_80, Suite::aes_cm_128_hmac_sha1_32,
                   Suite::aead_aes_128_gcm}) {
        if (to_string(s) == name) return s;
    }
    return Errc::unknown_suite;
}

std::size_t key_and_salt_length(Suite suite) noexcept {
    // RFC 3711 §8.2: 128-bit key, 112-bit salt; RFC 7714 §12: 128-bit key, 96-bit salt.
    return suite == Suite::aead_aes_128_gcm ? 28 : 30;
}

KeyMaterial::KeyMaterial(Suite suite, std::span<const std::uint8_t> key_and_salt) noexcept
    : suite_(suite), size_(key_and_salt.size()) {
    std::copy(key_and_salt.begin(), key_and_salt.end(), bytes_.begin());
}

KeyMaterial::~KeyMaterial() {
    OPENSSL_cleanse(bytes_.data(), bytes_.size());
}

bool operator==(const KeyMaterial& a, const KeyMaterial& b) noexcept {
    return a.suite_ == b.suite_ && a.size_ == b.size_ &&
           CRYPTO_memcmp(a.bytes_.data(), b.bytes_.data(), a.size_) == 0;
}

Result<KeyMaterial> KeyMaterial::generate(Suite suite) {
    std::array<std::uint8_t, max_length> random{};
    const auto n = key_and_salt_length(suite);
    if (RAND_bytes(random.data(), static_cast<int>(n)) != 1) return Errc::random_failure;
    KeyMaterial key(suite, std::span<const std::uint8_t>(random.data(), n));
    OPENSSL_cleanse(random.data(), random.size());
    return key;
}

Result<KeyMaterial> KeyMaterial::from_bytes(Suite suite,
                                            std::span<const std::uint8_t> key_and_salt) {
    if (key_and_salt.size() != key_and_salt_length(suite)) return Errc::bad_key_length;
    return KeyMaterial(suite, key_and_salt);
}

Result<KeyMaterial> KeyMaterial::from_inline(Suite suite, std::string_view key_params) {
    if (!key_params.starts_with(inline_prefix)) return Errc::bad_key_params;
    key_params.remove_prefix(inline_prefix.size());
    const auto bar = key_params.find('|');
    const std::string_view b64 = key_params.substr(0, bar);
    if (bar != std::string_view::npos) {
        std::string_view rest = key_params.substr(bar + 1);
        const auto bar2 = rest.find('|');
        const std::string_view first = rest.substr(0, bar2);
        // RFC 4568 §9.2: the optional lifetime comes first; "value:length" is an MKI.
        if (first.find(':') != std::string_view::npos) return Errc::unsupported_mki;
        if (!is_lifetime(first)) return Errc::bad_key_params;
        if (bar2 != std::string_view::npos) return Errc::unsupported_mki;
    }
    // Base64 of 28 or 30 bytes is 40 characters; anything else cannot be a valid key.
    if (b64.size() != 40) return Errc::bad_key_length;
    std::size_t padding = 0;
    for (std::size_t i = 0; i < b64.size(); ++i) {
        const char c = b64[i];
        if (c == '=' && i + 2 >= b64.size()) {
            ++padding;
        } else if (padding != 0 || !is_base64_char(c)) {
            return Errc::bad_key_params;
        }
    }
    std::array<std::uint8_t, 32> decoded{};
    const int n =
        EVP_DecodeBlock(decoded.data(), reinterpret_cast<const unsigned char*>(b64.data()),
                        static_cast<int>(b64.size()));
    if (n < 0) return Errc::bad_key_params;
    // EVP_DecodeBlock counts the bytes that padding stands for; take them off.
    const auto size = static_cast<std::size_t>(n) - padding;
    Result<KeyMaterial> key =
        from_bytes(suite, std::span<const std::uint8_t>(decoded.data(), size));
    OPENSSL_cleanse(decoded.data(), decoded.size());
    return key;
}

std::string KeyMaterial::to_inline() const {
    std::array<unsigned char, 4 * ((max_length + 2) / 3) + 1> b64{};
    const int n = EVP_EncodeBlock(b64.data(), bytes_.data(), static_cast<int>(size_));
    std::string out(inline_prefix);
    out.append(reinterpret_cast<const char*>(b64.data()), static_cast<std::size_t>(n));
    OPENSSL_cleanse(b64.data(), b64.size());
    return out;
}

}  // namespace voip::srtp
