// Issue 7: RTP/SAVP offer, 488 from the far end, RTP/AVP fallback by crypto policy; and the
// public (STUN) address written into c= and m=.
#include <voip/sdp/offer_answer.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace voip::sdp;

LocalMedia alice(CryptoPolicy policy) {
    LocalMedia local;
    local.address = "192.0.2.1";
    local.port = 4000;
    local.codecs = {CodecSpec{"PCMU", 8000}, CodecSpec{"telephone-event", 8000, 1, "0-16"}};
    local.ptime = 20;
    local.crypto_policy = policy;
    if (policy != CryptoPolicy::off) {
        local.crypto = {Crypto::generate(1, "AES_CM_128_HMAC_SHA1_80").value(),
                        Crypto::generate(2, "AES_CM_128_HMAC_SHA1_32").value()};
    }
    return local;
}

// An answerer that speaks only plain RTP (no keys at all).
LocalMedia plain_bob() {
    LocalMedia local;
    local.address = "192.0.2.2";
    local.port = 5000;
    local.codecs = {CodecSpec{"PCMU", 8000}};
    return local;
}

SessionOptions alice_session() {
    return SessionOptions{"alice", 4242, 7, "call"};
}

TEST(FallbackOffer, PreferredDropsToPlainRtpSameSessionNextVersion) {
    auto first = create_offer(alice(CryptoPolicy::preferred), alice_session());
    ASSERT_TRUE(first) << first.error().message();
    ASSERT_EQ(first->media[0].protocol, "RTP/SAVP");
    ASSERT_EQ(first->media[0].cryptos().size(), 2U);

    auto second = fallback_offer(*first, CryptoPolicy::preferred);
    ASSERT_TRUE(second) << second.error().message();
    // RFC 3264 §8: same o= username and id, version + 1.
    EXPECT_EQ(second->origin.username, "alice");
    EXPECT_EQ(second->origin.session_id, 4242U);
    EXPECT_EQ(second->origin.session_version, 8U);
    ASSERT_EQ(second->media.size(), 1U);
    const auto& m = second->media[0];
    EXPECT_EQ(m.protocol, "RTP/AVP");
    EXPECT_TRUE(m.cryptos().empty());
    EXPECT_FALSE(m.has_attribute("crypto"));
    // Everything else as offered: port, formats, rtpmap, ptime.
    EXPECT_EQ(m.port, first->media[0].port);
    EXPECT_EQ(m.formats, first->media[0].formats);
    EXPECT_EQ(m.ptime(), first->media[0].ptime());
    EXPECT_EQ(m.payload_formats(), first->media[0].payload_formats());
    // It is a valid description that parses back to itself.
    auto text = second->to_string();
    EXPECT_EQ(text.find("a=crypto"), std::string::npos);
    EXPECT_NE(text.find("m=audio 4000 RTP/AVP "), std::string::npos);
    auto reparsed = SessionDescription::parse(text);
    ASSERT_TRUE(reparsed);
    EXPECT_EQ(reparsed->to_string(), text);
}

TEST(FallbackOffer, SavpfBecomesAvpf) {
    auto first = create_offer(alice(CryptoPolicy::preferred), alice_session());
    ASSERT_TRUE(first);
    first->media[0].protocol = "RTP/SAVPF";
    auto second = fallback_offer(*first, CryptoPolicy::preferred);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->media[0].protocol, "RTP/AVPF");
    EXPECT_TRUE(second->media[0].cryptos().empty());
}

TEST(FallbackOffer, RequiredFailsTheCall) {
    auto first = create_offer(alice(CryptoPolicy::required), alice_session());
    ASSERT_TRUE(first);
    auto second = fallback_offer(*first, CryptoPolicy::required);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error(), Errc::srtp_required);
    EXPECT_FALSE(second.error().message().empty());
}

TEST(FallbackOffer, OffOrPlainOfferHasNothingToFallBackFrom) {
    auto plain = create_offer(alice(CryptoPolicy::off), alice_session());
    ASSERT_TRUE(plain);
    ASSERT_EQ(plain->media[0].protocol, "RTP/AVP");
    for (auto policy : {CryptoPolicy::off, CryptoPolicy::preferred}) {
        auto second = fallback_offer(*plain, policy);
        ASSERT_FALSE(second);
        EXPECT_EQ(second.error(), Errc::no_fallback);
    }
    // Off with a (foreign) SAVP description: off never offered SRTP, so no fallback either.
    auto secure = create_offer(alice(CryptoPolicy::preferred), alice_session());
    ASSERT_TRUE(secure);
    auto off = fallback_offer(*secure, CryptoPolicy::off);
    ASSERT_FALSE(off);
    EXPECT_EQ(off.error(), Errc::no_fallback);
}

TEST(FallbackOffer, NotAcceptableErrorsAreThe488Ones) {
    for (auto e : {Errc::no_audio_media, Errc::no_common_codec, Errc::secure_media_required,
                   Errc::no_usable_crypto, Errc::unsupported_transport}) {
        EXPECT_TRUE(is_not_acceptable(e)) << make_error_code(e).message();
    }
    for (auto e : {Errc::bad_media, Errc::answer_mismatch, Errc::invalid_local_media,
                   Errc::srtp_required, Errc::no_fallback}) {
        EXPECT_FALSE(is_not_acceptable(e)) << make_error_code(e).message();
    }
    EXPECT_FALSE(is_not_acceptable(std::make_error_code(std::errc::invalid_argument)));
    EXPECT_FALSE(is_not_acceptable({}));
}

