// Session descriptions as real stacks write them (shapes from Asterisk, FreeSWITCH, a VoLTE/IMS
// handset, a browser with SDES, Linphone over IPv6, a desk phone's hold re-INVITE, a Cisco
// gateway). Each one is parsed, checked field by field, written back byte for byte and answered.
#include <voip/sdp/offer_answer.hpp>
#include <voip/sdp/session_description.hpp>

#include <gtest/gtest.h>

#include <string>

#include "sdp/sdp_text.hpp"

namespace {

using namespace voip::sdp;
using voip::sdp::test::crlf;

// Asterisk (chan_pjsip) offer: static PTs with rtpmap, RFC 4733 events, ptime and maxptime.
constexpr const char* kAsterisk =
    "v=0\n"
    "o=- 1731987654 1731987656 IN IP4 203.0.113.10\n"
    "s=Asterisk\n"
    "c=IN IP4 203.0.113.10\n"
    "t=0 0\n"
    "m=audio 12040 RTP/AVP 8 0 9 101\n"
    "a=rtpmap:8 PCMA/8000\n"
    "a=rtpmap:0 PCMU/8000\n"
    "a=rtpmap:9 G722/8000\n"
    "a=rtpmap:101 telephone-event/8000\n"
    "a=fmtp:101 0-16\n"
    "a=ptime:20\n"
    "a=maxptime:150\n"
    "a=sendrecv\n";

// FreeSWITCH offer with SDES: opus first, DTMF at 48000 and 8000, CN, two crypto suites,
// a=rtcp with an address.
constexpr const char* kFreeSwitch =
    "v=0\n"
    "o=FreeSWITCH 1731960000 1731960001 IN IP4 198.51.100.20\n"
    "s=FreeSWITCH\n"
    "c=IN IP4 198.51.100.20\n"
    "t=0 0\n"
    "m=audio 24580 RTP/SAVP 102 9 0 8 100 101 13\n"
    "a=rtpmap:102 opus/48000/2\n"
    "a=fmtp:102 useinbandfec=1; maxaveragebitrate=30000; maxplaybackrate=48000; ptime=20\n"
    "a=rtpmap:9 G722/8000\n"
    "a=rtpmap:0 PCMU/8000\n"
    "a=rtpmap:8 PCMA/8000\n"
    "a=rtpmap:100 telephone-event/48000\n"
    "a=fmtp:100 0-16\n"
    "a=rtpmap:101 telephone-event/8000\n"
    "a=fmtp:101 0-16\n"
    "a=rtpmap:13 CN/8000\n"
    "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAsWISw3Qk1YY255hI+apbC7xtHc5/L9CBMeKTQ/\n"
    "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:JTA7RlFcZ3J9iJOeqbS/ytXg6/YBDBciLThDTllk\n"
    "a=ptime:20\n"
    "a=sendrecv\n"
    "a=rtcp:24581 IN IP4 198.51.100.20\n";

// VoLTE handset (IMS): AMR-WB and AMR in both packetisations, DTMF at 16000 and 8000, b=AS/RS/RR,
// RFC 3312 preconditions.
constexpr const char* kIms =
    "v=0\n"
    "o=rue 3344 3344 IN IP6 2001:db8:40:1::5\n"
    "s=-\n"
    "c=IN IP6 2001:db8:40:1::5\n"
    "b=AS:49\n"
    "t=0 0\n"
    "m=audio 50010 RTP/AVP 116 107 97 118 111 110\n"
    "b=AS:49\n"
    "b=RS:0\n"
    "b=RR:2500\n"
    "a=rtpmap:116 AMR-WB/16000/1\n"
    "a=fmtp:116 mode-change-capability=2;max-red=0\n"
    "a=rtpmap:107 AMR-WB/16000/1\n"
    "a=fmtp:107 octet-align=1;mode-change-capability=2;max-red=0\n"
    "a=rtpmap:97 AMR/8000/1\n"
    "a=fmtp:97 mode-change-capability=2;max-red=0\n"
    "a=rtpmap:118 AMR/8000/1\n"
    "a=fmtp:118 octet-align=1;mode-change-capability=2;max-red=0\n"
    "a=rtpmap:111 telephone-event/16000\n"
    "a=fmtp:111 0-15\n"
    "a=rtpmap:110 telephone-event/8000\n"
    "a=fmtp:110 0-15\n"
    "a=curr:qos local none\n"
    "a=curr:qos remote none\n"
    "a=des:qos mandatory local sendrecv\n"
    "a=des:qos optional remote sendrecv\n"
    "a=sendrecv\n"
    "a=ptime:20\n"
    "a=maxptime:240\n";

// Browser-style offer (SDES era): BUNDLE group, RTP/SAVPF, ICE attributes, rtcp-mux, mid,
// crypto, extmap, ssrc lines.
constexpr const char* kWebRtc =
    "v=0\n"
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1\n"
    "s=-\n"
    "t=0 0\n"
    "a=group:BUNDLE audio\n"
    "a=msid-semantic: WMS stream1\n"
    "m=audio 54400 RTP/SAVPF 111 103 9 0 8 126\n"
    "c=IN IP4 192.0.2.33\n"
    "a=rtcp:9 IN IP4 0.0.0.0\n"
    "a=candidate:842163049 1 udp 1677729535 192.0.2.33 54400 typ srflx raddr 10.0.0.4 "
    "rport 54400 generation 0\n"
    "a=ice-ufrag:F7gI\n"
    "a=ice-pwd:x9cml/YzichV2+XlhiMu8g\n"
    "a=fingerprint:sha-256 "
    "49:66:12:17:0D:1C:91:AE:57:4C:C6:36:DD:D5:97:D2:7D:62:C9:9A:7F:B9:A3:F4:70:03:E7:43:91:"
    "73:23:5E\n"
    "a=setup:actpass\n"
    "a=mid:audio\n"
    "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\n"
    "a=sendrecv\n"
    "a=rtcp-mux\n"
    "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:SlVga3aBjJeirbjDztnk7/oFEBsmMTxHUl1oc36J\n"
    "a=rtpmap:111 opus/48000/2\n"
    "a=rtcp-fb:111 transport-cc\n"
    "a=fmtp:111 minptime=10;useinbandfec=1\n"
    "a=rtpmap:103 ISAC/16000\n"
    "a=rtpmap:9 G722/8000\n"
    "a=rtpmap:0 PCMU/8000\n"
    "a=rtpmap:8 PCMA/8000\n"
    "a=rtpmap:126 telephone-event/8000\n"
    "a=ssrc:3735928559 cname:4TOk42mSjXCkVIa6\n"
    "a=ssrc:3735928559 msid:stream1 track1\n";

// Linphone-style offer over IPv6: session-level rtcp-xr, opus and speex, rtcp-fb wildcards.
constexpr const char* kIpv6 =
    "v=0\n"
    "o=bob 2890844526 2890844526 IN IP6 2001:db8::2\n"
    "s=Talk\n"
    "c=IN IP6 2001:db8::2\n"
    "t=0 0\n"
    "a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics\n"
    "m=audio 7078 RTP/AVP 96 97 98 0 8 101\n"
    "a=rtpmap:96 opus/48000/2\n"
    "a=fmtp:96 useinbandfec=1\n"
    "a=rtpmap:97 speex/16000\n"
    "a=fmtp:97 vbr=on\n"
    "a=rtpmap:98 speex/8000\n"
    "a=fmtp:98 vbr=on\n"
    "a=rtpmap:101 telephone-event/48000\n"
    "a=rtcp-fb:* trr-int 1000\n"
    "a=rtcp-fb:* ccm tmmbr\n";

// A desk phone putting us on hold: same o= id, version + 1, a=sendonly.
constexpr const char* kHoldReinvite =
    "v=0\n"
    "o=- 20518 20519 IN IP4 192.168.1.50\n"
    "s=SDP data\n"
    "c=IN IP4 192.168.1.50\n"
    "t=0 0\n"
    "m=audio 11780 RTP/AVP 9 0 8 18 101\n"
    "a=rtpmap:9 G722/8000\n"
    "a=rtpmap:0 PCMU/8000\n"
    "a=rtpmap:8 PCMA/8000\n"
    "a=rtpmap:18 G729/8000\n"
    "a=fmtp:18 annexb=no\n"
    "a=rtpmap:101 telephone-event/8000\n"
    "a=fmtp:101 0-15\n"
    "a=sendonly\n"
    "a=ptime:20\n";

// Older gateway (Cisco-IOS style): static PTs with no rtpmap at all, a T.38 image section.
constexpr const char* kCiscoGateway =
    "v=0\n"
    "o=CiscoSystemsSIP-GW-UserAgent 7433 3271 IN IP4 192.0.2.77\n"
    "s=SIP Call\n"
    "c=IN IP4 192.0.2.77\n"
    "t=0 0\n"
    "m=audio 16432 RTP/AVP 18 0 101 19\n"
    "c=IN IP4 192.0.2.77\n"
    "a=rtpmap:101 telephone-event/8000\n"
    "a=fmtp:101 0-16\n"
    "a=rtpmap:19 CN/8000\n"
    "a=ptime:20\n"
    "m=image 0 udptl t38\n"
    "c=IN IP4 192.0.2.77\n"
    "a=T38FaxVersion:0\n"
    "a=T38MaxBitRate:14400\n";

SessionDescription parse_ok(const char* text) {
    auto sd = SessionDescription::parse(crlf(text));
    EXPECT_TRUE(sd) << sd.error().message();
    return sd ? *sd : SessionDescription{};
}

CodecSpec codec(std::string name, std::uint32_t rate, unsigned channels = 1,
                std::string fmtp = {}) {
    return CodecSpec{std::move(name), rate, channels, std::move(fmtp), std::nullopt};
}

LocalMedia plain_local() {
    LocalMedia local;
    local.address = "192.0.2.200";
    local.port = 30000;
    local.codecs = {codec("PCMU", 8000), codec("PCMA", 8000),
                    codec("telephone-event", 8000, 1, "0-16")};
    return local;
}

SessionOptions our_session() {
    return SessionOptions{"libvoip", 777, 1, "libvoip"};
}

TEST(RealWorld, EverySampleRoundTripsByteForByte) {
    for (const char* text :
         {kAsterisk, kFreeSwitch, kIms, kWebRtc, kIpv6, kHoldReinvite, kCiscoGateway}) {
        auto sd = SessionDescription::parse(crlf(text));
        ASSERT_TRUE(sd) << sd.error().message() << "\n" << text;
        EXPECT_EQ(sd->to_string(), crlf(text));
        // LF-only input gives the same value.
        auto lf = SessionDescription::parse(text);
        ASSERT_TRUE(lf);
        EXPECT_EQ(*lf, *sd);
    }
}

TEST(RealWorld, Asterisk) {
    auto sd = parse_ok(kAsterisk);
    EXPECT_EQ(sd.origin.session_version, 1731987656U);
    const auto& m = sd.media.at(0);
    auto formats = m.payload_formats();
    ASSERT_EQ(formats.size(), 4U);
    EXPECT_EQ(formats[0].name, "PCMA");
    EXPECT_EQ(formats[3].fmtp, "0-16");
    EXPECT_EQ(m.ptime(), 20U);
    EXPECT_EQ(m.maxptime(), 150U);

    auto answer = create_answer(sd, plain_local(), our_session());
    ASSERT_TRUE(answer) << answer.error().message();
    // Our preference (PCMU) wins over the offerer's (PCMA).
    EXPECT_EQ(answer->negotiated.codec.name, "PCMU");
    EXPECT_EQ(answer->negotiated.codec.payload_type, 0);
    ASSERT_TRUE(answer->negotiated.telephone_event);
    EXPECT_EQ(answer->negotiated.telephone_event->payload_type, 101);
    EXPECT_EQ(answer->negotiated.remote_address, "203.0.113.10");
    EXPECT_EQ(answer->negotiated.remote_port, 12040);
    EXPECT_EQ(answer->negotiated.remote_rtcp_port, 12041);
    EXPECT_EQ(answer->negotiated.remote_ptime, 20U);
}

TEST(RealWorld, FreeSwitchWithSdes) {
    auto sd = parse_ok(kFreeSwitch);
    const auto& m = sd.media.at(0);
    EXPECT_TRUE(m.is_secure_rtp());
    ASSERT_EQ(m.cryptos().size(), 2U);
    EXPECT_TRUE(m.cryptos()[0].usable());
    EXPECT_EQ(m.rtcp()->port, 24581);
    EXPECT_EQ(m.payload_format(102)->channels, 2U);

    LocalMedia local = plain_local();
    local.codecs.insert(local.codecs.begin(), codec("opus", 48000, 2));
    local.codecs.push_back(codec("telephone-event", 48000, 1, "0-16"));
    local.crypto_policy = CryptoPolicy::required;
    local.crypto = {Crypto::generate(1, "AES_CM_128_HMAC_SHA1_32").value()};
    auto answer = create_answer(sd, local, our_session());
    ASSERT_TRUE(answer) << answer.error().message();
    const auto& n = answer->negotiated;
    EXPECT_EQ(n.codec.name, "opus");
    EXPECT_EQ(n.codec.payload_type, 102);
    // DTMF at opus's clock rate, not the 8000 one.
    ASSERT_TRUE(n.telephone_event);
    EXPECT_EQ(n.telephone_event->payload_type, 100);
    ASSERT_TRUE(n.srtp);
    EXPECT_EQ(n.srtp->suite, "AES_CM_128_HMAC_SHA1_32");
    EXPECT_EQ(n.srtp->remote.tag, 2U);
    EXPECT_EQ(n.srtp->local.tag, 2U);
    EXPECT_EQ(n.remote_rtcp_port, 24581);
    EXPECT_EQ(n.remote_rtcp_address, "198.51.100.20");
    const auto& am = answer->description.media.at(0);
    EXPECT_EQ(am.protocol, "RTP/SAVP");
    EXPECT_EQ(am.formats, (std::vector<std::string>{"102", "100"}));
}

TEST(RealWorld, ImsCarrierOffer) {
    auto sd = parse_ok(kIms);
    ASSERT_EQ(sd.bandwidths.size(), 1U);
    EXPECT_EQ(sd.bandwidths[0].type, "AS");
    EXPECT_EQ(sd.bandwidths[0].value, 49U);
    const auto& m = sd.media.at(0);
    ASSERT_EQ(m.bandwidths.size(), 3U);
    EXPECT_EQ(m.bandwidths[2].type, "RR");
    EXPECT_EQ(m.bandwidths[2].value, 2500U);
    EXPECT_EQ(m.payload_formats().size(), 6U);
    EXPECT_EQ(m.maxptime(), 240U);
    EXPECT_EQ(sd.connection->addr_type, "IP6");

    // An answerer that only speaks octet-aligned AMR-WB: 107, not 116, and DTMF at 16000.
    LocalMedia local;
    local.address = "2001:db8:99::1";
    local.port = 40000;
    local.codecs = {codec("AMR-WB", 16000, 1, "octet-align=1"), codec("AMR", 8000),
                    codec("telephone-event", 16000, 1, "0-15"),
                    codec("telephone-event", 8000, 1, "0-15")};
    auto answer = create_answer(sd, local, our_session());
    ASSERT_TRUE(answer) << answer.error().message();
    EXPECT_EQ(answer->negotiated.codec.payload_type, 107);
    ASSERT_TRUE(answer->negotiated.telephone_event);
    EXPECT_EQ(answer->negotiated.telephone_event->payload_type, 111);
    EXPECT_EQ(answer->negotiated.telephone_event->clock_rate, 16000U);
    EXPECT_EQ(answer->description.origin.addr_type, "IP6");
    EXPECT_EQ(answer->description.connection->address, "2001:db8:99::1");
    // Bandwidth-efficient AMR-WB (octet-align absent = 0) takes 116 instead.
    local.codecs = {codec("AMR-WB", 16000, 1, "mode-change-capability=2"),
                    codec("telephone-event", 16000, 1, "0-15")};
    auto efficient = create_answer(sd, local, our_session());
    ASSERT_TRUE(efficient);
    EXPECT_EQ(efficient->negotiated.codec.payload_type, 116);
    EXPECT_EQ(efficient->negotiated.telephone_event->payload_type, 111);
    // Narrowband octet-aligned AMR only: 118, with the 8000 Hz events (110).
    local.codecs = {codec("AMR", 8000, 1, "octet-align=1"),
                    codec("telephone-event", 8000, 1, "0-15")};
    auto amr = create_answer(sd, local, our_session());
    ASSERT_TRUE(amr);
    EXPECT_EQ(amr->negotiated.codec.payload_type, 118);
    EXPECT_EQ(amr->negotiated.telephone_event->payload_type, 110);
    EXPECT_EQ(amr->description.media.at(0).formats, (std::vector<std::string>{"118", "110"}));
}

TEST(RealWorld, WebRtcStyleWithRtcpMuxAndCrypto) {
    auto sd = parse_ok(kWebRtc);
    EXPECT_FALSE(sd.connection);
    ASSERT_NE(sd.find_attribute("group"), nullptr);
    EXPECT_EQ(sd.find_attribute("group")->value, "BUNDLE audio");
    const auto& m = sd.media.at(0);
    EXPECT_EQ(m.protocol, "RTP/SAVPF");
    EXPECT_TRUE(m.rtcp_mux());
    EXPECT_EQ(m.mid(), "audio");
    EXPECT_EQ(m.rtcp()->address, "0.0.0.0");
    EXPECT_EQ(m.payload_format(103)->clock_rate, 16000U);

    LocalMedia local = plain_local();
    local.codecs.insert(local.codecs.begin(), codec("opus", 48000, 2));
    local.rtcp_mux = true;
    local.crypto_policy = CryptoPolicy::preferred;
    local.crypto = {Crypto::generate(1, "AES_CM_128_HMAC_SHA1_80").value()};
    auto answer = create_answer(sd, local, our_session());
    ASSERT_TRUE(answer) << answer.error().message();
    const auto& n = answer->negotiated;
    EXPECT_EQ(n.codec.payload_type, 111);
    EXPECT_FALSE(n.telephone_event);  // events offered at 8000 only, opus runs at 48000
    EXPECT_TRUE(n.rtcp_mux);
    EXPECT_EQ(n.remote_rtcp_port, 54400);
    EXPECT_EQ(n.remote_address, "192.0.2.33");
    ASSERT_TRUE(n.srtp);
    const auto& am = answer->description.media.at(0);
    EXPECT_TRUE(am.rtcp_mux());
    EXPECT_EQ(am.mid(), "audio");
    EXPECT_EQ(am.protocol, "RTP/SAVPF");
}

TEST(RealWorld, Ipv6Offer) {
    auto sd = parse_ok(kIpv6);
    EXPECT_EQ(sd.origin.addr_type, "IP6");
    EXPECT_EQ(sd.connection->address, "2001:db8::2");
    ASSERT_NE(sd.find_attribute("rtcp-xr"), nullptr);
    const auto& m = sd.media.at(0);
    EXPECT_EQ(m.payload_format(97)->name, "speex");
    EXPECT_EQ(m.attributes.back(), (Attribute{"rtcp-fb", "* ccm tmmbr"}));

    LocalMedia local = plain_local();
    local.address = "2001:db8::99";
    auto answer = create_answer(sd, local, our_session());
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->negotiated.codec.name, "PCMU");
    EXPECT_EQ(answer->negotiated.remote_address, "2001:db8::2");
    EXPECT_FALSE(answer->negotiated.telephone_event);  // only telephone-event/48000 offered
    auto text = answer->description.to_string();
    EXPECT_NE(text.find("c=IN IP6 2001:db8::99\r\n"), std::string::npos);
}

