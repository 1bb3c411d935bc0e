// The SessionDescription / Media model: typed views over attributes and the writer.
#include <voip/sdp/session_description.hpp>

#include <gtest/gtest.h>

#include "sdp/sdp_text.hpp"

namespace {

using namespace voip::sdp;
using voip::sdp::test::crlf;

Media media_from(const std::string& lines) {
    auto sd = SessionDescription::parse(
        "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\n"
        "t=0 0\n" +
        lines);
    EXPECT_TRUE(sd) << sd.error().message();
    return sd ? sd->media.at(0) : Media{};
}

TEST(Media, PayloadFormatsFromRtpmapFmtpAndStaticTable) {
    auto m = media_from(
        "m=audio 4000 RTP/AVP 96 0 18 101 35\n"
        "a=rtpmap:96 opus/48000/2\n"
        "a=fmtp:96 useinbandfec=1\n"
        "a=fmtp:18 annexb=no\n"
        "a=rtpmap:101 telephone-event/8000\n"
        "a=fmtp:101 0-16\n");
    auto formats = m.payload_formats();
    // 35 is unassigned and has no rtpmap: it does not resolve.
    ASSERT_EQ(formats.size(), 4U);
    EXPECT_EQ(formats[0], (PayloadFormat{96, "opus", 48000, 2, "useinbandfec=1"}));
    EXPECT_EQ(formats[1], (PayloadFormat{0, "PCMU", 8000, 1, ""}));
    EXPECT_EQ(formats[2], (PayloadFormat{18, "G729", 8000, 1, "annexb=no"}));
    EXPECT_EQ(formats[3], (PayloadFormat{101, "telephone-event", 8000, 1, "0-16"}));
    EXPECT_FALSE(m.payload_format(35));
    EXPECT_FALSE(m.payload_format(8));  // not listed in m=
}

TEST(Media, RtpmapOverridesStaticMeaning) {
    // Some gateways remap a static number; the explicit rtpmap wins.
    auto m = media_from("m=audio 4000 RTP/AVP 3\na=rtpmap:3 PCMU/8000\n");
    EXPECT_EQ(m.payload_format(3)->name, "PCMU");
}

TEST(Media, TypedAttributes) {
    const std::string key = "AAsWISw3Qk1YY255hI+apbC7xtHc5/L9CBMeKTQ/";
    auto m = media_from(
        "m=audio 4000 RTP/SAVPF 0\n"
        "a=ptime:20\n"
        "a=maxptime:60\n"
        "a=rtcp:4001 IN IP4 192.0.2.9\n"
        "a=rtcp-mux\n"
        "a=mid:audio\n"
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" +
        key +
        "\n"
        "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" +
        key +
        "\n"
        "a=inactive\n");
    EXPECT_EQ(m.ptime(), 20U);
    EXPECT_EQ(m.maxptime(), 60U);
    ASSERT_TRUE(m.rtcp());
    EXPECT_EQ(m.rtcp()->port, 4001);
    EXPECT_EQ(m.rtcp()->address, "192.0.2.9");
    EXPECT_TRUE(m.rtcp_mux());
    EXPECT_EQ(m.mid(), "audio");
    ASSERT_EQ(m.cryptos().size(), 2U);
    EXPECT_EQ(m.cryptos()[1].tag, 2U);
    EXPECT_EQ(m.direction(), Direction::inactive);
    EXPECT_TRUE(m.is_secure_rtp());
}

TEST(Media, AbsentAttributes) {
    auto m = media_from("m=audio 4000 RTP/AVP 0\n");
    EXPECT_FALSE(m.ptime());
    EXPECT_FALSE(m.maxptime());
    EXPECT_FALSE(m.rtcp());
    EXPECT_FALSE(m.rtcp_mux());
    EXPECT_FALSE(m.mid());
    EXPECT_TRUE(m.cryptos().empty());
    EXPECT_FALSE(m.direction());
    EXPECT_FALSE(m.is_secure_rtp());
}

TEST(Media, EditingAttributes) {
    Media m;
    m.add_attribute("x-a", "1");
    m.add_attribute("sendonly");
    m.add_attribute("x-a", "2");
    m.set_direction(Direction::recvonly);
    EXPECT_EQ(m.direction(), Direction::recvonly);
    EXPECT_EQ(m.attributes.size(), 3U);
    EXPECT_EQ(m.find_attribute("x-a")->value, "1");
    EXPECT_EQ(m.remove_attributes("x-a"), 2U);
    EXPECT_FALSE(m.has_attribute("x-a"));
    EXPECT_EQ(m.remove_attributes("x-a"), 0U);
}

TEST(SessionDescription, DirectionFallsBackToSessionThenSendrecv) {
    auto sd = SessionDescription::parse(
        "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\na=sendonly\n"
        "m=audio 4000 RTP/AVP 0\nm=audio 4002 RTP/AVP 0\na=recvonly\n");
    ASSERT_TRUE(sd);
    EXPECT_EQ(sd->direction_of(sd->media[0]), Direction::sendonly);
    EXPECT_EQ(sd->direction_of(sd->media[1]), Direction::recvonly);
    ASSERT_NE(sd->find_attribute("sendonly"), nullptr);
    EXPECT_EQ(sd->find_attribute("recvonly"), nullptr);
    sd->attributes.clear();
    EXPECT_EQ(sd->direction_of(sd->media[0]), Direction::sendrecv);
}

TEST(SessionDescription, ConnectionForPrefersMediaLevel) {
    auto sd = SessionDescription::parse(
        "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
        "m=audio 4000 RTP/AVP 0\nc=IN IP4 0.0.0.0\nm=audio 4002 RTP/AVP 0\n");
    ASSERT_TRUE(sd);
    EXPECT_EQ(sd->connection_for(sd->media[0])->address, "0.0.0.0");
    EXPECT_TRUE(sd->connection_for(sd->media[0])->is_null());
    EXPECT_EQ(sd->connection_for(sd->media[1])->address, "192.0.2.1");
    sd->connection.reset();
    EXPECT_EQ(sd->connection_for(sd->media[1]), nullptr);
}

TEST(SessionDescription, WritesABuiltDescription) {
    SessionDescription sd;
    sd.origin = Origin{"alice", 42, 7, "IN", "IP6", "2001:db8::1"};
    sd.session_name = "call";
    sd.connection = Connection{"IN", "IP6", "2001:db8::1", std::nullopt, std::nullopt};
    sd.bandwidths.push_back({"AS", 80});
    Media m;
    m.port = 5004;
    m.formats = {"0", "101"};
    m.bandwidths.push_back({"TIAS", 64000});
    m.add_attribute("rtpmap", "101 telephone-event/8000");
    m.add_attribute("sendrecv");
    sd.media.push_back(m);
    const std::string expected = crlf(
        "v=0\n"
        "o=alice 42 7 IN IP6 2001:db8::1\n"
        "s=call\n"
        "c=IN IP6 2001:db8::1\n"
        "b=AS:80\n"
        "t=0 0\n"
        "m=audio 5004 RTP/AVP 0 101\n"
        "b=TIAS:64000\n"
        "a=rtpmap:101 telephone-event/8000\n"
        "a=sendrecv\n");
    EXPECT_EQ(sd.to_string(), expected);
    auto back = SessionDescription::parse(expected);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, sd);
}

TEST(SessionDescription, PortCountRoundTrips) {
    const char* text =
        "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
        "m=video 49170/2 RTP/AVP 31\r\ni=layered\r\nk=prompt\r\n";
    auto sd = SessionDescription::parse(text);
    ASSERT_TRUE(sd);
    EXPECT_EQ(sd->media[0].port_count, 2U);
    EXPECT_EQ(sd->media[0].information, "layered");
    EXPECT_EQ(sd->media[0].key, "prompt");
    EXPECT_EQ(sd->to_string(), text);
}

}  // namespace
