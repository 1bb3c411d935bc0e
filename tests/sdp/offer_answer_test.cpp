// RFC 3264 offer/answer: one test (or more) per rule.
#include <voip/sdp/offer_answer.hpp>

#include <gtest/gtest.h>

#include <string>

#include "sdp/sdp_text.hpp"

namespace {

using namespace voip::sdp;
using voip::sdp::test::crlf;

constexpr const char* kKey1 = "AAsWISw3Qk1YY255hI+apbC7xtHc5/L9CBMeKTQ/";
constexpr const char* kKey2 = "JTA7RlFcZ3J9iJOeqbS/ytXg6/YBDBciLThDTllk";

CodecSpec codec(std::string name, std::uint32_t rate, unsigned channels = 1, std::string fmtp = {},
                std::optional<std::uint8_t> pt = std::nullopt) {
    return CodecSpec{std::move(name), rate, channels, std::move(fmtp), pt};
}

LocalMedia alice() {
    LocalMedia local;
    local.address = "192.0.2.1";
    local.port = 4000;
    local.codecs = {codec("opus", 48000, 2, "useinbandfec=1"), codec("PCMU", 8000),
                    codec("telephone-event", 48000, 1, "0-16"),
                    codec("telephone-event", 8000, 1, "0-16")};
    local.ptime = 20;
    return local;
}

LocalMedia bob() {
    LocalMedia local;
    local.address = "192.0.2.2";
    local.port = 5000;
    local.codecs = {codec("PCMU", 8000), codec("telephone-event", 8000, 1, "0-15")};
    return local;
}

SessionOptions session(std::uint64_t id = 100, std::uint64_t version = 1) {
    return SessionOptions{"u", id, version, "s"};
}

SessionDescription parse(const std::string& text) {
    auto sd = SessionDescription::parse(crlf(text));
    EXPECT_TRUE(sd) << sd.error().message();
    return sd ? *sd : SessionDescription{};
}

// An offer with one audio section; `media` is the m= line and what follows.
SessionDescription offer_with(const std::string& media, const std::string& address = "192.0.2.9") {
    return parse("v=0\no=- 9 9 IN IP4 " + address + "\ns=-\nc=IN IP4 " + address + "\nt=0 0\n" +
                 media);
}

Errc answer_error(const SessionDescription& offer, const LocalMedia& local,
                  const AnswerOptions& options = {}) {
    auto answer = create_answer(offer, local, session(), options);
    EXPECT_FALSE(answer);
    return answer ? Errc{} : static_cast<Errc>(answer.error().value());
}

// --- Offers -----------------------------------------------------------------------------------

TEST(Offer, ListsCodecsWithStaticAndDynamicPayloadTypes) {
    auto offer = create_offer(alice(), session(4242, 7));
    ASSERT_TRUE(offer) << offer.error().message();
    EXPECT_EQ(offer->origin.session_id, 4242U);
    EXPECT_EQ(offer->origin.session_version, 7U);
    EXPECT_EQ(offer->origin.addr_type, "IP4");
    ASSERT_EQ(offer->media.size(), 1U);
    const auto& m = offer->media[0];
    EXPECT_EQ(m.protocol, "RTP/AVP");
    EXPECT_EQ(m.port, 4000);
    EXPECT_EQ(m.formats, (std::vector<std::string>{"96", "0", "97", "98"}));
    EXPECT_EQ(*m.payload_format(96), (PayloadFormat{96, "opus", 48000, 2, "useinbandfec=1"}));
    EXPECT_EQ(m.payload_format(98)->fmtp, "0-16");
    EXPECT_EQ(m.ptime(), 20U);
    EXPECT_EQ(m.direction(), Direction::sendrecv);
    EXPECT_FALSE(m.rtcp_mux());
    const std::string text = offer->to_string();
    EXPECT_NE(text.find("a=rtpmap:96 opus/48000/2\r\n"), std::string::npos);
    EXPECT_NE(text.find("a=rtpmap:0 PCMU/8000\r\n"), std::string::npos);
    // What we write, we read back to the same value.
    auto back = SessionDescription::parse(text);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, *offer);
}

