// The OpenSSL AES-CM / HMAC-SHA1 that the library plugs into libsrtp2 (src/srtp/openssl_crypto)
// against known answers: packets protected by Debian's libsrtp2 with its own (NSS) crypto, in a
// separate program before ours existed, for a fixed master key. Same key, same packet: the same
// bytes must come out, and those bytes must unprotect. Then the two types on their own, through
// libsrtp2's cipher / auth API: the RFC 3711 Appendix B.2 keystream, the RFC 2202 HMAC-SHA1
// vectors, a keystream continued over several encrypt calls after one set_iv, and odd lengths
// against libsrtp2's own implementations (still in the library, beside ours).
#include "../../src/srtp/openssl_crypto.hpp"  // a private header of the module under test

#include <voip/srtp/context.hpp>
#include <voip/srtp/error.hpp>
#include <voip/srtp/key_material.hpp>

#include <gtest/gtest.h>
#include <srtp2/auth.h>
#include <srtp2/cipher.h>
#include <srtp2/srtp.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <random>
#include <string_view>
#include <vector>

// libsrtp2's own AES-ICM / HMAC-SHA1 types and its type registry: exported by the shared
// library (crypto/include/*.h in libsrtp2's source), not declared by its installed headers.
extern "C" {
extern const srtp_cipher_type_t srtp_aes_icm_128;
extern const srtp_auth_type_t srtp_hmac;
const srtp_cipher_type_t* srtp_crypto_kernel_get_cipher_type(srtp_cipher_type_id_t id);
const srtp_auth_type_t* srtp_crypto_kernel_get_auth_type(srtp_auth_type_id_t id);
}

