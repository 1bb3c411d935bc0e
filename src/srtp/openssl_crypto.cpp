#include "openssl_crypto.hpp"

#include <voip/log.hpp>

#include <climits>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <srtp2/auth.h>
#include <srtp2/cipher.h>
#include <srtp2/srtp.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <new>

namespace voip::srtp::detail {
namespace {

constexpr int aes_key = 16;    // AES-128
constexpr int salt = 14;       // RFC 3711 §4.1.1: 112-bit salt
constexpr int sha1_size = 20;  // HMAC-SHA1 output, the longest tag we hand out

// OpenSSL's algorithm objects, fetched once: an implicit fetch (EVP_aes_128_ctr()) on every
// key set-up would look the provider up again each time.
const EVP_CIPHER* aes_128_ctr() {
    static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-128-CTR", nullptr);
    return cipher;
}
EVP_MAC* hmac() {
    static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    return mac;
}

// ---- AES-128 counter mode (libsrtp2's "AES ICM", RFC 3711 §4.1.1) ----

struct IcmState {
    EVP_CIPHER_CTX* ctx = nullptr;
    // RFC 3711 §4.1.1: the counter block is (salt · 2^16) XOR (SSRC · 2^64) XOR (index · 2^16);
    // libsrtp2 hands us the second part as the "IV", we add the salt.
    std::array<std::uint8_t, 16> offset{};
};

struct IcmCipher {
    srtp_cipher_t cipher{};
    IcmState state;
};

extern const srtp_cipher_type_t aes_icm_128_type;

srtp_err_status_t icm_alloc(srtp_cipher_pointer_t* out, int key_len, int /*tag_len*/) {
    if (key_len != aes_key + salt) return srtp_err_status_bad_param;
    if (aes_128_ctr() == nullptr) return srtp_err_status_cipher_fail;
    auto* c = new (std::nothrow) IcmCipher;
    if (c == nullptr) return srtp_err_status_alloc_fail;
    c->state.ctx = EVP_CIPHER_CTX_new();
    if (c->state.ctx == nullptr) {
        delete c;
        return srtp_err_status_alloc_fail;
    }
    c->cipher.type = &aes_icm_128_type;
    c->cipher.state = &c->state;
    c->cipher.key_len = key_len;
    c->cipher.algorithm = SRTP_AES_ICM_128;
    *out = &c->cipher;
    return srtp_err_status_ok;
}

srtp_err_status_t icm_dealloc(srtp_cipher_pointer_t cp) {
    if (cp == nullptr) return srtp_err_status_bad_param;
    // cipher is the first member: the pointer we handed out is the whole object's.
    auto* c =
        reinterpret_cast<IcmCipher*>(cp);  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
    EVP_CIPHER_CTX_free(c->state.ctx);     // wipes the key schedule
    OPENSSL_cleanse(c->state.offset.data(), c->state.offset.size());
    delete c;
    return srtp_err_status_ok;
}

srtp_err_status_t icm_init(void* state, const std::uint8_t* key) {
    auto& s = *static_cast<IcmState*>(state);
    s.offset.fill(0);
    std::memcpy(s.offset.data(), key + aes_key, salt);
    return EVP_EncryptInit_ex2(s.ctx, aes_128_ctr(), key, nullptr, nullptr) == 1
               ? srtp_err_status_ok
               : srtp_err_status_init_fail;
}

srtp_err_status_t icm_set_iv(void* state, std::uint8_t* iv, srtp_cipher_direction_t /*dir*/) {
    auto& s = *static_cast<IcmState*>(state);
    std::array<std::uint8_t, 16> counter{};
    for (std::size_t i = 0; i < counter.size(); ++i)
        counter[i] = static_cast<std::uint8_t>(s.offset[i] ^ iv[i]);
    // Same key, new counter block: the key schedule is kept.
    return EVP_EncryptInit_ex2(s.ctx, nullptr, nullptr, counter.data(), nullptr) == 1
               ? srtp_err_status_ok
               : srtp_err_status_cipher_fail;
}

// Counter mode: encrypting and decrypting are the same keystream XOR.
srtp_err_status_t icm_crypt(void* state, std::uint8_t* buffer, unsigned int* octets) {
    auto& s = *static_cast<IcmState*>(state);
    if (*octets > static_cast<unsigned int>(INT_MAX)) return srtp_err_status_bad_param;
    int out = 0;
    if (EVP_EncryptUpdate(s.ctx, buffer, &out, buffer, static_cast<int>(*octets)) != 1) {
        return srtp_err_status_cipher_fail;
    }
    *octets = static_cast<unsigned int>(out);
    return srtp_err_status_ok;
}

// RFC 3711 Appendix B.2: the first 32 keystream octets for this key and salt, IV zero.
constexpr std::array<std::uint8_t, aes_key + salt> icm_test_key = {
    0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f,
    0x3c, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd};
std::array<std::uint8_t, 16> icm_test_iv{};  // libsrtp2's test case type wants it mutable
constexpr std::array<std::uint8_t, 32> icm_test_plaintext{};
constexpr std::array<std::uint8_t, 32> icm_test_ciphertext = {
    0xe0, 0x3e, 0xad, 0x09, 0x35, 0xc9, 0x5e, 0x80, 0xe1, 0x66, 0xb1, 0x6d, 0xd9, 0x2b, 0x4e, 0xb4,
    0xd2, 0x35, 0x13, 0x16, 0x2b, 0x02, 0xd0, 0xf7, 0x2a, 0x43, 0xa2, 0xfe, 0x4a, 0x5f, 0x97, 0xab};
const srtp_cipher_test_case_t icm_test = {
    aes_key + salt,
    icm_test_key.data(),
    icm_test_iv.data(),
    static_cast<unsigned int>(icm_test_plaintext.size()),
    icm_test_plaintext.data(),
    static_cast<unsigned int>(icm_test_ciphertext.size()),
    icm_test_ciphertext.data(),
    0,
    nullptr,
    0,
    nullptr,
};

const srtp_cipher_type_t aes_icm_128_type = {
    icm_alloc,  icm_dealloc,      icm_init,
    nullptr,    icm_crypt,        icm_crypt,
    icm_set_iv, nullptr,          "AES-128 counter mode (OpenSSL EVP)",
    &icm_test,  SRTP_AES_ICM_128,
};

// ---- HMAC-SHA1 (RFC 3711 §4.2.1, RFC 2104) ----

struct HmacAuth {
    srtp_auth_t auth{};
    EVP_MAC_CTX* ctx = nullptr;
};

extern const srtp_auth_type_t hmac_sha1_type;

srtp_err_status_t hmac_alloc(srtp_auth_pointer_t* out, int key_len, int out_len) {
    if (key_len < 0 || key_len > sha1_size || out_len < 0 || out_len > sha1_size) {
        return srtp_err_status_bad_param;
    }
    if (hmac() == nullptr) return srtp_err_status_auth_fail;
    auto* a = new (std::nothrow) HmacAuth;
    if (a == nullptr) return srtp_err_status_alloc_fail;
    a->ctx = EVP_MAC_CTX_new(hmac());
    if (a->ctx == nullptr) {
        delete a;
        return srtp_err_status_alloc_fail;
    }
    a->auth.type = &hmac_sha1_type;
    a->auth.state = a->ctx;
    a->auth.out_len = out_len;
    a->auth.key_len = key_len;
    a->auth.prefix_len = 0;
    *out = &a->auth;
    return srtp_err_status_ok;
}

srtp_err_status_t hmac_dealloc(srtp_auth_pointer_t ap) {
    if (ap == nullptr) return srtp_err_status_bad_param;
    auto* a =
        reinterpret_cast<HmacAuth*>(ap);  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
    EVP_MAC_CTX_free(a->ctx);             // wipes the keyed state
    delete a;
    return srtp_err_status_ok;
}

srtp_err_status_t hmac_init(void* state, const std::uint8_t* key, int key_len) {
    char digest[] = "SHA1";
    const std::array<OSSL_PARAM, 2> params = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end()};
    return EVP_MAC_init(static_cast<EVP_MAC_CTX*>(state), key, static_cast<std::size_t>(key_len),
                        params.data()) == 1
               ? srtp_err_status_ok
               : srtp_err_status_auth_fail;
}

// A new message with the same key (OpenSSL keeps the keyed inner/outer state).
srtp_err_status_t hmac_start(void* state) {
    return EVP_MAC_init(static_cast<EVP_MAC_CTX*>(state), nullptr, 0, nullptr) == 1
               ? srtp_err_status_ok
               : srtp_err_status_auth_fail;
}

srtp_err_status_t hmac_update(void* state, const std::uint8_t* buffer, int octets) {
    if (octets < 0) return srtp_err_status_bad_param;
    return EVP_MAC_update(static_cast<EVP_MAC_CTX*>(state), buffer,
                          static_cast<std::size_t>(octets)) == 1
               ? srtp_err_status_ok
               : srtp_err_status_auth_fail;
}

srtp_err_status_t hmac_compute(void* state, const std::uint8_t* buffer, int octets, int tag_len,
                               std::uint8_t* tag) {
    if (tag_len < 0 || tag_len > sha1_size) return srtp_err_status_bad_param;
    if (auto status = hmac_update(state, buffer, octets); status != srtp_err_status_ok) {
        return status;
    }
    std::array<std::uint8_t, sha1_size> full{};
    std::size_t length = 0;
    if (EVP_MAC_final(static_cast<EVP_MAC_CTX*>(state), full.data(), &length, full.size()) != 1 ||
        length != full.size()) {
        return srtp_err_status_auth_fail;
    }
    // RFC 3711 §4.2.1: the tag is the leftmost tag_len octets.
    std::memcpy(tag, full.data(), static_cast<std::size_t>(tag_len));
    return srtp_err_status_ok;
}

// RFC 2202 §3, test case 1.
constexpr std::array<std::uint8_t, 20> hmac_test_key = {0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
                                                        0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
                                                        0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b};
constexpr std::array<std::uint8_t, 8> hmac_test_data = {'H', 'i', ' ', 'T', 'h', 'e', 'r', 'e'};
constexpr std::array<std::uint8_t, 20> hmac_test_tag = {0xb6, 0x17, 0x31, 0x86, 0x55, 0x05, 0x72,
                                                        0x64, 0xe2, 0x8b, 0xc0, 0xb6, 0xfb, 0x37,
                                                        0x8c, 0x8e, 0xf1, 0x46, 0xbe, 0x00};
const srtp_auth_test_case_t hmac_test = {
    static_cast<int>(hmac_test_key.size()),
    hmac_test_key.data(),
    static_cast<int>(hmac_test_data.size()),
    hmac_test_data.data(),
    static_cast<int>(hmac_test_tag.size()),
    hmac_test_tag.data(),
    nullptr,
};

const srtp_auth_type_t hmac_sha1_type = {
    hmac_alloc,
    hmac_dealloc,
    hmac_init,
    hmac_compute,
    hmac_update,
    hmac_start,
    "HMAC-SHA1 (OpenSSL EVP_MAC)",
    &hmac_test,
    SRTP_HMAC_SHA1,
};

std::atomic<bool> cipher_installed{false};
std::atomic<bool> auth_installed{false};

// Notes the outcome of one replacement; a refusal keeps libsrtp2's own, said once.
bool taken(srtp_err_status_t status, std::atomic<bool>& flag, std::string_view what) {
    if (status == srtp_err_status_ok) {
        flag.store(true, std::memory_order_release);
        return true;
    }
    log::warning("srtp", "OpenSSL {} not taken by libsrtp2 (status {}): keeping its own", what,
                 static_cast<int>(status));
    return false;
}

}  // namespace

bool install_openssl_crypto() {
    // libsrtp2 runs the type's own known-answer test and the one of the type it replaces.
    const bool cipher = taken(srtp_replace_cipher_type(&aes_icm_128_type, SRTP_AES_ICM_128),
                              cipher_installed, "AES-CM");
    const bool auth =
        taken(srtp_replace_auth_type(&hmac_sha1_type, SRTP_HMAC_SHA1), auth_installed, "HMAC-SHA1");
    return cipher && auth;
}

std::string_view installed_crypto() noexcept {
    const bool cipher = cipher_installed.load(std::memory_order_acquire);
    const bool auth = auth_installed.load(std::memory_order_acquire);
    if (cipher && auth) return "openssl";
    if (cipher) return "openssl AES-CM, libsrtp2 built-in HMAC-SHA1";
    if (auth) return "libsrtp2 built-in AES-CM, openssl HMAC-SHA1";
    return "libsrtp2 built-in";
}

}  // namespace voip::srtp::detail
