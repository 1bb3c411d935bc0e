// Interoperability of srtp::Context with plain libsrtp2 contexts set up independently here,
// for every suite, RTP and RTCP, both ways; and rejection of tampered and replayed packets.
#include <voip/srtp/context.hpp>
#include <voip/srtp/error.hpp>
#include <voip/srtp/key_material.hpp>

#include <gtest/gtest.h>
#include <srtp2/srtp.h>

#include <array>
#include <cstdint>
#include <vector>

namespace {

using voip::srtp::Context;
using voip::srtp::Errc;
using voip::srtp::KeyMaterial;
using voip::srtp::Suite;

constexpr std::size_t capacity = 1500;

// A 172-byte RTP packet (12-byte header, 160-byte payload): V=2, PT=0.
std::vector<std::uint8_t> rtp_packet(std::uint16_t seq, std::uint32_t ssrc = 0x11223344) {
    std::vector<std::uint8_t> p(capacity, 0);
    p[0] = 0x80;
    p[1] = 0x00;
    p[2] = static_cast<std::uint8_t>(seq >> 8);
    p[3] = static_cast<std::uint8_t>(seq);
    p[4] = 0;
    p[5] = 0;
    p[6] = static_cast<std::uint8_t>(seq >> 8);
    p[7] = static_cast<std::uint8_t>(seq);
    for (int i = 0; i < 4; ++i)
        p[8 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
    for (std::size_t i = 12; i < 172; ++i)
        p[i] = static_cast<std::uint8_t>(i * 7 + seq);
    return p;
}
constexpr std::size_t rtp_len = 172;

// A receiver report with one report block (RFC 3550 §6.4.2): 32 bytes.
std::vector<std::uint8_t> rtcp_packet(std::uint32_t ssrc = 0x11223344) {
    std::vector<std::uint8_t> p(capacity, 0);
    p[0] = 0x81;
    p[1] = 201;
    p[2] = 0;
    p[3] = 7;
    for (int i = 0; i < 4; ++i)
        p[4 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
    for (std::size_t i = 8; i < 32; ++i)
        p[i] = static_cast<std::uint8_t>(i);
    return p;
}
constexpr std::size_t rtcp_len = 32;

// A plain libsrtp2 context, configured here from the suite's definition, not by the library.
class RawSrtp {
public:
    RawSrtp(Suite suite, const KeyMaterial& key, bool inbound) {
        // libsrtp2 is initialised once per process; each test creates a library Context first
        // (a second srtp_init() fails in libsrtp 2.5, which is why the library guards it).
        srtp_policy_t policy{};
        switch (suite) {
            case Suite::aes_cm_128_hmac_sha1_80:
                srtp_crypto_policy_set_rtp_default(&policy.rtp);
                srtp_crypto_policy_set_rtcp_default(&policy.rtcp);
                break;
            case Suite::aes_cm_128_hmac_sha1_32:
                srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.rtp);
                srtp_crypto_policy_set_rtcp_default(&policy.rtcp);
                break;
            case Suite::aead_aes_128_gcm:
                srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
                srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
                break;
        }
        auto bytes = key.key_and_salt();
        key_.assign(bytes.begin(), bytes.end());
        policy.key = key_.data();
        policy.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
        policy.window_size = 128;
        EXPECT_EQ(srtp_create(&ctx_, &policy), srtp_err_status_ok);
    }
    ~RawSrtp() {
        if (ctx_ != nullptr) srtp_dealloc(ctx_);
    }
    RawSrtp(const RawSrtp&) = delete;
    RawSrtp& operator=(const RawSrtp&) = delete;

    srtp_err_status_t protect(std::vector<std::uint8_t>& p, int& len, bool rtcp) {
        return rtcp ? srtp_protect_rtcp(ctx_, p.data(), &len) : srtp_protect(ctx_, p.data(), &len);
    }
    srtp_err_status_t unprotect(std::vector<std::uint8_t>& p, int& len, bool rtcp) {
        return rtcp ? srtp_unprotect_rtcp(ctx_, p.data(), &len)
                    : srtp_unprotect(ctx_, p.data(), &len);
    }

private:
    std::vector<unsigned char> key_;
    srtp_t ctx_ = nullptr;
};

std::size_t expected_tag(Suite suite, bool rtcp) {
    if (suite == Suite::aead_aes_128_gcm) return 16 + (rtcp ? 4 : 0);
    if (rtcp) return 10 + 4;  // HMAC-SHA1-80 and the E||SRTCP index
    return suite == Suite::aes_cm_128_hmac_sha1_32 ? 4 : 10;
}

class SrtpInterop : public ::testing::TestWithParam<std::tuple<Suite, bool>> {
protected:
    Suite suite() const { return std::get<0>(GetParam()); }
    bool rtcp() const { return std::get<1>(GetParam()); }
    std::vector<std::uint8_t> packet(std::uint16_t seq) const {
        return rtcp() ? rtcp_packet() : rtp_packet(seq);
    }
    std::size_t length() const { return rtcp() ? rtcp_len : rtp_len; }

    voip::Result<std::size_t> protect(Context& c, std::vector<std::uint8_t>& p, std::size_t n) {
        return rtcp() ? c.protect_rtcp(p, n) : c.protect(p, n);
    }
    voip::Result<std::size_t> unprotect(Context& c, std::vector<std::uint8_t>& p, std::size_t n) {
        return rtcp() ? c.unprotect_rtcp(p, n) : c.unprotect(p, n);
    }
};

TEST_P(SrtpInterop, LibraryProtectsRawLibsrtpUnprotects) {
    auto key = KeyMaterial::generate(suite());
    ASSERT_TRUE(key);
    auto out = Context::create(*key, Context::Direction::outbound);
    ASSERT_TRUE(out) << out.error().message();
    RawSrtp raw(suite(), *key, /*inbound=*/true);

    for (std::uint16_t seq = 1000; seq < 1010; ++seq) {
        auto plain = packet(seq);
        auto wire = plain;
        auto n = protect(*out, wire, length());
        ASSERT_TRUE(n) << n.error().message();
        EXPECT_EQ(*n, length() + expected_tag(suite(), rtcp()));
        // The payload is encrypted: it differs from the plaintext.
        EXPECT_FALSE(std::equal(plain.begin() + 12, plain.begin() + length(), wire.begin() + 12));
        int len = static_cast<int>(*n);
        ASSERT_EQ(raw.unprotect(wire, len, rtcp()), srtp_err_status_ok);
        ASSERT_EQ(static_cast<std::size_t>(len), length());
        EXPECT_TRUE(std::equal(plain.begin(), plain.begin() + length(), wire.begin()));
    }
    const auto& s = out->stats();
    EXPECT_EQ(rtcp() ? s.rtcp_protected : s.rtp_protected, 10U);
}

TEST_P(SrtpInterop, RawLibsrtpProtectsLibraryUnprotects) {
    auto key = KeyMaterial::generate(suite());
    ASSERT_TRUE(key);
    auto in = Context::create(*key, Context::Direction::inbound);
    ASSERT_TRUE(in) << in.error().message();
    RawSrtp raw(suite(), *key, /*inbound=*/false);

    for (std::uint16_t seq = 7; seq < 17; ++seq) {
        auto plain = packet(seq);
        auto wire = plain;
        int len = static_cast<int>(length());
        ASSERT_EQ(raw.protect(wire, len, rtcp()), srtp_err_status_ok);
        auto n = unprotect(*in, wire, static_cast<std::size_t>(len));
        ASSERT_TRUE(n) << n.error().message();
        ASSERT_EQ(*n, length());
        EXPECT_TRUE(std::equal(plain.begin(), plain.begin() + length(), wire.begin()));
    }
    const auto& s = in->stats();
    EXPECT_EQ(rtcp() ? s.rtcp_unprotected : s.rtp_unprotected, 10U);
    EXPECT_EQ(s.authentication_failures, 0U);
    EXPECT_EQ(s.replay_failures, 0U);
}

TEST_P(SrtpInterop, TamperedPacketsAreRejectedAndCounted) {
    auto key = KeyMaterial::generate(suite());
    ASSERT_TRUE(key);
    auto out = Context::create(*key, Context::Direction::outbound);
    auto in = Context::create(*key, Context::Direction::inbound);
    ASSERT_TRUE(out && in);

    const std::size_t positions[] = {1, 20, 0};  // header (PT), payload, and last byte (tag)
    std::uint16_t seq = 100;
    for (std::size_t where : positions) {
        auto wire = packet(seq++);
        auto n = protect(*out, wire, length());
        ASSERT_TRUE(n);
        const std::size_t at = where == 0 ? *n - 1 : where;
        wire[at] ^= 0x01;
        auto copy = wire;
        auto r = unprotect(*in, wire, *n);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), Errc::authentication_failed) << "byte " << at;
    }
    EXPECT_EQ(in->stats().authentication_failures, 3U);
    EXPECT_EQ(rtcp() ? in->stats().rtcp_unprotected : in->stats().rtp_unprotected, 0U);