TEST(Offer, PreferredPayloadTypesAreKeptAndConflictsRefused) {
    LocalMedia local = alice();
    local.codecs[0].payload_type = 111;
    local.codecs[2].payload_type = 101;
    auto offer = create_offer(local, session());
    ASSERT_TRUE(offer);
    EXPECT_EQ(offer->media[0].formats, (std::vector<std::string>{"111", "0", "101", "96"}));
    local.codecs[3].payload_type = 101;
    EXPECT_EQ(create_offer(local, session()).error(), Errc::invalid_local_media);
}

TEST(Offer, Ipv6AddressRtcpMuxAndHoldDirection) {
    LocalMedia local = bob();
    local.address = "2001:db8::5";
    local.rtcp_mux = true;
    local.direction = Direction::sendonly;
    auto offer = create_offer(local, session());
    ASSERT_TRUE(offer);
    EXPECT_EQ(offer->origin.addr_type, "IP6");
    EXPECT_EQ(offer->connection->to_string(), "IN IP6 2001:db8::5");
    EXPECT_TRUE(offer->media[0].rtcp_mux());
    EXPECT_EQ(offer->media[0].direction(), Direction::sendonly);
}

TEST(Offer, CryptoMakesItRtpSavp) {
    LocalMedia local = bob();
    local.crypto_policy = CryptoPolicy::required;
    local.crypto = {Crypto::generate(1, "AES_CM_128_HMAC_SHA1_80").value(),
                    Crypto::generate(2, "AES_CM_128_HMAC_SHA1_32").value()};
    auto offer = create_offer(local, session());
    ASSERT_TRUE(offer);
    EXPECT_EQ(offer->media[0].protocol, "RTP/SAVP");
    ASSERT_EQ(offer->media[0].cryptos().size(), 2U);
    EXPECT_EQ(offer->media[0].cryptos()[1], local.crypto[1]);
    // Policy off: crypto lines are not offered.
    local.crypto_policy = CryptoPolicy::off;
    auto plain = create_offer(local, session());
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->media[0].protocol, "RTP/AVP");
    EXPECT_TRUE(plain->media[0].cryptos().empty());
}

TEST(Offer, RefusesUnusableLocalMedia) {
    LocalMedia local = bob();
    local.codecs = {codec("telephone-event", 8000)};
    EXPECT_EQ(create_offer(local, session()).error(), Errc::invalid_local_media);
    local = bob();
    local.codecs.clear();
    EXPECT_EQ(create_offer(local, session()).error(), Errc::invalid_local_media);
    local = bob();
    local.address = "pbx.example.com";
    EXPECT_EQ(create_offer(local, session()).error(), Errc::invalid_local_media);
    local = bob();
    local.crypto_policy = CryptoPolicy::preferred;  // but no keys
    EXPECT_EQ(create_offer(local, session()).error(), Errc::invalid_local_media);
    local.crypto = {Crypto::parse(std::string("1 AES_256_CM_HMAC_SHA1_80 inline:") + kKey1)
                        .value()};  // 30 bytes for a 46-byte suite
    EXPECT_EQ(create_offer(local, session()).error(), Errc::invalid_local_media);
    local = bob();
    local.codecs.push_back(codec("L16", 0));
    EXPECT_EQ(create_offer(local, session()).error(), Errc::invalid_local_media);
}

TEST(Offer, RunsOutOfDynamicPayloadTypes) {
    LocalMedia local = bob();
    for (int i = 0; i < 40; ++i)
        local.codecs.push_back(codec("x-codec" + std::to_string(i), 8000));
    EXPECT_EQ(create_offer(local, session()).error(), Errc::invalid_local_media);
}

// --- Answers: codec choice ---------------------------------------------------------------------

TEST(Answer, AnswererPreferenceOrderByDefault) {
    auto offer = offer_with("m=audio 6000 RTP/AVP 8 0 101\na=rtpmap:101 telephone-event/8000\n");
    auto answer = create_answer(offer, bob(), session());
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->negotiated.codec.name, "PCMU");
    LocalMedia local = bob();
    local.codecs.insert(local.codecs.begin(), codec("PCMA", 8000));
    answer = create_answer(offer, local, session());
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->negotiated.codec.name, "PCMA");
}

