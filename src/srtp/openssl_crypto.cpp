#include "openssl_crypto.hpp"

#include <voip/log.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <srtp2/auth.h>
#include <srtp2/cipher.h>
#include <srtp2/srtp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstdint>
#include <cstring>
#include <new>

namespace voip::srtp::detail {
namespace {

constexpr int aes_key = 16;    // AES-128
constexpr int salt = 14;       // RFC 3711 §4.1.1: 112-bit salt
constexpr int sha1_size = 20;  // HMAC-SHA1 output, the longest tag we hand out

// OpenSSL's algorithm object, fetched once: an implicit fetch (EVP_aes_128_ecb()) on every key
// set-up would look the provider up again each time.
const EVP_CIPHER* aes_128_ecb() {
    static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-128-ECB", nullptr);
    return cipher;
}

// ---- AES-128 counter mode (libsrtp2's "AES ICM", RFC 3711 §4.1.1) ----
//
// Counter mode is E(k, counter) XOR data with the counter stepping by one per 16-octet block.
// OpenSSL's CTR cipher would need a new IV per packet through EVP_EncryptInit_ex2, which in
// OpenSSL 3 costs more than the AES itself (provider calls, OSSL_PARAM look-ups for the IV
// length). So the key schedule lives in an AES-128-ECB context keyed once per key, and each
// call builds the counter blocks it needs and encrypts them with one EVP_EncryptUpdate
// (AES-NI, blocks in parallel): OpenSSL still does every AES block; we only count and XOR.

constexpr std::size_t block = 16;
constexpr std::size_t chunk_blocks = 32;  // keystream made per EVP call: 512 octets of stack

struct IcmState {
    EVP_CIPHER_CTX* ctx = nullptr;  // AES-128-ECB, no padding
    // RFC 3711 §4.1.1: the counter block is (salt · 2^16) XOR (SSRC · 2^64) XOR (index · 2^16);
    // libsrtp2 hands us the second part as the "IV", we add the salt (high, low 64 bits).
    std::uint64_t salt_high = 0;
    std::uint64_t salt_low = 0;
    // The next counter block as a 128-bit big-endian integer (high, low 64 bits).
    std::uint64_t counter_high = 0;
    std::uint64_t counter_low = 0;
    // Keystream left over from the last block of the previous call: libsrtp2 may call encrypt
    // more than once after one set_iv and expects the keystream to continue.
    std::array<std::uint8_t, block> spare{};
    std::size_t spare_used = block;  // octets of spare already consumed
};

struct IcmCipher {
    srtp_cipher_t cipher{};
    IcmState state;
};

extern const srtp_cipher_type_t aes_icm_128_type;

std::uint64_t load_big_endian(const std::uint8_t* p) {
    std::uint64_t v = 0;
    std::memcpy(&v, p, sizeof v);
    return std::endian::native == std::endian::little ? __builtin_bswap64(v) : v;
}

void store_big_endian(std::uint64_t v, std::uint8_t* p) {
    if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
    std::memcpy(p, &v, sizeof v);
}

// data ^= keystream over n octets, eight at a time where it can.
void xor_into(std::uint8_t* data, const std::uint8_t* keystream, std::size_t n) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t d = 0;
        std::uint64_t k = 0;
        std::memcpy(&d, data + i, 8);
        std::memcpy(&k, keystream + i, 8);
        d ^= k;
        std::memcpy(data + i, &d, 8);
    }
    for (; i < n; ++i)
        data[i] ^= keystream[i];
}

srtp_err_status_t icm_alloc(srtp_cipher_pointer_t* out, int key_len, int /*tag_len*/) {
    if (key_len != aes_key + salt) return srtp_err_status_bad_param;
    if (aes_128_ecb() == nullptr) return srtp_err_status_cipher_fail;
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
    OPENSSL_cleanse(&c->state, sizeof(c->state));
    delete c;
    return srtp_err_status_ok;
}