namespace {

using voip::srtp::Context;
using voip::srtp::KeyMaterial;
using voip::srtp::Suite;

// Master key || salt (30 octets).
constexpr std::array<std::uint8_t, 30> master = {
    0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0, 0xd6, 0x4f, 0xa3, 0x2c, 0x06, 0xde, 0x41,
    0x39, 0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe, 0xeb, 0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6};

// RTP: V=2, PT=15, seq 0x1234, ts 0xdecafbad, SSRC 0xcafebabe, payload[i] = (12 + i) * 7.
std::vector<std::uint8_t> plain_rtp() {
    std::vector<std::uint8_t> p(1500, 0);
    const std::array<std::uint8_t, 12> header = {0x80, 0x0f, 0x12, 0x34, 0xde, 0xca,
                                                 0xfb, 0xad, 0xca, 0xfe, 0xba, 0xbe};
    std::copy(header.begin(), header.end(), p.begin());
    for (std::size_t i = 12; i < 172; ++i)
        p[i] = static_cast<std::uint8_t>(i * 7);
    return p;
}

// RTCP RR header with SSRC 0xcafebabe, then octets 8..31 = their index.
std::vector<std::uint8_t> plain_rtcp() {
    std::vector<std::uint8_t> p(1500, 0);
    const std::array<std::uint8_t, 8> header = {0x81, 0xc9, 0x00, 0x07, 0xca, 0xfe, 0xba, 0xbe};
    std::copy(header.begin(), header.end(), p.begin());
    for (std::size_t i = 8; i < 32; ++i)
        p[i] = static_cast<std::uint8_t>(i);
    return p;
}

// AES_CM_128_HMAC_SHA1_80 (the _32 suite's packet is the same with the tag's first 4 octets).
constexpr std::array<std::uint8_t, 182> srtp_80 = {
    0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, 0xca, 0xfe, 0xba, 0xbe, 0xb1, 0xa5, 0x15, 0x8e,
    0x3c, 0x45, 0xad, 0xf6, 0xab, 0x9c, 0xe3, 0x1f, 0x97, 0x99, 0x39, 0x14, 0x5b, 0xdb, 0x41, 0x3b,
    0x55, 0xaa, 0x4a, 0x7e, 0xad, 0xa4, 0x3d, 0x25, 0xb7, 0x70, 0xab, 0x13, 0x40, 0xd8, 0x25, 0x2e,
    0xdc, 0x35, 0x74, 0x8e, 0xed, 0x42, 0xfb, 0x47, 0x3d, 0x35, 0x46, 0xf5, 0xd9, 0x8f, 0x6e, 0x79,
    0x11, 0x02, 0x42, 0x12, 0xfa, 0xed, 0x2e, 0x2c, 0xcd, 0x67, 0x20, 0x01, 0x81, 0x11, 0x5f, 0x45,
    0x92, 0x63, 0xb4, 0x80, 0xf4, 0x50, 0xbf, 0x04, 0x3f, 0x24, 0x92, 0x58, 0x6e, 0xfc, 0xfb, 0x75,
    0xa6, 0x6c, 0xe5, 0xd4, 0x7e, 0xf4, 0x26, 0xe5, 0x45, 0x3f, 0xc8, 0xc4, 0x46, 0xaf, 0x5a, 0x3f,
    0x21, 0x97, 0x8a, 0xe6, 0x79, 0x91, 0xff, 0xfd, 0x39, 0x51, 0x39, 0x2d, 0x26, 0x62, 0xcb, 0x7a,
    0xe3, 0x13, 0xba, 0x90, 0x41, 0x32, 0xe0, 0x6d, 0x16, 0xf8, 0x45, 0x1f, 0x8f, 0xef, 0xd6, 0x5e,
    0x27, 0x17, 0xa3, 0x0b, 0xbc, 0xc6, 0x02, 0x55, 0xec, 0x44, 0x3c, 0x53, 0xef, 0x1c, 0x19, 0x80,
    0xec, 0x50, 0x45, 0xe0, 0x53, 0x92, 0x49, 0xce, 0x6f, 0xfb, 0xfb, 0xf1, 0x09, 0x4c, 0x58, 0xf3,
    0x1d, 0xb0, 0x48, 0x23, 0x6b, 0xfc,
};

// SRTCP (RFC 3711 §3.4: E flag and index 1, then the 80-bit tag).
constexpr std::array<std::uint8_t, 46> srtcp_80 = {
    0x81, 0xc9, 0x00, 0x07, 0xca, 0xfe, 0xba, 0xbe, 0xd2, 0x8a, 0xa2, 0xfb, 0x43, 0x21, 0x1c, 0x19,
    0x05, 0x42, 0x29, 0xf9, 0x46, 0xc9, 0x18, 0x14, 0x66, 0x5d, 0x09, 0x31, 0xdd, 0x09, 0x33, 0x38,
    0x80, 0x00, 0x00, 0x01, 0xde, 0x88, 0x7a, 0x4d, 0x69, 0xc4, 0x2b, 0x76, 0x90, 0xcd,
};

Context context(Suite suite, Context::Direction direction) {
    return Context::create(KeyMaterial::from_bytes(suite, master).value(), direction).value();
}

// The SRTP vector in a buffer with room to spare, as received.
std::vector<std::uint8_t> received_srtp() {
    std::vector<std::uint8_t> packet(1500, 0);
    std::copy(srtp_80.begin(), srtp_80.end(), packet.begin());
    return packet;
}

TEST(OpensslCrypto, IsTheBackendInUse) {
    // VOIP_SRTP_CRYPTO=builtin keeps libsrtp2's own (the known answers below hold either way).
    const char* choice = std::getenv("VOIP_SRTP_CRYPTO");  // NOLINT(concurrency-mt-unsafe)
    const bool builtin = choice != nullptr && std::string_view(choice) == "builtin";
    EXPECT_EQ(voip::srtp::crypto_backend(), builtin ? "libsrtp2 built-in" : "openssl");
}

TEST(OpensslCrypto, ProtectsRtpAsLibsrtp2Did) {
    auto out = context(Suite::aes_cm_128_hmac_sha1_80, Context::Direction::outbound);
    auto packet = plain_rtp();
    ASSERT_EQ(out.protect(packet, 172).value(), srtp_80.size());
    EXPECT_TRUE(std::equal(srtp_80.begin(), srtp_80.end(), packet.begin()));
}

TEST(OpensslCrypto, Protects32BitTagAsLibsrtp2Did) {
    auto out = context(Suite::aes_cm_128_hmac_sha1_32, Context::Direction::outbound);
    auto packet = plain_rtp();
    ASSERT_EQ(out.protect(packet, 172).value(), 176U);
    EXPECT_TRUE(std::equal(srtp_80.begin(), srtp_80.begin() + 176, packet.begin()));
}

TEST(OpensslCrypto, UnprotectsWhatLibsrtp2Protected) {
    auto in = context(Suite::aes_cm_128_hmac_sha1_80, Context::Direction::inbound);
    auto packet = received_srtp();
    ASSERT_EQ(in.unprotect(packet, srtp_80.size()).value(), 172U);
    const auto plain = plain_rtp();
    EXPECT_TRUE(std::equal(plain.begin(), plain.begin() + 172, packet.begin()));
}

TEST(OpensslCrypto, RejectsATamperedPacket) {
    auto in = context(Suite::aes_cm_128_hmac_sha1_80, Context::Direction::inbound);
    auto packet = received_srtp();
    packet[100] ^= 0x01;
    EXPECT_EQ(in.unprotect(packet, srtp_80.size()).error(),
              voip::srtp::Errc::authentication_failed);
    EXPECT_EQ(in.stats().authentication_failures, 1U);
}

TEST(OpensslCrypto, SrtcpBothWays) {
    auto out = context(Suite::aes_cm_128_hmac_sha1_80, Context::Direction::outbound);
    auto packet = plain_rtcp();
    ASSERT_EQ(out.protect_rtcp(packet, 32).value(), srtcp_80.size());
    EXPECT_TRUE(std::equal(srtcp_80.begin(), srtcp_80.end(), packet.begin()));

    auto in = context(Suite::aes_cm_128_hmac_sha1_80, Context::Direction::inbound);
    ASSERT_EQ(in.unprotect_rtcp(packet, srtcp_80.size()).value(), 32U);
    const auto plain = plain_rtcp();
    EXPECT_TRUE(std::equal(plain.begin(), plain.begin() + 32, packet.begin()));
}

// ---- the two types through libsrtp2's cipher / auth API ----

using Bytes = std::vector<std::uint8_t>;

struct CipherDeleter {
    void operator()(srtp_cipher_t* c) const { (void)srtp_cipher_dealloc(c); }
};
using Cipher = std::unique_ptr<srtp_cipher_t, CipherDeleter>;

struct AuthDeleter {
    void operator()(srtp_auth_t* a) const { (void)srtp_auth_dealloc(a); }
};
using Auth = std::unique_ptr<srtp_auth_t, AuthDeleter>;

// A Context made once: libsrtp2 initialised (its own types ready) and ours registered.
void ensure_libsrtp2() {
    static const bool made = [] {
        (void)context(Suite::aes_cm_128_hmac_sha1_80, Context::Direction::outbound);
        return true;
    }();
    ASSERT_TRUE(made);
}

Cipher make_cipher(const srtp_cipher_type_t& type, const std::uint8_t* key_and_salt) {
    srtp_cipher_t* c = nullptr;
    EXPECT_EQ(srtp_cipher_type_alloc(&type, &c, 30, 0), srtp_err_status_ok);
    Cipher cipher(c);
    if (cipher) {
        EXPECT_EQ(srtp_cipher_init(cipher.get(), key_and_salt), srtp_err_status_ok);
    }
    return cipher;
}

// set_iv once, then encrypt `data` in pieces of the given sizes (the last one takes the rest).
Bytes encrypt_in_pieces(srtp_cipher_t& c, std::array<std::uint8_t, 16> iv, Bytes data,
                        const std::vector<std::size_t>& pieces) {
    EXPECT_EQ(srtp_cipher_set_iv(&c, iv.data(), srtp_direction_encrypt), srtp_err_status_ok);
    std::size_t at = 0;
    for (std::size_t i = 0; i <= pieces.size() && at <= data.size(); ++i) {
        const std::size_t n =
            i < pieces.size() ? std::min(pieces[i], data.size() - at) : data.size() - at;
        auto len = static_cast<std::uint32_t>(n);
        EXPECT_EQ(srtp_cipher_encrypt(&c, data.data() + at, &len), srtp_err_status_ok);
        EXPECT_EQ(len, n);
        at += n;
        if (at == data.size()) break;
    }
    return data;
}

Bytes from_hex(std::string_view hex) {
    Bytes out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        const auto nibble = [](char ch) {
            return static_cast<std::uint8_t>(ch <= '9' ? ch - '0' : ch - 'a' + 10);
        };
        out.push_back(static_cast<std::uint8_t>(nibble(hex[i]) << 4U | nibble(hex[i + 1])));
    }
    return out;
}