TEST(Answer, OffererPreferenceOrderWhenConfigured) {
    auto offer = offer_with("m=audio 6000 RTP/AVP 8 0\n");
    LocalMedia local = bob();
    local.codecs.push_back(codec("PCMA", 8000));
    AnswerOptions options;
    EXPECT_EQ(create_answer(offer, local, session(), options)->negotiated.codec.name, "PCMU");
    options.prefer_local_order = false;
    EXPECT_EQ(create_answer(offer, local, session(), options)->negotiated.codec.name, "PCMA");
}

TEST(Answer, KeepsTheOfferersPayloadTypeNumbers) {
    auto offer = offer_with(
        "m=audio 6000 RTP/AVP 109 120\na=rtpmap:109 opus/48000/2\n"
        "a=rtpmap:120 telephone-event/48000\na=fmtp:120 0-16\n");
    LocalMedia local = alice();  // would number opus 96 and its events 97
    auto answer = create_answer(offer, local, session());
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->negotiated.codec.payload_type, 109);
    EXPECT_EQ(answer->negotiated.receive_payload_type, 109);
    EXPECT_EQ(answer->negotiated.telephone_event->payload_type, 120);
    const auto& m = answer->description.media[0];
    EXPECT_EQ(m.formats, (std::vector<std::string>{"109", "120"}));
    EXPECT_EQ(m.payload_format(109)->name, "opus");
    EXPECT_EQ(m.payload_format(109)->fmtp, "useinbandfec=1");  // ours
}

TEST(Answer, TelephoneEventOnlyWhenBothHaveItAtTheCodecRate) {
    const std::string offered =
        "m=audio 6000 RTP/AVP 0 101\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-16\n";
    auto with = create_answer(offer_with(offered), bob(), session());
    ASSERT_TRUE(with);
    ASSERT_TRUE(with->negotiated.telephone_event);
    EXPECT_EQ(with->negotiated.telephone_event->payload_type, 101);
    EXPECT_EQ(with->description.media[0].payload_format(101)->fmtp, "0-15");  // ours

    LocalMedia no_dtmf = bob();
    no_dtmf.codecs.pop_back();
    auto without = create_answer(offer_with(offered), no_dtmf, session());
    ASSERT_TRUE(without);
    EXPECT_FALSE(without->negotiated.telephone_event);
    EXPECT_EQ(without->description.media[0].formats, std::vector<std::string>{"0"});

    // Offer has events only at 16000: no match for PCMU at 8000.
    auto wrong_rate = create_answer(
        offer_with("m=audio 6000 RTP/AVP 0 101\na=rtpmap:101 telephone-event/16000\n"), bob(),
        session());
    ASSERT_TRUE(wrong_rate);
    EXPECT_FALSE(wrong_rate->negotiated.telephone_event);
}

TEST(Answer, NothingInCommonIsAClearError) {
    auto offer = offer_with("m=audio 6000 RTP/AVP 18 8 101\na=rtpmap:101 telephone-event/8000\n");
    EXPECT_EQ(answer_error(offer, bob()), Errc::no_common_codec);
    EXPECT_EQ(std::error_code(Errc::no_common_codec).message(), "no codec in common");
    // Telephone-event alone is not a codec.
    EXPECT_EQ(answer_error(offer_with("m=audio 6000 RTP/AVP 101\n"
                                      "a=rtpmap:101 telephone-event/8000\n"),
                           bob()),
              Errc::no_common_codec);
    // Same name, other clock rate or channels: no match.
    EXPECT_EQ(answer_error(offer_with("m=audio 6000 RTP/AVP 96\na=rtpmap:96 PCMU/16000\n"), bob()),
              Errc::no_common_codec);
}

TEST(Answer, NoAudioOrUnsupportedTransport) {
    EXPECT_EQ(answer_error(offer_with("m=video 6000 RTP/AVP 31\n"), bob()), Errc::no_audio_media);
    EXPECT_EQ(answer_error(offer_with("m=audio 6000 UDP/TLS/RTP/SAVPF 0\n"), bob()),
              Errc::unsupported_transport);
}

// --- Answers: media sections -------------------------------------------------------------------