TEST(RealWorld, HoldReinvite) {
    auto sd = parse_ok(kHoldReinvite);
    EXPECT_EQ(sd.origin.session_id, 20518U);
    EXPECT_EQ(sd.origin.session_version, 20519U);
    EXPECT_EQ(sd.direction_of(sd.media.at(0)), Direction::sendonly);
    auto answer = create_answer(sd, plain_local(), our_session());
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->description.media.at(0).direction(), Direction::recvonly);
    EXPECT_EQ(answer->negotiated.direction, Direction::recvonly);
}

TEST(RealWorld, CiscoGatewayStaticTypesAndImage) {
    auto sd = parse_ok(kCiscoGateway);
    const auto& m = sd.media.at(0);
    auto g729 = m.payload_format(18);
    ASSERT_TRUE(g729);
    EXPECT_EQ(g729->name, "G729");
    EXPECT_EQ(m.payload_format(0)->name, "PCMU");
    EXPECT_EQ(sd.media.at(1).formats, std::vector<std::string>{"t38"});
    auto answer = create_answer(sd, plain_local(), our_session());
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->negotiated.codec.payload_type, 0);
    ASSERT_EQ(answer->description.media.size(), 2U);
    EXPECT_EQ(answer->description.media[1].port, 0);
    EXPECT_EQ(answer->description.media[1].formats, std::vector<std::string>{"t38"});
    // The answer is itself a valid description.
    EXPECT_TRUE(SessionDescription::parse(answer->description.to_string()));
}

}  // namespace