// RFC 3711 Appendix B.2: session key and salt.
constexpr std::array<std::uint8_t, 30> b2_key = {
    0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f,
    0x3c, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd};

TEST(OpensslCrypto, LibsrtpHandsOutTheseTypes) {
    ensure_libsrtp2();
    const auto& aes = voip::srtp::detail::openssl_aes_icm_128();
    const auto& hmac = voip::srtp::detail::openssl_hmac_sha1();
    // VOIP_SRTP_CRYPTO=builtin: libsrtp2 keeps its own.
    const bool ours = voip::srtp::crypto_backend() == "openssl";
    EXPECT_EQ(srtp_crypto_kernel_get_cipher_type(SRTP_AES_ICM_128),
              ours ? &aes : &srtp_aes_icm_128);
    EXPECT_EQ(srtp_crypto_kernel_get_auth_type(SRTP_HMAC_SHA1), ours ? &hmac : &srtp_hmac);
    // Ours pass libsrtp2's own known answers for the types they replace, and their own.
    EXPECT_EQ(srtp_cipher_type_test(&aes, srtp_aes_icm_128.test_data), srtp_err_status_ok);
    EXPECT_EQ(srtp_cipher_type_self_test(&aes), srtp_err_status_ok);
    EXPECT_EQ(srtp_auth_type_test(&hmac, srtp_hmac.test_data), srtp_err_status_ok);
    EXPECT_EQ(srtp_auth_type_self_test(&hmac), srtp_err_status_ok);
}