TEST(Answer, PortZeroSectionIsAnsweredWithPortZero) {
    auto offer = offer_with(
        "m=audio 0 RTP/AVP 8\n"
        "m=audio 6000 RTP/AVP 0\n"
        "m=video 6002 RTP/AVP 31\n"
        "m=audio 6004 RTP/AVP 0\n");
    auto answer = create_answer(offer, bob(), session());
    ASSERT_TRUE(answer);
    const auto& media = answer->description.media;
    ASSERT_EQ(media.size(), 4U);
    EXPECT_EQ(media[0].port, 0);
    EXPECT_EQ(media[0].formats, std::vector<std::string>{"8"});
    EXPECT_EQ(media[1].port, 5000);
    EXPECT_EQ(media[2].port, 0);  // video: not ours
    EXPECT_EQ(media[2].media, "video");
    EXPECT_EQ(media[3].port, 0);  // one audio stream is enough
    EXPECT_EQ(answer->negotiated.media_index, 1U);
    EXPECT_EQ(answer->negotiated.remote_port, 6000);
    // Only port-0 audio: nothing to accept.
    EXPECT_EQ(answer_error(offer_with("m=audio 0 RTP/AVP 0\n"), bob()), Errc::no_audio_media);
}

TEST(Answer, IsAValidDescriptionWithOurOrigin) {
    auto answer = create_answer(offer_with("m=audio 6000 RTP/AVP 0\n"), bob(), session(55, 3));
    ASSERT_TRUE(answer);
    const auto& d = answer->description;
    EXPECT_EQ(d.origin.session_id, 55U);
    EXPECT_EQ(d.origin.session_version, 3U);
    EXPECT_EQ(d.connection->address, "192.0.2.2");
    auto back = SessionDescription::parse(d.to_string());
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, d);
}

// --- Answers: direction ------------------------------------------------------------------------

struct DirectionCase {
    const char* offered;
    Direction local;
    Direction expected;
};

TEST(Answer, MirrorsTheOfferedDirection) {
    const DirectionCase cases[] = {
        {"a=sendonly\n", Direction::sendrecv, Direction::recvonly},
        {"a=recvonly\n", Direction::sendrecv, Direction::sendonly},
        {"a=inactive\n", Direction::sendrecv, Direction::inactive},
        {"a=sendrecv\n", Direction::sendrecv, Direction::sendrecv},
        {"", Direction::sendrecv, Direction::sendrecv},
        {"a=sendrecv\n", Direction::sendonly, Direction::sendonly},  // we hold them
        {"a=sendonly\n", Direction::sendonly, Direction::inactive},  // both hold
        {"a=recvonly\n", Direction::recvonly, Direction::inactive},
    };
    for (const auto& c : cases) {
        LocalMedia local = bob();
        local.direction = c.local;
        auto answer = create_answer(offer_with(std::string("m=audio 6000 RTP/AVP 0\n") + c.offered),
                                    local, session());
        ASSERT_TRUE(answer);
        EXPECT_EQ(answer->description.media[0].direction(), c.expected) << c.offered;
        EXPECT_EQ(answer->negotiated.direction, c.expected) << c.offered;
    }
}

TEST(Answer, LegacyHoldWithNullAddress) {
    // RFC 3264 §8.4: c=0.0.0.0 means the offerer does not want media.
    auto answer =
        create_answer(offer_with("m=audio 6000 RTP/AVP 0\n", "0.0.0.0"), bob(), session());
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->negotiated.direction, Direction::recvonly);
}

TEST(Answer, SessionLevelDirectionApplies) {
    auto offer = parse(
        "v=0\no=- 9 9 IN IP4 192.0.2.9\ns=-\nc=IN IP4 192.0.2.9\nt=0 0\na=inactive\n"
        "m=audio 6000 RTP/AVP 0\n");
    auto answer = create_answer(offer, bob(), session());
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->negotiated.direction, Direction::inactive);
}

// --- Answers: RTCP, ptime ------------------------------------------------------------------

TEST(Answer, RtcpMuxOnlyWhenBothWantIt) {
    auto offer = offer_with("m=audio 6000 RTP/AVP 0\na=rtcp-mux\n");
    auto without = create_answer(offer, bob(), session());
    ASSERT_TRUE(without);
    EXPECT_FALSE(without->negotiated.rtcp_mux);
    EXPECT_EQ(without->negotiated.remote_rtcp_port, 6001);
    EXPECT_FALSE(without->description.media[0].rtcp_mux());
    LocalMedia local = bob();
    local.rtcp_mux = true;
    auto with = create_answer(offer, local, session());
    ASSERT_TRUE(with);
    EXPECT_TRUE(with->negotiated.rtcp_mux);
    EXPECT_EQ(with->negotiated.remote_rtcp_port, 6000);
    EXPECT_TRUE(with->description.media[0].rtcp_mux());
}

