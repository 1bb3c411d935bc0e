#include <voip/sdp/crypto.hpp>
#include <voip/sdp/error.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace voip::sdp;

// 30 bytes 0x00, 0x0b, 0x16, ... (i * 11 mod 256), base64.
constexpr const char* kKey30 = "AAsWISw3Qk1YY255hI+apbC7xtHc5/L9CBMeKTQ/";

TEST(Crypto, ParsesRfc4568Example) {
    // RFC 4568 §4's example shape: lifetime 2^20 and MKI 1 of 4 bytes.
    auto c = Crypto::parse(std::string("1 AES_CM_128_HMAC_SHA1_80 inline:") + kKey30 + "|2^20|1:4");
    ASSERT_TRUE(c) << c.error().message();
    EXPECT_EQ(c->tag, 1U);
    EXPECT_EQ(c->suite, "AES_CM_128_HMAC_SHA1_80");
    ASSERT_EQ(c->keys.size(), 1U);
    EXPECT_EQ(c->keys[0].key_salt, kKey30);
    EXPECT_EQ(c->keys[0].lifetime, "2^20");
    EXPECT_EQ(c->keys[0].lifetime_packets(), 1U << 20);
    EXPECT_EQ(c->keys[0].mki, 1U);
    EXPECT_EQ(c->keys[0].mki_length, 4U);
    EXPECT_TRUE(c->session_params.empty());
    EXPECT_EQ(c->to_string(),
              std::string("1 AES_CM_128_HMAC_SHA1_80 inline:") + kKey30 + "|2^20|1:4");
}

TEST(Crypto, DecodesKeyAndSaltWithOpenSsl) {
    CryptoKey key{kKey30, std::nullopt, std::nullopt, std::nullopt};
    auto bytes = key.decode();
    ASSERT_TRUE(bytes);
    ASSERT_EQ(bytes->size(), 30U);
    for (std::size_t i = 0; i < bytes->size(); ++i)
        EXPECT_EQ((*bytes)[i], (i * 11) % 256) << i;
}

TEST(Crypto, DecodesPaddedAndUnpaddedKeys) {
    const std::string padded =
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLQ==";  // 46 bytes
    auto a = CryptoKey{padded, {}, {}, {}}.decode();
    ASSERT_TRUE(a);
    EXPECT_EQ(a->size(), 46U);
    EXPECT_EQ(a->back(), 45);
    auto b = CryptoKey{padded.substr(0, padded.size() - 2), {}, {}, {}}.decode();
    ASSERT_TRUE(b);
    EXPECT_EQ(*a, *b);
}

TEST(Crypto, SeveralKeysAndSessionParams) {
    const std::string value = std::string("7 AES_CM_128_HMAC_SHA1_32 inline:") + kKey30 +
                              "|1048576|1:1;inline:" + kKey30 + "|2^31|2:1 KDR=1 UNENCRYPTED_SRTCP";
    auto c = Crypto::parse(value);
    ASSERT_TRUE(c);
    ASSERT_EQ(c->keys.size(), 2U);
    EXPECT_EQ(c->keys[0].lifetime_packets(), 1048576U);
    EXPECT_EQ(c->keys[1].lifetime_packets(), 1ULL << 31);
    EXPECT_EQ(c->keys[1].mki, 2U);
    ASSERT_EQ(c->session_params.size(), 2U);
    EXPECT_EQ(c->session_params[0], "KDR=1");
    EXPECT_EQ(c->session_params[1], "UNENCRYPTED_SRTCP");
    EXPECT_EQ(c->to_string(), value);
    EXPECT_TRUE(c->usable());
}

TEST(Crypto, RefusesMalformed) {
    const std::string k = kKey30;
    const std::vector<std::string> cases{std::string(""),
                                         "1 AES_CM_128_HMAC_SHA1_80",
                                         "x AES_CM_128_HMAC_SHA1_80 inline:" + k,
                                         "1234567890 AES_CM_128_HMAC_SHA1_80 inline:" + k,
                                         "1 AES_CM_128_HMAC_SHA1_80 inline:",
                                         "1 AES_CM_128_HMAC_SHA1_80 outline:" + k,
                                         "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + "|2^x",
                                         "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + "|1:0",
                                         "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + "|1:4|2^20",
                                         "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + "|1|2|3",
                                         "1 AES_CM_128_HMAC_SHA1_80 inline:ab=c",
                                         "1 AES_CM_128_HMAC_SHA1_80 inline:a!b",
                                         "1 AES_CM_128_HMAC_SHA1_80 inline:" + k + ";",
                                         "1 AES/CM inline:" + k};
    for (const auto& bad : cases) {
        EXPECT_EQ(Crypto::parse(bad).error(), Errc::bad_crypto) << bad;
    }
}

TEST(Crypto, UsableNeedsKnownSuiteAndRightLength) {
    auto ok = Crypto::parse(std::string("1 AES_CM_128_HMAC_SHA1_80 inline:") + kKey30);
    ASSERT_TRUE(ok);
    EXPECT_TRUE(ok->usable());
    auto wrong_length = Crypto::parse(std::string("1 AES_256_CM_HMAC_SHA1_80 inline:") + kKey30);
    ASSERT_TRUE(wrong_length);
    EXPECT_FALSE(wrong_length->usable());
    auto unknown = Crypto::parse(std::string("1 SEED_CTR_128_HMAC_SHA1_80 inline:") + kKey30);
    ASSERT_TRUE(unknown);
    EXPECT_FALSE(unknown->usable());
    EXPECT_EQ(key_salt_length("AEAD_AES_128_GCM"), 28U);
    EXPECT_EQ(key_salt_length("AES_CM_128_HMAC_SHA1_32"), 30U);
    EXPECT_FALSE(key_salt_length("aes_cm_128_hmac_sha1_80"));
}

TEST(Crypto, GenerateMakesFreshUsableKeys) {
    auto a = Crypto::generate(1, "AES_CM_128_HMAC_SHA1_80");
    auto b = Crypto::generate(1, "AES_CM_128_HMAC_SHA1_80");
    ASSERT_TRUE(a);
    ASSERT_TRUE(b);
    EXPECT_TRUE(a->usable());
    EXPECT_EQ(a->keys[0].key_salt.size(), 40U);
    EXPECT_NE(a->keys[0].key_salt, b->keys[0].key_salt);
    auto gcm = Crypto::generate(3, "AEAD_AES_128_GCM");
    ASSERT_TRUE(gcm);
    EXPECT_EQ(gcm->keys[0].decode()->size(), 28U);
    auto reparsed = Crypto::parse(gcm->to_string());
    ASSERT_TRUE(reparsed);
    EXPECT_EQ(*reparsed, *gcm);
    EXPECT_EQ(Crypto::generate(1, "NO_SUCH_SUITE").error(), Errc::invalid_local_media);
    EXPECT_EQ(Crypto::generate(0, "AES_CM_128_HMAC_SHA1_80").error(), Errc::invalid_local_media);
}

}  // namespace