    // A packet under another key is an authentication failure too.
    auto other = KeyMaterial::generate(suite());
    ASSERT_TRUE(other);
    auto stranger = Context::create(*other, Context::Direction::outbound);
    ASSERT_TRUE(stranger);
    auto wire = packet(seq++);
    auto n = protect(*stranger, wire, length());
    ASSERT_TRUE(n);
    EXPECT_EQ(unprotect(*in, wire, *n).error(), Errc::authentication_failed);
    EXPECT_EQ(in->stats().authentication_failures, 4U);
}

TEST_P(SrtpInterop, ReplayedPacketsAreRejectedAndCounted) {
    auto key = KeyMaterial::generate(suite());
    ASSERT_TRUE(key);
    auto out = Context::create(*key, Context::Direction::outbound);
    auto in = Context::create(*key, Context::Direction::inbound);
    ASSERT_TRUE(out && in);

    auto wire = packet(500);
    auto n = protect(*out, wire, length());
    ASSERT_TRUE(n);
    auto again = wire;
    ASSERT_TRUE(unprotect(*in, wire, *n));
    auto r = unprotect(*in, again, *n);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), Errc::replayed);
    EXPECT_EQ(in->stats().replay_failures, 1U);
    EXPECT_EQ(rtcp() ? in->stats().rtcp_unprotected : in->stats().rtp_unprotected, 1U);
}