TEST(Answer, ExplicitRtcpPortAndPtime) {
    auto answer = create_answer(
        offer_with("m=audio 6000 RTP/AVP 0\na=ptime:30\na=rtcp:7001 IN IP4 192.0.2.77\n"),
        [] {
            LocalMedia l = bob();
            l.ptime = 20;
            return l;
        }(),
        session());
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->negotiated.remote_rtcp_port, 7001);
    EXPECT_EQ(answer->negotiated.remote_rtcp_address, "192.0.2.77");
    EXPECT_EQ(answer->negotiated.remote_ptime, 30U);
    EXPECT_EQ(answer->negotiated.local_ptime, 20U);
    EXPECT_EQ(answer->description.media[0].ptime(), 20U);
}

// --- Answers: SRTP policy -----------------------------------------------------------------------

LocalMedia secure_bob(CryptoPolicy policy) {
    LocalMedia local = bob();
    local.crypto_policy = policy;
    local.crypto = {Crypto::generate(1, "AES_CM_128_HMAC_SHA1_80").value()};
    return local;
}

std::string crypto_line(unsigned tag, const char* suite, const char* key) {
    return "a=crypto:" + std::to_string(tag) + " " + suite + " inline:" + key + "\n";
}

TEST(AnswerSrtp, SavpWithUsableCryptoIsAccepted) {
    auto offer = offer_with("m=audio 6000 RTP/SAVP 0\n" +
                            crypto_line(5, "AES_256_CM_HMAC_SHA1_80", kKey1) +  // unusable length
                            crypto_line(6, "AES_CM_128_HMAC_SHA1_80", kKey2));
    for (auto policy : {CryptoPolicy::required, CryptoPolicy::preferred, CryptoPolicy::off}) {
        auto local = secure_bob(policy);
        auto answer = create_answer(offer, local, session());
        ASSERT_TRUE(answer) << answer.error().message();
        ASSERT_TRUE(answer->negotiated.srtp);
        EXPECT_EQ(answer->negotiated.srtp->remote.tag, 6U);
        EXPECT_EQ(answer->negotiated.srtp->remote.keys[0].key_salt, kKey2);
        EXPECT_EQ(answer->negotiated.srtp->local.tag, 6U);
        EXPECT_EQ(answer->negotiated.srtp->local.keys, local.crypto[0].keys);
        const auto& m = answer->description.media[0];
        EXPECT_EQ(m.protocol, "RTP/SAVP");
        ASSERT_EQ(m.cryptos().size(), 1U);
        EXPECT_EQ(m.cryptos()[0].tag, 6U);
    }
}

TEST(AnswerSrtp, SavpWithoutUsableCryptoIsRefused) {
    for (auto policy : {CryptoPolicy::required, CryptoPolicy::preferred, CryptoPolicy::off}) {
        // No crypto line at all.
        EXPECT_EQ(answer_error(offer_with("m=audio 6000 RTP/SAVP 0\n"), secure_bob(policy)),
                  Errc::no_usable_crypto);
        // Only suites or key lengths we cannot use.
        EXPECT_EQ(answer_error(offer_with("m=audio 6000 RTP/SAVP 0\n" +
                                          crypto_line(1, "AES_CM_128_HMAC_SHA1_80", "AAAA") +
                                          crypto_line(2, "SEED_CTR_128_HMAC_SHA1_80", kKey1)),
                               secure_bob(policy)),
                  Errc::no_usable_crypto);
    }
    // A suite we have no key for.
    EXPECT_EQ(answer_error(offer_with("m=audio 6000 RTP/SAVP 0\n" +
                                      crypto_line(1, "AES_CM_128_HMAC_SHA1_32", kKey1)),
                           secure_bob(CryptoPolicy::required)),
              Errc::no_usable_crypto);
    // Without local keys an SRTP offer cannot be answered.
    EXPECT_EQ(answer_error(offer_with("m=audio 6000 RTP/SAVP 0\n" +
                                      crypto_line(1, "AES_CM_128_HMAC_SHA1_80", kKey1)),
                           bob()),
              Errc::no_usable_crypto);
}