TEST(OpensslCrypto, AesCmKeystreamOfRfc3711AppendixB2) {
    ensure_libsrtp2();
    auto c = make_cipher(voip::srtp::detail::openssl_aes_icm_128(), b2_key.data());
    ASSERT_TRUE(c);
    // Counters ...0000 to ...0002: the IV is zero (SSRC 0, index 0), only the salt remains.
    EXPECT_EQ(encrypt_in_pieces(*c, {}, Bytes(48, 0), {}),
              from_hex("e03ead0935c95e80e166b16dd92b4eb4d23513162b02d0f72a43a2fe4a5f97ab"
                       "41e95b3bb0a2e8dd477901e4fca894c0"));
    // Counters ...feff to ...ff01: the count carries out of the low octet.
    std::array<std::uint8_t, 16> iv{};
    iv[14] = 0xfe;
    iv[15] = 0xff;
    EXPECT_EQ(encrypt_in_pieces(*c, iv, Bytes(48, 0), {}),
              from_hex("ec8cdf7398607cb0f2d21675ea9ea1e4362b7c3c6773516318a077d7fc5073ae"
                       "6a2cc3787889374fbeb4c81b17ba6c44"));
}

TEST(OpensslCrypto, AesCmKeystreamContinuesOverEncryptCalls) {
    ensure_libsrtp2();
    auto c = make_cipher(voip::srtp::detail::openssl_aes_icm_128(), b2_key.data());
    ASSERT_TRUE(c);
    Bytes plain(1400);
    for (std::size_t i = 0; i < plain.size(); ++i)
        plain[i] = static_cast<std::uint8_t>(i * 13 + 5);
    std::array<std::uint8_t, 16> iv{};
    iv[8] = 0x12;
    iv[13] = 0x34;
    const Bytes whole = encrypt_in_pieces(*c, iv, plain, {});
    ASSERT_NE(whole, plain);
    // Splits inside a block, on a boundary, one octet at a time, past the 512-octet chunk.
    for (const auto& pieces : std::vector<std::vector<std::size_t>>{
             {7}, {16}, {1, 1, 1, 13, 3}, {15, 17, 0, 33}, {600}, {513, 511}, {100, 412, 1}}) {
        EXPECT_EQ(encrypt_in_pieces(*c, iv, plain, pieces), whole) << pieces.size();
    }
    // A new set_iv starts the keystream again, whatever was left of the previous one.
    (void)encrypt_in_pieces(*c, iv, Bytes(5), {});
    EXPECT_EQ(encrypt_in_pieces(*c, iv, plain, {}), whole);
    // Counter mode: the same keystream decrypts.
    EXPECT_EQ(encrypt_in_pieces(*c, iv, whole, {}), plain);
}