std::string suite_name(const ::testing::TestParamInfo<std::tuple<Suite, bool>>& info) {
    std::string name(voip::srtp::to_string(std::get<0>(info.param)));
    return name + (std::get<1>(info.param) ? "_RTCP" : "_RTP");
}

INSTANTIATE_TEST_SUITE_P(AllSuites, SrtpInterop,
                         ::testing::Combine(::testing::Values(Suite::aes_cm_128_hmac_sha1_80,
                                                              Suite::aes_cm_128_hmac_sha1_32,
                                                              Suite::aead_aes_128_gcm),
                                            ::testing::Bool()),
                         suite_name);

TEST(SrtpContext, OldPacketsOutsideTheReplayWindowAreRejected) {
    auto key = KeyMaterial::generate(Suite::aes_cm_128_hmac_sha1_80);
    ASSERT_TRUE(key);
    auto out = Context::create(*key, Context::Direction::outbound);
    auto in = Context::create(*key, Context::Direction::inbound, 64);
    ASSERT_TRUE(out && in);
    auto old = rtp_packet(1);
    auto n_old = out->protect(old, rtp_len);
    ASSERT_TRUE(n_old);
    for (std::uint16_t seq = 2; seq < 200; ++seq) {
        auto p = rtp_packet(seq);
        auto n = out->protect(p, rtp_len);
        ASSERT_TRUE(n);
        ASSERT_TRUE(in->unprotect(p, *n));
    }
    EXPECT_EQ(in->unprotect(old, *n_old).error(), Errc::replayed);
    EXPECT_EQ(in->stats().replay_failures, 1U);
}

TEST(SrtpContext, RejectsShortPacketsSmallBuffersAndWrongDirection) {
    auto key = KeyMaterial::generate(Suite::aes_cm_128_hmac_sha1_80);
    ASSERT_TRUE(key);
    auto out = Context::create(*key, Context::Direction::outbound);
    auto in = Context::create(*key, Context::Direction::inbound);
    ASSERT_TRUE(out && in);

    auto p = rtp_packet(1);
    EXPECT_EQ(in->unprotect(p, 11).error(), Errc::packet_too_short);
    EXPECT_EQ(in->unprotect_rtcp(p, 7).error(), Errc::packet_too_short);
    EXPECT_EQ(in->unprotect(std::span<std::uint8_t>(p.data(), 100), 172).error(),
              Errc::buffer_too_small);
    EXPECT_EQ(in->stats().other_failures, 3U);
    // protect needs room for the trailer.
    EXPECT_EQ(out->protect(std::span<std::uint8_t>(p.data(), 180), rtp_len).error(),
              Errc::buffer_too_small);
    EXPECT_EQ(in->protect(p, rtp_len).error(), Errc::wrong_direction);
    EXPECT_EQ(out->unprotect(p, rtp_len).error(), Errc::wrong_direction);
    // A bare header (no tag) is not a valid SRTP packet: dropped, counted, no crash.
    auto q = rtp_packet(2);
    auto r = in->unprotect(q, 12);
    EXPECT_FALSE(r);
    EXPECT_GE(in->stats().authentication_failures + in->stats().other_failures, 4U);

    // A moved-from context refuses politely.
    Context moved = std::move(*out);
    auto z = rtp_packet(3);
    EXPECT_TRUE(moved.protect(z, rtp_len));
    EXPECT_EQ(out->protect(z, rtp_len).error(),
              Errc::library_failure);  // NOLINT: use after move on purpose
}

}  // namespace