TEST(AnswerSrtp, MkiIsSkippedUnlessAllowed) {
    auto offer = offer_with("m=audio 6000 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" +
                            std::string(kKey1) + "|2^31|1:4\n");
    EXPECT_EQ(answer_error(offer, secure_bob(CryptoPolicy::preferred)), Errc::no_usable_crypto);
    AnswerOptions options;
    options.accept_mki = true;
    auto answer = create_answer(offer, secure_bob(CryptoPolicy::preferred), session(), options);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->negotiated.srtp->remote.keys[0].mki, 1U);
}

TEST(AnswerSrtp, RequiredRefusesPlainRtp) {
    EXPECT_EQ(
        answer_error(offer_with("m=audio 6000 RTP/AVP 0\n"), secure_bob(CryptoPolicy::required)),
        Errc::secure_media_required);
    // Best-effort SDES inside RTP/AVP satisfies "required": media is protected.
    auto answer = create_answer(
        offer_with("m=audio 6000 RTP/AVP 0\n" + crypto_line(3, "AES_CM_128_HMAC_SHA1_80", kKey1)),
        secure_bob(CryptoPolicy::required), session());
    ASSERT_TRUE(answer);
    EXPECT_TRUE(answer->negotiated.srtp);
    EXPECT_EQ(answer->description.media[0].protocol, "RTP/AVP");
}

TEST(AnswerSrtp, PreferredTakesBestEffortSdesOffIgnoresIt) {
    const auto offer =
        offer_with("m=audio 6000 RTP/AVP 0\n" + crypto_line(3, "AES_CM_128_HMAC_SHA1_80", kKey1));
    auto preferred = create_answer(offer, secure_bob(CryptoPolicy::preferred), session());
    ASSERT_TRUE(preferred);
    EXPECT_TRUE(preferred->negotiated.srtp);
    EXPECT_EQ(preferred->description.media[0].cryptos().size(), 1U);
    auto off = create_answer(offer, secure_bob(CryptoPolicy::off), session());
    ASSERT_TRUE(off);
    EXPECT_FALSE(off->negotiated.srtp);
    EXPECT_TRUE(off->description.media[0].cryptos().empty());
    // Plain offer, preferred policy: plain answer.
    auto plain = create_answer(offer_with("m=audio 6000 RTP/AVP 0\n"),
                               secure_bob(CryptoPolicy::preferred), session());
    ASSERT_TRUE(plain);
    EXPECT_FALSE(plain->negotiated.srtp);
}

// --- Re-offers -----------------------------------------------------------------------------

TEST(Reoffer, SameSessionIdVersionPlusOne) {
    auto first = create_offer(alice(), session(31337, 4));
    ASSERT_TRUE(first);
    LocalMedia hold = alice();
    hold.direction = Direction::sendonly;
    auto second = create_reoffer(*first, hold);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->origin.session_id, 31337U);
    EXPECT_EQ(second->origin.session_version, 5U);
    EXPECT_EQ(second->origin.username, first->origin.username);
    EXPECT_EQ(second->media[0].direction(), Direction::sendonly);
    EXPECT_EQ(second->media[0].formats, first->media[0].formats);
    auto third = create_reoffer(*second, alice());
    ASSERT_TRUE(third);
    EXPECT_EQ(third->origin.session_version, 6U);
    EXPECT_EQ(third->media[0].direction(), Direction::sendrecv);
}

TEST(Reoffer, KeepsPayloadTypesAndSectionsOfThePreviousExchange) {
    // We answered an offer that used 109 for opus and had a video section; our re-offer keeps
    // 109 (RFC 3264 §8.3.2) and the video m= line, still rejected (§8).
    auto offer = offer_with(
        "m=video 6002 RTP/AVP 31\nm=audio 6000 RTP/AVP 109 0\n"
        "a=rtpmap:109 opus/48000/2\na=mid:a1\n");
    auto answer = create_answer(offer, alice(), session(8, 1));
    ASSERT_TRUE(answer);
    auto reoffer = create_reoffer(answer->description, alice());
    ASSERT_TRUE(reoffer);
    ASSERT_EQ(reoffer->media.size(), 2U);
    EXPECT_EQ(reoffer->media[0].media, "video");
    EXPECT_EQ(reoffer->media[0].port, 0);
    const auto& audio = reoffer->media[1];
    EXPECT_EQ(audio.payload_format(109)->name, "opus");
    EXPECT_EQ(audio.formats.front(), "109");
    EXPECT_EQ(audio.mid(), "a1");
    EXPECT_EQ(reoffer->origin.session_version, 2U);
}