TEST(OpensslCrypto, AesCmMatchesLibsrtp2sOwnAtOddLengths) {
    ensure_libsrtp2();
    std::mt19937 random(3711);  // fixed seed: reproducible keys, IVs and data
    const auto fill = [&](std::uint8_t* p, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i)
            p[i] = static_cast<std::uint8_t>(random());
    };
    for (const std::size_t length : {1U, 15U, 16U, 17U, 31U, 160U, 1400U}) {
        std::array<std::uint8_t, 30> key{};
        std::array<std::uint8_t, 16> iv{};
        Bytes data(length);
        fill(key.data(), key.size());
        fill(iv.data(), 14);  // RFC 3711 §4.1.1: the low 16 bits count blocks, from zero
        fill(data.data(), data.size());
        auto ours = make_cipher(voip::srtp::detail::openssl_aes_icm_128(), key.data());
        auto theirs = make_cipher(srtp_aes_icm_128, key.data());
        ASSERT_TRUE(ours && theirs);
        const Bytes expected = encrypt_in_pieces(*theirs, iv, data, {});
        EXPECT_NE(expected, data) << length;
        EXPECT_EQ(encrypt_in_pieces(*ours, iv, data, {}), expected) << length;
        EXPECT_EQ(encrypt_in_pieces(*ours, iv, data, {length / 2}), expected) << length;
    }
}

Auth make_auth(const srtp_auth_type_t& type, const Bytes& key, int out_len) {
    srtp_auth_t* a = nullptr;
    EXPECT_EQ(type.alloc(&a, static_cast<int>(key.size()), out_len), srtp_err_status_ok);
    Auth auth(a);
    if (auth) {
        EXPECT_EQ(srtp_auth_init(auth.get(), key.data()), srtp_err_status_ok);
    }
    return auth;
}

// start, update with all but the last `tail` octets, compute over the tail.
Bytes tag_of(srtp_auth_t& a, const Bytes& message, std::size_t tail) {
    Bytes tag(static_cast<std::size_t>(a.out_len));
    tail = std::min(tail, message.size());
    const auto head = static_cast<int>(message.size() - tail);
    EXPECT_EQ(srtp_auth_start(&a), srtp_err_status_ok);
    EXPECT_EQ(srtp_auth_update(&a, message.data(), head), srtp_err_status_ok);
    EXPECT_EQ(srtp_auth_compute(&a, message.data() + head, static_cast<int>(tail), tag.data()),
              srtp_err_status_ok);
    return tag;
}

Bytes text(std::string_view s) {
    return {s.begin(), s.end()};
}

