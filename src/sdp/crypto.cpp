#include <voip/sdp/crypto.hpp>
#include <voip/sdp/error.hpp>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <limits>

#include "sdp/text.hpp"

namespace voip::sdp {
namespace {

struct SuiteInfo {
    std::string_view name;
    std::size_t key_salt_bytes;
};

// Master key + master salt sizes: RFC 4568 §6.2 (AES_CM_128, F8), RFC 6188 (AES_192/256_CM),
// RFC 7714 §14.2 (AEAD_AES_*_GCM, 96-bit salt).
constexpr std::array<SuiteInfo, 9> suites{{
    {"AES_CM_128_HMAC_SHA1_80", 30},
    {"AES_CM_128_HMAC_SHA1_32", 30},
    {"F8_128_HMAC_SHA1_80", 30},
    {"AES_192_CM_HMAC_SHA1_80", 38},
    {"AES_192_CM_HMAC_SHA1_32", 38},
    {"AES_256_CM_HMAC_SHA1_80", 46},
    {"AES_256_CM_HMAC_SHA1_32", 46},
    {"AEAD_AES_128_GCM", 28},
    {"AEAD_AES_256_GCM", 44},
}};

bool is_base64_char(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

// RFC 4568 §9.2: inline:<key||salt>["|" lifetime]["|" mki ":" mki-length]
Result<CryptoKey> parse_key(std::string_view param) {
    constexpr std::string_view prefix = "inline:";
    if (param.substr(0, prefix.size()) != prefix) return Errc::bad_crypto;
    auto parts = detail::split(param.substr(prefix.size()), '|');
    if (parts.size() > 3) return Errc::bad_crypto;
    CryptoKey key;
    auto b64 = parts[0];
    if (b64.empty()) return Errc::bad_crypto;
    std::size_t padding = 0;
    for (char c : b64) {
        if (c == '=') {
            ++padding;
        } else if (padding != 0 || !is_base64_char(c)) {
            return Errc::bad_crypto;
        }
    }
    if (padding > 2) return Errc::bad_crypto;
    key.key_salt = std::string(b64);
    for (std::size_t i = 1; i < parts.size(); ++i) {
        auto part = parts[i];
        auto colon = part.find(':');
        if (colon != std::string_view::npos) {
            // MKI: value ":" length, both decimal; length 1..128 (RFC 4568 §9.2).
            if (key.mki) return Errc::bad_crypto;
            auto value = detail::parse_number<std::uint64_t>(part.substr(0, colon));
            auto length = detail::parse_number<unsigned>(part.substr(colon + 1));
            if (!value || !length || *length == 0 || *length > 128) return Errc::bad_crypto;
            key.mki = value;
            key.mki_length = length;
        } else {
            // Lifetime comes before the MKI, once.
            if (key.lifetime || key.mki) return Errc::bad_crypto;
            if (part.substr(0, 2) == "2^") {
                auto exponent = detail::parse_number<unsigned>(part.substr(2));
                if (!exponent || *exponent > 63) return Errc::bad_crypto;
            } else if (!detail::parse_number<std::uint64_t>(part)) {
                return Errc::bad_crypto;
            }
            key.lifetime = std::string(part);
        }
    }
    return key;
}

std::string key_to_string(const CryptoKey& key) {
    std::string out = "inline:" + key.key_salt;
    if (key.lifetime) out.append(1, '|').append(*key.lifetime);
    if (key.mki) {
        out.append(1, '|')
            .append(std::to_string(*key.mki))
            .append(1, ':')
            .append(std::to_string(key.mki_length.value_or(1)));
    }
    return out;
}

}  // namespace

std::optional<std::size_t> key_salt_length(std::string_view suite) noexcept {
    for (const auto& s : suites) {
        if (s.name == suite) return s.key_salt_bytes;
    }
    return std::nullopt;
}

Result<std::vector<std::uint8_t>> CryptoKey::decode() const {
    std::string text = key_salt;
    // Some stacks drop the '=' padding; EVP_DecodeBlock needs whole 4-character groups.
    while (text.size() % 4 != 0)
        text.push_back('=');
    if (text.empty() || text.size() > 4096) return Errc::bad_crypto;
    std::vector<std::uint8_t> out(text.size() / 4 * 3);
    int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                            static_cast<int>(text.size()));
    if (n < 0) return Errc::bad_crypto;
    // EVP_DecodeBlock counts padding as zero bytes: take them back off.
    std::size_t pad = 0;
    for (auto it = text.rbegin(); it != text.rend() && *it == '='; ++it)
        ++pad;
    if (pad > 2) return Errc::bad_crypto;
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

std::optional<std::uint64_t> CryptoKey::lifetime_packets() const {
    if (!lifetime) return std::nullopt;
    if (lifetime->starts_with("2^")) {
        auto exponent = detail::parse_number<unsigned>(std::string_view(*lifetime).substr(2));
        if (!exponent || *exponent > 63) return std::nullopt;
        return std::uint64_t{1} << *exponent;
    }
    return detail::parse_number<std::uint64_t>(*lifetime);
}

Result<Crypto> Crypto::parse(std::string_view value) {
    // RFC 4568 §9.1: tag 1*9DIGIT SP crypto-suite SP key-params *(SP session-param)
    auto fields = detail::split(value, ' ');
    if (fields.size() < 3) return Errc::bad_crypto;
    if (fields[0].size() > 9) return Errc::bad_crypto;
    auto tag = detail::parse_number<unsigned>(fields[0]);
    if (!tag) return Errc::bad_crypto;
    if (!detail::is_token(fields[1])) return Errc::bad_crypto;
    Crypto crypto;
    crypto.tag = *tag;
    crypto.suite = std::string(fields[1]);
    for (auto param : detail::split(fields[2], ';')) {
        auto key = parse_key(param);
        if (!key) return key.error();
        crypto.keys.push_back(std::move(*key));
    }
    for (std::size_t i = 3; i < fields.size(); ++i) {
        if (!detail::is_non_ws_string(fields[i])) return Errc::bad_crypto;
        crypto.session_params.emplace_back(fields[i]);
    }
    return crypto;
}

std::string Crypto::to_string() const {
    std::string out = std::to_string(tag);
    out.append(1, ' ').append(suite).append(1, ' ');
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (i != 0) out.append(1, ';');
        out.append(key_to_string(keys[i]));
    }
    for (const auto& p : session_params)
        out.append(1, ' ').append(p);
    return out;
}

Result<Crypto> Crypto::generate(unsigned tag, std::string_view suite) {
    auto length = key_salt_length(suite);
    if (!length || tag == 0 || tag > 999999999U) return Errc::invalid_local_media;
    std::vector<unsigned char> raw(*length);
    if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
        return Errc::invalid_local_media;
    }
    std::string b64((raw.size() + 2) / 3 * 4 + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), raw.data(),
                            static_cast<int>(raw.size()));
    OPENSSL_cleanse(raw.data(), raw.size());
    b64.resize(static_cast<std::size_t>(n));
    Crypto crypto;
    crypto.tag = tag;
    crypto.suite = std::string(suite);
    crypto.keys.push_back(CryptoKey{std::move(b64), std::nullopt, std::nullopt, std::nullopt});
    return crypto;
}

bool Crypto::usable() const {
    auto length = key_salt_length(suite);
    if (!length || keys.empty()) return false;
    for (const auto& key : keys) {
        auto bytes = key.decode();
        if (!bytes || bytes->size() != *length) return false;
    }
    return true;
}

}  // namespace voip::sdp