TEST(Reoffer, KeepsTheTransportOfTheStream) {
    // Plain call, SRTP now preferred: the re-offer stays RTP/AVP without crypto.
    auto plain = create_offer(bob(), session());
    ASSERT_TRUE(plain);
    auto again = create_reoffer(*plain, secure_bob(CryptoPolicy::preferred));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->media[0].protocol, "RTP/AVP");
    EXPECT_TRUE(again->media[0].cryptos().empty());
    // SRTP call: stays RTP/SAVP with our crypto, and needs keys.
    auto secure = create_offer(secure_bob(CryptoPolicy::required), session());
    ASSERT_TRUE(secure);
    auto hold = secure_bob(CryptoPolicy::required);
    hold.direction = Direction::sendonly;
    auto secure_again = create_reoffer(*secure, hold);
    ASSERT_TRUE(secure_again);
    EXPECT_EQ(secure_again->media[0].protocol, "RTP/SAVP");
    EXPECT_EQ(secure_again->media[0].cryptos().size(), 1U);
    EXPECT_EQ(create_reoffer(*secure, bob()).error(), Errc::invalid_local_media);
}

// --- Reading the answer ---------------------------------------------------------------------

TEST(ApplyAnswer, FullExchangeAgreesOnBothSides) {
    LocalMedia a = alice();
    a.crypto_policy = CryptoPolicy::preferred;
    a.crypto = {Crypto::generate(1, "AES_CM_128_HMAC_SHA1_80").value()};
    a.rtcp_mux = true;
    LocalMedia b = bob();
    b.crypto_policy = CryptoPolicy::preferred;
    b.crypto = {Crypto::generate(9, "AES_CM_128_HMAC_SHA1_80").value()};
    b.rtcp_mux = true;
    b.ptime = 30;

    auto offer = create_offer(a, session(1, 1));
    ASSERT_TRUE(offer);
    // The offer crosses the wire as text.
    auto offer_in = SessionDescription::parse(offer->to_string());
    ASSERT_TRUE(offer_in);
    auto answer = create_answer(*offer_in, b, session(2, 1));
    ASSERT_TRUE(answer) << answer.error().message();
    auto answer_in = SessionDescription::parse(answer->description.to_string());
    ASSERT_TRUE(answer_in);
    auto ours = apply_answer(*offer, *answer_in);
    ASSERT_TRUE(ours) << ours.error().message();

    const Negotiated& theirs = answer->negotiated;
    EXPECT_EQ(ours->codec.name, "PCMU");
    EXPECT_EQ(ours->codec.payload_type, theirs.codec.payload_type);
    EXPECT_EQ(ours->remote_address, "192.0.2.2");
    EXPECT_EQ(ours->remote_port, 5000);
    EXPECT_EQ(theirs.remote_address, "192.0.2.1");
    EXPECT_EQ(theirs.remote_port, 4000);
    EXPECT_TRUE(ours->rtcp_mux);
    EXPECT_EQ(ours->remote_rtcp_port, 5000);
    EXPECT_EQ(ours->remote_ptime, 30U);
    EXPECT_EQ(ours->local_ptime, 20U);
    ASSERT_TRUE(ours->telephone_event);
    EXPECT_EQ(ours->telephone_event->clock_rate, 8000U);
    EXPECT_EQ(ours->telephone_event->payload_type, theirs.telephone_event->payload_type);
    ASSERT_TRUE(ours->srtp);
    ASSERT_TRUE(theirs.srtp);
    // Each side's sending key is the other's receiving key.
    EXPECT_EQ(ours->srtp->local, theirs.srtp->remote);
    EXPECT_EQ(ours->srtp->remote, theirs.srtp->local);
    EXPECT_EQ(ours->srtp->suite, "AES_CM_128_HMAC_SHA1_80");
    EXPECT_EQ(ours->direction, Direction::sendrecv);
}