// The whole sequence as the dialog layer will run it: SAVP offer → plain answerer refuses
// (488) → fallback offer → plain answer → both agree on RTP/AVP without keys.
TEST(FallbackOffer, FullSequenceAgainstAPlainRtpAnswerer) {
    const LocalMedia ours = alice(CryptoPolicy::preferred);
    auto offer = create_offer(ours, alice_session());
    ASSERT_TRUE(offer);

    const SessionOptions bob_session{"bob", 1, 1, "-"};
    // The answerer parses what went over the wire, as a real peer would.
    auto received = SessionDescription::parse(offer->to_string());
    ASSERT_TRUE(received);
    auto refused = create_answer(*received, plain_bob(), bob_session);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error(), Errc::no_usable_crypto);
    ASSERT_TRUE(is_not_acceptable(refused.error()));  // → 488 Not Acceptable Here

    auto retry = fallback_offer(*offer, ours.crypto_policy);
    ASSERT_TRUE(retry) << retry.error().message();
    auto received_retry = SessionDescription::parse(retry->to_string());
    ASSERT_TRUE(received_retry);
    auto answer = create_answer(*received_retry, plain_bob(), bob_session);
    ASSERT_TRUE(answer) << answer.error().message();
    EXPECT_EQ(answer->description.media[0].protocol, "RTP/AVP");
    EXPECT_FALSE(answer->negotiated.srtp);
    EXPECT_EQ(answer->negotiated.codec.name, "PCMU");

    auto agreed = apply_answer(*retry, answer->description);
    ASSERT_TRUE(agreed) << agreed.error().message();
    EXPECT_FALSE(agreed->srtp);
    EXPECT_EQ(agreed->codec.name, "PCMU");
    EXPECT_EQ(agreed->remote_address, "192.0.2.2");
    EXPECT_EQ(agreed->remote_port, 5000U);
}

// The same peer, had we required SRTP: the 488 ends the call.
TEST(FallbackOffer, FullSequenceRequiredEndsWithTheRefusal) {
    const LocalMedia ours = alice(CryptoPolicy::required);
    auto offer = create_offer(ours, alice_session());
    ASSERT_TRUE(offer);
    auto refused = create_answer(*offer, plain_bob(), SessionOptions{});
    ASSERT_FALSE(refused);
    ASSERT_TRUE(is_not_acceptable(refused.error()));
    auto retry = fallback_offer(*offer, ours.crypto_policy);
    ASSERT_FALSE(retry);
    EXPECT_EQ(retry.error(), Errc::srtp_required);
}

TEST(PublicAddress, GoesIntoConnectionAndMediaLines) {
    LocalMedia local = alice(CryptoPolicy::off);
    ASSERT_TRUE(use_public_address(local, "203.0.113.7", 40000));
    EXPECT_EQ(local.address, "203.0.113.7");
    EXPECT_EQ(local.port, 40000U);
    auto offer = create_offer(local, alice_session());
    ASSERT_TRUE(offer);
    const auto text = offer->to_string();
    EXPECT_NE(text.find("c=IN IP4 203.0.113.7\r\n"), std::string::npos) << text;
    EXPECT_NE(text.find("m=audio 40000 RTP/AVP"), std::string::npos) << text;

    ASSERT_TRUE(use_public_address(local, "2001:db8::7", 40002));
    auto v6 = create_offer(local, alice_session());
    ASSERT_TRUE(v6);
    EXPECT_NE(v6->to_string().find("c=IN IP6 2001:db8::7\r\n"), std::string::npos);
}

TEST(PublicAddress, RefusesWhatIsNotAnAddressAndPort) {
    LocalMedia local = alice(CryptoPolicy::off);
    EXPECT_EQ(use_public_address(local, "example.com", 40000).error(), Errc::invalid_local_media);
    EXPECT_EQ(use_public_address(local, "203.0.113.7", 0).error(), Errc::invalid_local_media);
    EXPECT_EQ(use_public_address(local, "", 1).error(), Errc::invalid_local_media);
    // Untouched after a refusal.
    EXPECT_EQ(local.address, "192.0.2.1");
    EXPECT_EQ(local.port, 4000U);
}

// Anything shaped like an Asio endpoint works through the template overload.
struct FakeAddress {
    std::string text;
    [[nodiscard]] std::string to_string() const { return text; }
};
struct FakeEndpoint {
    FakeAddress a;
    std::uint16_t p;
    [[nodiscard]] const FakeAddress& address() const { return a; }
    [[nodiscard]] std::uint16_t port() const { return p; }
};

TEST(PublicAddress, TakesAnEndpoint) {
    LocalMedia local = alice(CryptoPolicy::off);
    ASSERT_TRUE(use_public_address(local, FakeEndpoint{{"198.51.100.3"}, 41000}));
    EXPECT_EQ(local.address, "198.51.100.3");
    EXPECT_EQ(local.port, 41000U);
}

}  // namespace