srtp_err_status_t icm_init(void* state, const std::uint8_t* key) {
    auto& s = *static_cast<IcmState*>(state);
    std::array<std::uint8_t, block> salted{};  // the salt · 2^16
    std::memcpy(salted.data(), key + aes_key, salt);
    s.salt_high = load_big_endian(salted.data());
    s.salt_low = load_big_endian(salted.data() + 8);
    OPENSSL_cleanse(salted.data(), salted.size());
    s.spare_used = block;
    if (EVP_EncryptInit_ex2(s.ctx, aes_128_ecb(), key, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_set_padding(s.ctx, 0) != 1) {
        return srtp_err_status_init_fail;
    }
    return srtp_err_status_ok;
}

srtp_err_status_t icm_set_iv(void* state, std::uint8_t* iv, srtp_cipher_direction_t /*dir*/) {
    auto& s = *static_cast<IcmState*>(state);
    s.counter_high = s.salt_high ^ load_big_endian(iv);
    s.counter_low = s.salt_low ^ load_big_endian(iv + 8);
    s.spare_used = block;  // a new keystream: nothing left over
    return srtp_err_status_ok;
}

// Counter mode: encrypting and decrypting are the same keystream XOR.
srtp_err_status_t icm_crypt(void* state, std::uint8_t* buffer, unsigned int* octets) {
    auto& s = *static_cast<IcmState*>(state);
    std::size_t left = *octets;
    std::uint8_t* p = buffer;
    // First what the previous call left of its last keystream block.
    for (; left > 0 && s.spare_used < block; --left)
        *p++ ^= s.spare[s.spare_used++];

    // Not wiped after use: keystream XOR ciphertext is the plaintext, which is in the caller's
    // buffer anyway; the key schedule stays in OpenSSL's context. Filled before it is read.
    // NOLINTNEXTLINE(*-member-init)
    std::array<std::uint8_t, chunk_blocks * block> keystream;
    while (left > 0) {
        const std::size_t blocks = std::min((left + block - 1) / block, chunk_blocks);
        // RFC 3711 §4.1.1: E(k, IV) || E(k, IV + 1 mod 2^128) || ...
        for (std::size_t b = 0; b < blocks; ++b) {
            store_big_endian(s.counter_high, keystream.data() + b * block);
            store_big_endian(s.counter_low, keystream.data() + b * block + 8);
            if (++s.counter_low == 0) ++s.counter_high;
        }
        int out = 0;
        const int bytes = static_cast<int>(blocks * block);
        if (EVP_EncryptUpdate(s.ctx, keystream.data(), &out, keystream.data(), bytes) != 1 ||
            out != bytes) {
            return srtp_err_status_cipher_fail;
        }
        const std::size_t used = std::min(left, blocks * block);
        xor_into(p, keystream.data(), used);
        p += used;
        left -= used;
        if (used % block != 0) {  // a partial last block: keep the rest for the next call
            const std::size_t last = used - used % block;
            std::memcpy(s.spare.data(), keystream.data() + last, block);
            s.spare_used = used % block;
        }
    }
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
    icm_set_iv, nullptr,          "AES-128 counter mode (OpenSSL EVP AES-128-ECB)",
    &icm_test,  SRTP_AES_ICM_128,
};

// ---- HMAC-SHA1 (RFC 3711 §4.2.1, RFC 2104) ----
//
// HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)). The SHA-1 states after the one block
// K ^ ipad and K ^ opad are the same for every packet: they are computed once per key and
// copied per packet, so a packet costs its own SHA-1 blocks plus one for the outer hash.
// OpenSSL 3's EVP offers no way to copy a digest state without allocating (EVP_MAC_init and
// EVP_MD_CTX_copy_ex both duplicate the provider context through malloc, twice per packet).
// Measured per HMAC of 176 octets: EVP_MAC 427 ns, EVP_MD_CTX_copy_ex from precomputed
// states 218 ns, SHA1_* from precomputed states 146 ns (docs/scaling.md). So this uses
// the SHA1_* functions, deprecated since OpenSSL 3.0 but still shipped and running the same
// assembly (SHA-NI where the CPU has it). The deprecation is silenced here only, in these
// few wrappers.

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif

bool sha1_init(SHA_CTX& c) {
    return SHA1_Init(&c) == 1;
}
bool sha1_update(SHA_CTX& c, const void* data, std::size_t size) {
    return SHA1_Update(&c, data, size) == 1;
}
bool sha1_final(SHA_CTX& c, std::uint8_t* digest) {
    return SHA1_Final(digest, &c) == 1;
}

#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

constexpr std::size_t sha1_block = 64;  // RFC 2104 §2: B

struct HmacState {
    SHA_CTX inner{};  // after K ^ ipad
    SHA_CTX outer{};  // after K ^ opad
    SHA_CTX work{};   // the message in progress
};

struct HmacAuth {
    srtp_auth_t auth{};
    HmacState state;
};

extern const srtp_auth_type_t hmac_sha1_type;

srtp_err_status_t hmac_alloc(srtp_auth_pointer_t* out, int key_len, int out_len) {
    if (key_len < 0 || key_len > sha1_size || out_len < 0 || out_len > sha1_size) {
        return srtp_err_status_bad_param;
    }
    auto* a = new (std::nothrow) HmacAuth;
    if (a == nullptr) return srtp_err_status_alloc_fail;
    a->auth.type = &hmac_sha1_type;
    a->auth.state = &a->state;
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
    OPENSSL_cleanse(&a->state, sizeof(a->state));  // the keyed states
    delete a;
    return srtp_err_status_ok;
}

srtp_err_status_t hmac_init(void* state, const std::uint8_t* key, int key_len) {
    // Keys up to one block are used as they are (RFC 2104 §2); SRTP's are 20 octets.
    if (key_len < 0 || static_cast<std::size_t>(key_len) > sha1_block) {
        return srtp_err_status_bad_param;
    }
    auto& s = *static_cast<HmacState*>(state);
    std::array<std::uint8_t, sha1_block> pad{};
    std::memcpy(pad.data(), key, static_cast<std::size_t>(key_len));
    for (auto& octet : pad)
        octet ^= 0x36U;  // ipad
    bool ok = sha1_init(s.inner) && sha1_update(s.inner, pad.data(), pad.size());
    for (auto& octet : pad)
        octet ^= 0x36U ^ 0x5cU;  // now opad
    ok = ok && sha1_init(s.outer) && sha1_update(s.outer, pad.data(), pad.size());
    OPENSSL_cleanse(pad.data(), pad.size());
    s.work = s.inner;
    return ok ? srtp_err_status_ok : srtp_err_status_auth_fail;
}

// A new message with the same key.
srtp_err_status_t hmac_start(void* state) {
    auto& s = *static_cast<HmacState*>(state);
    s.work = s.inner;
    return srtp_err_status_ok;
}

srtp_err_status_t hmac_update(void* state, const std::uint8_t* buffer, int octets) {
    if (octets < 0) return srtp_err_status_bad_param;
    return sha1_update(static_cast<HmacState*>(state)->work, buffer,
                       static_cast<std::size_t>(octets))
               ? srtp_err_status_ok
               : srtp_err_status_auth_fail;
}

srtp_err_status_t hmac_compute(void* state, const std::uint8_t* buffer, int octets, int tag_len,
                               std::uint8_t* tag) {
    if (tag_len < 0 || tag_len > sha1_size) return srtp_err_status_bad_param;
    if (auto status = hmac_update(state, buffer, octets); status != srtp_err_status_ok) {
        return status;
    }
    auto& s = *static_cast<HmacState*>(state);
    std::array<std::uint8_t, sha1_size> digest{};
    bool ok = sha1_final(s.work, digest.data());
    s.work = s.outer;
    ok = ok && sha1_update(s.work, digest.data(), digest.size()) &&
         sha1_final(s.work, digest.data());
    if (!ok) return srtp_err_status_auth_fail;
    // RFC 3711 §4.2.1: the tag is the leftmost tag_len octets.
    std::memcpy(tag, digest.data(), static_cast<std::size_t>(tag_len));
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
    "HMAC-SHA1 (OpenSSL SHA-1)",
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

const srtp_cipher_type_t& openssl_aes_icm_128() noexcept {
    return aes_icm_128_type;
}

const srtp_auth_type_t& openssl_hmac_sha1() noexcept {
    return hmac_sha1_type;
}

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