TEST(ApplyAnswer, HoldAnsweredRecvonlyMeansWeSendOnly) {
    LocalMedia hold = bob();
    hold.direction = Direction::sendonly;
    auto offer = create_offer(hold, session());
    ASSERT_TRUE(offer);
    auto answer = create_answer(*offer, alice(), session(3, 1));
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->negotiated.direction, Direction::recvonly);
    auto ours = apply_answer(*offer, answer->description);
    ASSERT_TRUE(ours);
    EXPECT_EQ(ours->direction, Direction::sendonly);
}

TEST(ApplyAnswer, AnswererMayUseItsOwnPayloadTypeNumber) {
    auto offer = create_offer(alice(), session());  // opus 96
    ASSERT_TRUE(offer);
    auto answer = parse(
        "v=0\no=- 5 5 IN IP4 192.0.2.50\ns=-\nc=IN IP4 192.0.2.50\nt=0 0\n"
        "m=audio 7000 RTP/AVP 100\na=rtpmap:100 OPUS/48000/2\n");
    auto n = apply_answer(*offer, answer);
    ASSERT_TRUE(n);
    EXPECT_EQ(n->codec.payload_type, 100);   // what they receive on
    EXPECT_EQ(n->receive_payload_type, 96);  // what we receive on
    EXPECT_FALSE(n->telephone_event);
    EXPECT_EQ(n->remote_rtcp_port, 7001);
}

TEST(ApplyAnswer, Errors) {
    LocalMedia a = alice();
    a.crypto_policy = CryptoPolicy::required;
    a.crypto = {Crypto::parse(std::string("1 AES_CM_128_HMAC_SHA1_80 inline:") + kKey1).value()};
    auto offer = create_offer(a, session());
    ASSERT_TRUE(offer);
    const std::string head = "v=0\no=- 5 5 IN IP4 192.0.2.50\ns=-\nc=IN IP4 192.0.2.50\nt=0 0\n";
    auto apply = [&](const std::string& media) {
        auto r = apply_answer(*offer, parse(head + media));
        EXPECT_FALSE(r) << media;
        return r ? Errc{} : static_cast<Errc>(r.error().value());
    };
    const std::string ok_crypto = crypto_line(1, "AES_CM_128_HMAC_SHA1_80", kKey2);
    EXPECT_EQ(apply("m=audio 0 RTP/SAVP 0\n"), Errc::answer_rejected);
    EXPECT_EQ(apply("m=audio 7000 RTP/AVP 0\n" + ok_crypto), Errc::answer_mismatch);
    EXPECT_EQ(apply("m=video 7000 RTP/SAVP 0\n" + ok_crypto), Errc::answer_mismatch);
    EXPECT_EQ(apply("m=audio 7000 RTP/SAVP 0\n" + ok_crypto + "m=audio 0 RTP/SAVP 0\n"),
              Errc::answer_mismatch);
    EXPECT_EQ(apply("m=audio 7000 RTP/SAVP 8\n" + ok_crypto), Errc::no_common_codec);
    EXPECT_EQ(apply("m=audio 7000 RTP/SAVP 0\n"), Errc::no_usable_crypto);
    EXPECT_EQ(apply("m=audio 7000 RTP/SAVP 0\n" + crypto_line(4, "AES_CM_128_HMAC_SHA1_80", kKey2)),
              Errc::answer_mismatch);
    EXPECT_EQ(apply("m=audio 7000 RTP/SAVP 0\n" + crypto_line(1, "AES_CM_128_HMAC_SHA1_32", kKey2)),
              Errc::answer_mismatch);
    EXPECT_EQ(
        apply("m=audio 7000 RTP/SAVP 0\n" + crypto_line(1, "AES_CM_128_HMAC_SHA1_80", "QUJD")),
        Errc::no_usable_crypto);
    auto good = apply_answer(*offer, parse(head + "m=audio 7000 RTP/SAVP 0\n" + ok_crypto));
    ASSERT_TRUE(good);
    EXPECT_EQ(good->srtp->remote.keys[0].key_salt, kKey2);
}

}  // namespace
