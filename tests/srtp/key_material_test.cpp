#include <voip/srtp/error.hpp>
#include <voip/srtp/key_material.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>

namespace {

using voip::srtp::Errc;
using voip::srtp::KeyMaterial;
using voip::srtp::Suite;

TEST(Suite, NamesRoundTrip) {
    for (auto s : {Suite::aes_cm_128_hmac_sha1_80, Suite::aes_cm_128_hmac_sha1_32,
                   Suite::aead_aes_128_gcm}) {
        auto parsed = voip::srtp::suite_from_string(voip::srtp::to_string(s));
        ASSERT_TRUE(parsed);
        EXPECT_EQ(*parsed, s);
    }
    EXPECT_EQ(voip::srtp::to_string(Suite::aes_cm_128_hmac_sha1_80), "AES_CM_128_HMAC_SHA1_80");
    EXPECT_EQ(voip::srtp::suite_from_string("F8_128_HMAC_SHA1_80").error(), Errc::unknown_suite);
    EXPECT_EQ(voip::srtp::suite_from_string("aes_cm_128_hmac_sha1_80").error(),
              Errc::unknown_suite);
}

TEST(KeyMaterial, GeneratesTheSuiteLengthFromTheCsprng) {
    auto a = KeyMaterial::generate(Suite::aes_cm_128_hmac_sha1_80);
    auto b = KeyMaterial::generate(Suite::aes_cm_128_hmac_sha1_80);
    auto g = KeyMaterial::generate(Suite::aead_aes_128_gcm);
    ASSERT_TRUE(a && b && g);
    EXPECT_EQ(a->key_and_salt().size(), 30U);
    EXPECT_EQ(g->key_and_salt().size(), 28U);
    EXPECT_FALSE(*a == *b);  // 240 random bits: equal only if the generator is broken
}

TEST(KeyMaterial, InlineRoundTrip) {
    for (auto s : {Suite::aes_cm_128_hmac_sha1_80, Suite::aes_cm_128_hmac_sha1_32,
                   Suite::aead_aes_128_gcm}) {
        auto key = KeyMaterial::generate(s);
        ASSERT_TRUE(key);
        const std::string text = key->to_inline();
        EXPECT_EQ(text.rfind("inline:", 0), 0U);
        EXPECT_EQ(text.size(), 7U + 40U);
        auto back = KeyMaterial::from_inline(s, text);
        ASSERT_TRUE(back) << back.error().message();
        EXPECT_TRUE(*back == *key);
    }
}

TEST(KeyMaterial, ParsesTheRfc4568Example) {
    // RFC 4568 §9.1 example key, with its lifetime.
    auto key = KeyMaterial::from_inline(Suite::aes_cm_128_hmac_sha1_80,
                                        "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20");
    ASSERT_TRUE(key) << key.error().message();
    const auto bytes = key->key_and_salt();
    ASSERT_EQ(bytes.size(), 30U);
    // "PS1u" decodes to 0x3D 0x2D 0x6E.
    EXPECT_EQ(bytes[0], 0x3D);
    EXPECT_EQ(bytes[1], 0x2D);
    EXPECT_EQ(bytes[2], 0x6E);
    EXPECT_EQ(key->to_inline(), "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR");
}

TEST(KeyMaterial, RejectsMalformedKeyParams) {
    const auto s = Suite::aes_cm_128_hmac_sha1_80;
    EXPECT_EQ(KeyMaterial::from_inline(s, "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR").error(),
              Errc::bad_key_params);
    EXPECT_EQ(KeyMaterial::from_inline(s, "inline:").error(), Errc::bad_key_length);
    EXPECT_EQ(KeyMaterial::from_inline(s, "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaV").error(),
              Errc::bad_key_length);
    EXPECT_EQ(
        KeyMaterial::from_inline(s, "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxa!BR").error(),
        Errc::bad_key_params);
    EXPECT_EQ(
        KeyMaterial::from_inline(s, "inline:PS1uQCVeeCFCanVmcjkp=ywjNWhcYD0mXXtxaVBR").error(),
        Errc::bad_key_params);
    EXPECT_EQ(
        KeyMaterial::from_inline(s, "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^x").error(),
        Errc::bad_key_params);
    EXPECT_EQ(
        KeyMaterial::from_inline(s, "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|1:4").error(),
        Errc::unsupported_mki);
    EXPECT_EQ(
        KeyMaterial::from_inline(s, "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4")
            .error(),
        Errc::unsupported_mki);
    // A 28-byte GCM key is not a 30-byte AES-CM key.
    auto gcm = KeyMaterial::generate(Suite::aead_aes_128_gcm);
    ASSERT_TRUE(gcm);
    EXPECT_EQ(KeyMaterial::from_inline(s, gcm->to_inline()).error(), Errc::bad_key_length);
}

TEST(KeyMaterial, FromBytesChecksTheLength) {
    std::array<std::uint8_t, 30> bytes{};
    EXPECT_TRUE(KeyMaterial::from_bytes(Suite::aes_cm_128_hmac_sha1_32, bytes));
    EXPECT_EQ(KeyMaterial::from_bytes(Suite::aead_aes_128_gcm, bytes).error(),
              Errc::bad_key_length);
}

TEST(Errc, HasItsOwnCategory) {
    std::error_code ec = Errc::replayed;
    EXPECT_STREQ(ec.category().name(), "voip.srtp");
    EXPECT_FALSE(ec.message().empty());
}

}  // namespace