TEST(OpensslCrypto, HmacSha1OfRfc2202) {
    ensure_libsrtp2();
    struct Case {
        Bytes key;
        Bytes data;
        std::string_view digest;
    };
    // RFC 2202 §3, test cases 1, 2, 3 and 5 (4, 6 and 7 have keys longer than SRTP's 20).
    const std::vector<Case> cases = {
        {Bytes(20, 0x0b), text("Hi There"), "b617318655057264e28bc0b6fb378c8ef146be00"},
        {text("Jefe"), text("what do ya want for nothing?"),
         "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
        {Bytes(20, 0xaa), Bytes(50, 0xdd), "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
        {Bytes(20, 0x0c), text("Test With Truncation"), "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"},
    };
    for (const auto& tc : cases) {
        auto a = make_auth(voip::srtp::detail::openssl_hmac_sha1(), tc.key, 20);
        ASSERT_TRUE(a);
        const Bytes digest = from_hex(tc.digest);
        // All at once, all in compute, split anywhere: the same tag; and again (start resets).
        for (const std::size_t tail :
             {std::size_t{0}, tc.data.size(), std::size_t{3}, std::size_t{0}}) {
            EXPECT_EQ(tag_of(*a, tc.data, tail), digest) << tc.digest << " tail " << tail;
        }
        // RFC 2202 case 5's truncation (96 bits), and SRTP's 80 and 32 (RFC 3711 §4.2.1).
        for (const int bits : {96, 80, 32}) {
            auto truncated = make_auth(voip::srtp::detail::openssl_hmac_sha1(), tc.key, bits / 8);
            ASSERT_TRUE(truncated);
            EXPECT_EQ(tag_of(*truncated, tc.data, 4),
                      Bytes(digest.begin(), digest.begin() + bits / 8));
        }
    }
}

TEST(OpensslCrypto, HmacSha1MatchesLibsrtp2sOwnAtOddLengths) {
    ensure_libsrtp2();
    std::mt19937 random(2202);
    Bytes key(20);
    for (auto& octet : key)
        octet = static_cast<std::uint8_t>(random());
    auto ours = make_auth(voip::srtp::detail::openssl_hmac_sha1(), key, 10);
    auto theirs = make_auth(srtp_hmac, key, 10);
    ASSERT_TRUE(ours && theirs);
    for (const std::size_t length : {0U, 1U, 15U, 16U, 17U, 55U, 56U, 63U, 64U, 65U, 1400U}) {
        Bytes message(length);
        for (auto& octet : message)
            octet = static_cast<std::uint8_t>(random());
        const Bytes expected = tag_of(*theirs, message, 4);  // as SRTP: packet, then the ROC
        EXPECT_EQ(tag_of(*ours, message, 4), expected) << length;
        EXPECT_EQ(tag_of(*ours, message, length), expected) << length;
    }
}

TEST(OpensslCrypto, RejectsKeysAndTagsOfOtherSizes) {
    const auto& aes = voip::srtp::detail::openssl_aes_icm_128();
    const auto& hmac = voip::srtp::detail::openssl_hmac_sha1();
    srtp_cipher_t* c = nullptr;
    EXPECT_EQ(srtp_cipher_type_alloc(&aes, &c, 46, 0), srtp_err_status_bad_param);  // AES-256
    EXPECT_EQ(c, nullptr);
    srtp_auth_t* a = nullptr;
    EXPECT_EQ(hmac.alloc(&a, 21, 10), srtp_err_status_bad_param);
    EXPECT_EQ(hmac.alloc(&a, 20, 21), srtp_err_status_bad_param);
    EXPECT_EQ(a, nullptr);
}

// Protect / unprotect of packets with payloads of these lengths, both suites: the tag checks
// and the payload comes back (each also against the packet's own ciphertext being changed).
TEST(OpensslCrypto, RoundTripsOddPayloadLengths) {
    for (const auto suite : {Suite::aes_cm_128_hmac_sha1_80, Suite::aes_cm_128_hmac_sha1_32}) {
        auto out = context(suite, Context::Direction::outbound);
        auto in = context(suite, Context::Direction::inbound);
        std::uint16_t seq = 100;
        for (const std::size_t payload : {1U, 15U, 16U, 17U, 1400U}) {
            auto packet = plain_rtp();
            packet.resize(12 + payload + Context::max_trailer);  // protect's room for the tag
            packet[3] = static_cast<std::uint8_t>(++seq);
            for (std::size_t i = 0; i < payload; ++i)
                packet[12 + i] = static_cast<std::uint8_t>(i * 31 + payload);
            const Bytes plain(packet.begin(), packet.begin() + 12 + payload);
            const auto sent = out.protect(packet, plain.size());
            ASSERT_TRUE(sent) << payload;
            EXPECT_FALSE(std::equal(plain.begin() + 12, plain.end(), packet.begin() + 12))
                << payload;
            auto tampered = packet;
            tampered[12 + payload - 1] ^= 0x80U;
            EXPECT_FALSE(in.unprotect(tampered, *sent)) << payload;
            ASSERT_EQ(in.unprotect(packet, *sent).value(), plain.size()) << payload;
            EXPECT_TRUE(std::equal(plain.begin(), plain.end(), packet.begin())) << payload;
        }
    }
}

}  // namespace
