#include "sip/digest_crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <memory>

namespace voip::sip::detail {
namespace {

const EVP_MD* evp_of(DigestAlgorithm algorithm) noexcept {
    switch (algorithm) {
        case DigestAlgorithm::md5:
        case DigestAlgorithm::md5_sess:
            return EVP_md5();
        case DigestAlgorithm::sha256:
        case DigestAlgorithm::sha256_sess:
            return EVP_sha256();
        case DigestAlgorithm::sha512_256:
        case DigestAlgorithm::sha512_256_sess:
            return EVP_sha512_256();
    }
    return nullptr;
}

std::string to_hex(const unsigned char* data, std::size_t size) {
    static constexpr std::string_view digits = "0123456789abcdef";
    std::string hex(size * 2, '\0');
    for (std::size_t i = 0; i < size; ++i) {
        hex[2 * i] = digits[data[i] >> 4U];
        hex[2 * i + 1] = digits[data[i] & 0x0FU];
    }
    return hex;
}

struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};

}  // namespace

Result<std::string> digest_hex(DigestAlgorithm algorithm,
                               std::initializer_list<std::string_view> parts) {
    const EVP_MD* md = evp_of(algorithm);
    const std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx{EVP_MD_CTX_new()};
    if (md == nullptr || !ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) {
        return DigestError::hash_failure;
    }
    bool first = true;
    for (const std::string_view part : parts) {
        if (!first && EVP_DigestUpdate(ctx.get(), ":", 1) != 1) return DigestError::hash_failure;
        first = false;
        if (!part.empty() && EVP_DigestUpdate(ctx.get(), part.data(), part.size()) != 1) {
            return DigestError::hash_failure;
        }
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(ctx.get(), out.data(), &size) != 1) return DigestError::hash_failure;
    return to_hex(out.data(), size);
}

Result<std::string> random_hex(std::size_t bytes) {
    std::array<unsigned char, 64> buffer{};
    if (bytes > buffer.size()) bytes = buffer.size();
    if (RAND_bytes(buffer.data(), static_cast<int>(bytes)) != 1) return DigestError::random_failure;
    return to_hex(buffer.data(), bytes);
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace voip::sip::detail
