// SessionDescription::parse: structure, errors with line numbers, limits.
#include <voip/sdp/session_description.hpp>

#include <gtest/gtest.h>

#include <string>

#include "sdp/sdp_text.hpp"

namespace {

using namespace voip::sdp;
using voip::sdp::test::crlf;

constexpr const char* kMinimal =
    "v=0\n"
    "o=- 1 1 IN IP4 192.0.2.1\n"
    "s=-\n"
    "c=IN IP4 192.0.2.1\n"
    "t=0 0\n"
    "m=audio 4000 RTP/AVP 0\n";

struct Failure {
    Errc code;
    std::size_t line;
    char type;
};

Failure parse_failure(const std::string& text, const ParseLimits& limits = {}) {
    ParseError error;
    auto r = SessionDescription::parse(text, limits, &error);
    EXPECT_FALSE(r) << text;
    if (r) return {};
    EXPECT_EQ(r.error().category(), error_category());
    EXPECT_FALSE(error.detail.empty());
    return {static_cast<Errc>(r.error().value()), error.line, error.type};
}

TEST(SdpParse, MinimalCrlf) {
    auto sd = SessionDescription::parse(crlf(kMinimal));
    ASSERT_TRUE(sd) << sd.error().message();
    EXPECT_EQ(sd->version, 0);
    EXPECT_EQ(sd->origin.username, "-");
    EXPECT_EQ(sd->origin.session_id, 1U);
    EXPECT_EQ(sd->origin.address, "192.0.2.1");
    EXPECT_EQ(sd->session_name, "-");
    ASSERT_TRUE(sd->connection);
    EXPECT_EQ(sd->connection->address, "192.0.2.1");
    ASSERT_EQ(sd->timings.size(), 1U);
    ASSERT_EQ(sd->media.size(), 1U);
    EXPECT_EQ(sd->media[0].port, 4000);
    EXPECT_EQ(sd->media[0].formats, std::vector<std::string>{"0"});
}

TEST(SdpParse, LfOnlyInputWritesCrlf) {
    auto sd = SessionDescription::parse(kMinimal);
    ASSERT_TRUE(sd);
    EXPECT_EQ(sd->to_string(), crlf(kMinimal));
}

TEST(SdpParse, LastLineWithoutNewlineAndTrailingBlankLines) {
    std::string text = crlf(kMinimal);
    text.resize(text.size() - 2);
    EXPECT_TRUE(SessionDescription::parse(text));
    EXPECT_TRUE(SessionDescription::parse(crlf(kMinimal) + "\r\n\r\n"));
}

TEST(SdpParse, EmptyInput) {
    EXPECT_EQ(parse_failure("").code, Errc::empty_input);
    EXPECT_EQ(parse_failure("\r\n\r\n").code, Errc::empty_input);
}

TEST(SdpParse, BlankLineInTheMiddle) {
    auto f = parse_failure("v=0\r\n\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n");
    EXPECT_EQ(f.code, Errc::bad_line);
    EXPECT_EQ(f.line, 2U);
}

TEST(SdpParse, SpacesAroundEqualsAreRefused) {
    auto a = parse_failure("v=0\no = - 1 1 IN IP4 1.2.3.4\ns=-\nt=0 0\n");
    EXPECT_EQ(a.code, Errc::bad_line);
    EXPECT_EQ(a.line, 2U);
    auto b = parse_failure("v=0\no= - 1 1 IN IP4 1.2.3.4\ns=-\nt=0 0\n");
    EXPECT_EQ(b.code, Errc::bad_line);
    EXPECT_EQ(b.type, 'o');
    // RFC 8866 §5.3: a single space is the way to write an empty session name.
    EXPECT_TRUE(SessionDescription::parse("v=0\no=- 1 1 IN IP4 1.2.3.4\ns= \nt=0 0\n"));
}

TEST(SdpParse, UpperCaseOrLongTypeIsNotALine) {
    EXPECT_EQ(parse_failure("V=0\n").code, Errc::bad_line);
    EXPECT_EQ(parse_failure("v=0\nof=x\n").code, Errc::bad_line);
    EXPECT_EQ(parse_failure("v=0\nx\n").code, Errc::bad_line);
}

TEST(SdpParse, ForbiddenCharacters) {
    std::string with_nul = std::string("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=a") + '\0' + "b\nt=0 0\n";
    auto f = parse_failure(with_nul);
    EXPECT_EQ(f.code, Errc::bad_character);
    EXPECT_EQ(f.line, 3U);
    EXPECT_EQ(parse_failure("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=a\rb\nt=0 0\n").code,
              Errc::bad_character);
}

TEST(SdpParse, UnknownLineType) {
    auto f = parse_failure("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nt=0 0\ny=what\n");
    EXPECT_EQ(f.code, Errc::unknown_line_type);
    EXPECT_EQ(f.line, 5U);
    EXPECT_EQ(f.type, 'y');
}

TEST(SdpParse, RequiredLines) {
    EXPECT_EQ(parse_failure("o=- 1 1 IN IP4 1.2.3.4\n").code, Errc::missing_version);
    EXPECT_EQ(parse_failure("v=0\ns=-\nt=0 0\n").code, Errc::missing_origin);
    EXPECT_EQ(parse_failure("v=0\no=- 1 1 IN IP4 1.2.3.4\nt=0 0\n").code,
              Errc::missing_session_name);
    auto t = parse_failure("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\na=sendrecv\n");
    EXPECT_EQ(t.code, Errc::missing_timing);
    EXPECT_EQ(t.line, 4U);
    EXPECT_EQ(parse_failure("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\n").code, Errc::missing_timing);
    EXPECT_EQ(parse_failure("v=0\no=- 1 1 IN IP4 1.2.3.4\n").code, Errc::missing_session_name);
    EXPECT_EQ(parse_failure("v=0\n").code, Errc::missing_origin);
    EXPECT_EQ(parse_failure("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nm=audio 1 RTP/AVP 0\n").code,
              Errc::missing_timing);
    EXPECT_EQ(parse_failure("v=1\n").code, Errc::bad_version);
}

TEST(SdpParse, OrderFollowsRfc8866) {
    // c= after t= at session level.
    auto a = parse_failure("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nt=0 0\nc=IN IP4 1.2.3.4\n");
    EXPECT_EQ(a.code, Errc::out_of_order);
    EXPECT_EQ(a.line, 5U);
    EXPECT_EQ(a.type, 'c');
    // a= before b= in a media section.
    auto b = parse_failure(std::string(kMinimal) + "a=sendrecv\nb=AS:64\n");
    EXPECT_EQ(b.code, Errc::out_of_order);
    EXPECT_EQ(b.line, 8U);
    // A session-only line inside a media section.
    EXPECT_EQ(parse_failure(std::string(kMinimal) + "t=0 0\n").code, Errc::out_of_order);
    EXPECT_EQ(parse_failure(std::string(kMinimal) + "v=0\n").code, Errc::out_of_order);
}

TEST(SdpParse, DuplicatesOfSingleLines) {
    EXPECT_EQ(parse_failure("v=0\nv=0\n").code, Errc::duplicate_line);
    EXPECT_EQ(parse_failure("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\ns=-\nt=0 0\n").code,
              Errc::duplicate_line);
    auto m = parse_failure(std::string(kMinimal) + "i=one\ni=two\n");
    EXPECT_EQ(m.code, Errc::duplicate_line);
    EXPECT_EQ(m.line, 8U);
}

TEST(SdpParse, SeveralTimeDescriptionsWithRepeatsAndZone) {
    const char* text =
        "v=0\n"
        "o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1\n"
        "s=Call to John Smith\n"
        "i=SDP Offer #1\n"
        "u=http://www.jdoe.example.com/home.html\n"
        "e=Jane Doe <jane@jdoe.example.com>\n"
        "p=+1 617 555-6011\n"
        "c=IN IP4 198.51.100.1\n"
        "b=CT:128\n"
        "t=3724394400 3724398000\n"
        "r=604800 3600 0 90000\n"
        "z=3730922900 -1h 3749670000 0\n"
        "t=3724484400 3724488000\n"
        "k=prompt\n"
        "a=recvonly\n"
        "m=audio 49170 RTP/AVP 0\n"
        "m=video 51372 RTP/AVP 99\n"
        "c=IN IP6 2001:db8::2\n"
        "a=rtpmap:99 h263-1998/90000\n";
    auto sd = SessionDescription::parse(text);
    ASSERT_TRUE(sd) << sd.error().message();
    ASSERT_EQ(sd->timings.size(), 2U);
    EXPECT_EQ(sd->timings[0].repeats, std::vector<std::string>{"604800 3600 0 90000"});
    EXPECT_EQ(sd->timings[0].zone, "3730922900 -1h 3749670000 0");
    EXPECT_EQ(sd->timings[1].start, 3724484400U);
    EXPECT_EQ(sd->information, "SDP Offer #1");
    EXPECT_EQ(sd->uri, "http://www.jdoe.example.com/home.html");
    EXPECT_EQ(sd->emails.size(), 1U);
    EXPECT_EQ(sd->phones.size(), 1U);
    EXPECT_EQ(sd->key, "prompt");
    EXPECT_EQ(sd->bandwidths[0].type, "CT");
    EXPECT_EQ(sd->direction_of(sd->media[0]), Direction::recvonly);
    EXPECT_EQ(sd->connection_for(sd->media[1])->addr_type, "IP6");
    EXPECT_EQ(sd->to_string(), crlf(text));
}

TEST(SdpParse, MalformedFields) {
    const std::string head = "v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\n";
    EXPECT_EQ(parse_failure("v=0\no=- x 1 IN IP4 1.2.3.4\n").code, Errc::bad_origin);
    EXPECT_EQ(parse_failure("v=0\no=- 1 1 IN IP4\n").code, Errc::bad_origin);
    EXPECT_EQ(parse_failure("v=0\no=- 1  1 IN IP4 1.2.3.4\n").code, Errc::bad_origin);
    EXPECT_EQ(parse_failure("v=0\no=- 99999999999999999999999 1 IN IP4 h\n").code,
              Errc::bad_origin);
    EXPECT_EQ(parse_failure(head + "c=IN IP4\n").code, Errc::bad_connection);
    EXPECT_EQ(parse_failure(head + "c=IN IP4 224.2.1.1/x\n").code, Errc::bad_connection);
    EXPECT_EQ(parse_failure(head + "c=IN IP6 ff15::1/3/2\n").code, Errc::bad_connection);
    EXPECT_EQ(parse_failure(head + "b=AS\n").code, Errc::bad_bandwidth);
    EXPECT_EQ(parse_failure(head + "b=AS:lots\n").code, Errc::bad_bandwidth);
    EXPECT_EQ(parse_failure(head + "t=0\n").code, Errc::bad_timing);
    EXPECT_EQ(parse_failure(head + "t=0 0\nr=\n").code, Errc::bad_timing);
    const std::string t = head + "c=IN IP4 1.2.3.4\nt=0 0\n";
    EXPECT_EQ(parse_failure(t + "m=audio 4000 RTP/AVP\n").code, Errc::bad_media);
    EXPECT_EQ(parse_failure(t + "m=audio 70000 RTP/AVP 0\n").code, Errc::bad_media);
    EXPECT_EQ(parse_failure(t + "m=audio 4000/0 RTP/AVP 0\n").code, Errc::bad_media);
    EXPECT_EQ(parse_failure(t + "m=audio 4000 RTP/AVP 0 128\n").code, Errc::bad_media);
    EXPECT_EQ(parse_failure(t + "m=audio 4000 RTP/AVP x\n").code, Errc::bad_media);
    EXPECT_EQ(parse_failure(t + "m=audio  4000 RTP/AVP 0\n").code, Errc::bad_media);
    // Non-RTP transports carry non-numeric formats.
    EXPECT_TRUE(SessionDescription::parse(t + "m=image 4002 udptl t38\n"));
}

TEST(SdpParse, MulticastConnection) {
    auto sd = SessionDescription::parse(
        "v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nc=IN IP4 233.252.0.1/127/3\nt=0 0\n"
        "m=audio 4000 RTP/AVP 0\nc=IN IP6 ff15::101/3\n");
    ASSERT_TRUE(sd);
    EXPECT_EQ(sd->connection->ttl, 127U);
    EXPECT_EQ(sd->connection->count, 3U);
    EXPECT_FALSE(sd->media[0].connections[0].ttl);
    EXPECT_EQ(sd->media[0].connections[0].count, 3U);
    EXPECT_EQ(sd->media[0].connections[0].to_string(), "IN IP6 ff15::101/3");
}

TEST(SdpParse, MediaWithoutAnyConnection) {
    auto f = parse_failure(
        "v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nt=0 0\nm=audio 4000 RTP/AVP 0\nc=IN IP4 1.2.3.4\n"
        "m=audio 4002 RTP/AVP 0\n");
    EXPECT_EQ(f.code, Errc::missing_connection);
    EXPECT_EQ(f.line, 7U);
    EXPECT_EQ(f.type, 'm');
}

TEST(SdpParse, KnownAttributesAreChecked) {
    const std::string base = kMinimal;
    struct Case {
        const char* line;
        Errc code;
    };
    const Case cases[] = {{"a=rtpmap:0 PCMU\n", Errc::bad_rtpmap},
                          {"a=rtpmap\n", Errc::bad_rtpmap},
                          {"a=fmtp:101\n", Errc::bad_fmtp},
                          {"a=ptime:twenty\n", Errc::bad_ptime},
                          {"a=maxptime:\n", Errc::bad_ptime},
                          {"a=rtcp:port\n", Errc::bad_rtcp},
                          {"a=crypto:1 AES_CM_128_HMAC_SHA1_80\n", Errc::bad_crypto},
                          {"a=sendonly:yes\n", Errc::bad_direction},
                          {"a=mid:\n", Errc::bad_mid},
                          {"a=\n", Errc::bad_attribute},
                          {"a=:x\n", Errc::bad_attribute},
                          {"a=bad name\n", Errc::bad_attribute}};
    for (const auto& c : cases) {
        auto f = parse_failure(base + c.line);
        EXPECT_EQ(f.code, c.code) << c.line;
        EXPECT_EQ(f.line, 7U) << c.line;
        EXPECT_EQ(f.type, 'a');
    }
    // Session-level direction attributes are checked too.
    EXPECT_EQ(parse_failure("v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nt=0 0\na=inactive:1\n").code,
              Errc::bad_direction);
}

TEST(SdpParse, UnknownAttributesAreKeptInOrder) {
    const std::string text = std::string(kMinimal) +
                             "a=x-foo:bar baz\n"
                             "a=sendrecv\n"
                             "a=x-flag\n"
                             "a=x-empty:\n"
                             "a=rtcp-fb:* nack\n";
    auto sd = SessionDescription::parse(text);
    ASSERT_TRUE(sd);
    const auto& a = sd->media[0].attributes;
    ASSERT_EQ(a.size(), 5U);
    EXPECT_EQ(a[0], (Attribute{"x-foo", "bar baz"}));
    EXPECT_EQ(a[2], (Attribute{"x-flag", std::nullopt}));
    EXPECT_EQ(a[3], (Attribute{"x-empty", ""}));
    EXPECT_EQ(sd->to_string(), crlf(text));
}

TEST(SdpParse, LimitsAreEnforced) {
    ParseLimits limits;
    limits.max_media = 2;
    std::string text = kMinimal;
    text += "m=audio 4002 RTP/AVP 0\n";
    EXPECT_TRUE(SessionDescription::parse(text, limits));
    auto f = parse_failure(text + "m=audio 4004 RTP/AVP 0\n", limits);
    EXPECT_EQ(f.code, Errc::too_many_media);
    EXPECT_EQ(f.line, 8U);

    limits = {};
    limits.max_lines = 6;
    EXPECT_TRUE(SessionDescription::parse(kMinimal, limits));
    EXPECT_EQ(parse_failure(std::string(kMinimal) + "a=sendrecv\n", limits).code,
              Errc::too_many_lines);

    limits = {};
    limits.max_bytes = 20;
    EXPECT_EQ(parse_failure(kMinimal, limits).code, Errc::too_large);
}

TEST(SdpParse, DefaultLimitStopsAHugeAttributeFlood) {
    std::string text = kMinimal;
    for (int i = 0; i < 5000; ++i)
        text += "a=x\n";
    EXPECT_EQ(parse_failure(text).code, Errc::too_many_lines);
}

}  // namespace
