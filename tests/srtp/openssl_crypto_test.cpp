// The OpenSSL AES-CM / HMAC-SHA1 that the library plugs into libsrtp2 (src/srtp/openssl_crypto)
// against known answers: packets protected by Debian's libsrtp2 with its own (NSS) crypto, in a
// separate program before ours existed, for a fixed master key. Same key, same packet: the same
// bytes must come out, and those bytes must unprotect.
#include <voip/srtp/context.hpp>
#include <voip/srtp/error.hpp>
#include <voip/srtp/key_material.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

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

}  // namespace
