// UAS checks (RFC 3261 §8.2) as pure functions: each rule, its order, and the stateless
// answer to bytes that did not parse.

#include <voip/sip/error.hpp>
#include <voip/sip/uas_policy.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

namespace voip::sip {
namespace {

using ::testing::HasSubstr;

Request make(std::string_view method, std::string_view uri = "sip:bob@192.0.2.1") {
    std::string text = std::string(method) + " " + std::string(uri) + " SIP/2.0\r\n";
    text += "Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bK776asdhds\r\n";
    text += "Max-Forwards: 70\r\n";
    text += "To: <sip:bob@example.com>\r\n";
    text += "From: <sip:alice@example.com>;tag=1928301774\r\n";
    text += "Call-ID: a84b4c76e66710@pc33\r\n";
    text += "CSeq: 314159 " + std::string(method) + "\r\n";
    text += "Content-Length: 0\r\n\r\n";
    return Request::parse(text).value();
}

const HeaderLine* find(const UasVerdict& v, std::string_view name) {
    for (const auto& h : v.headers) {
        if (h.first == name) return &h;
    }
    return nullptr;
}

TEST(UasPolicy, OptionsPasses) {
    EXPECT_TRUE(check_request(make("OPTIONS"), UasCapabilities{}).passed());
}

TEST(UasPolicy, UnknownMethodIs501WithAllow) {
    auto v = check_request(make("FOOBAR"), UasCapabilities{});
    EXPECT_EQ(v.status, 501);
    ASSERT_NE(find(v, "Allow"), nullptr);
    EXPECT_EQ(find(v, "Allow")->second, "INVITE, ACK, CANCEL, BYE, OPTIONS");
}

TEST(UasPolicy, KnownButNotAllowedMethodIs405WithAllow) {
    auto v = check_request(make("SUBSCRIBE"), UasCapabilities{});
    EXPECT_EQ(v.status, 405);
    ASSERT_NE(find(v, "Allow"), nullptr);
    EXPECT_THAT(find(v, "Allow")->second, HasSubstr("OPTIONS"));
}

TEST(UasPolicy, AllowedExtensionMethodPasses) {
    UasCapabilities caps;
    caps.allowed_methods.emplace_back("MESSAGE");
    EXPECT_TRUE(check_request(make("MESSAGE"), caps).passed());
}

TEST(UasPolicy, UnknownSchemeIs416) {
    EXPECT_EQ(check_request(make("OPTIONS", "nobodyKnowsThisScheme:opaque"), {}).status, 416);
    EXPECT_EQ(check_request(make("OPTIONS", "tel:+15551234567"), {}).status, 416);
    UasCapabilities caps;
    caps.uri_schemes.emplace_back("tel");
    EXPECT_TRUE(check_request(make("OPTIONS", "tel:+15551234567"), caps).passed());
}

TEST(UasPolicy, MethodCheckComesBeforeScheme) {
    EXPECT_EQ(check_request(make("FOOBAR", "nobody:x"), {}).status, 501);
}

TEST(UasPolicy, UnsupportedRequireIs420ListingTheTags) {
    Request r = make("OPTIONS");
    r.add_header(HeaderId::require, "nothingSupportsThis, nothingSupportsThisEither");
    r.add_header(HeaderId::require, "outbound");
    auto v = check_request(r, {});
    EXPECT_EQ(v.status, 420);
    ASSERT_NE(find(v, "Unsupported"), nullptr);
    EXPECT_EQ(find(v, "Unsupported")->second, "nothingSupportsThis, nothingSupportsThisEither");
}

TEST(UasPolicy, SupportedRequirePasses) {
    Request r = make("OPTIONS");
    r.add_header(HeaderId::require, "OUTBOUND");  // option tags compare case-insensitively
    EXPECT_TRUE(check_request(r, {}).passed());
}

TEST(UasPolicy, ProxyRequireAloneIsIgnoredByAUas) {
    Request r = make("OPTIONS");
    r.add_header(HeaderId::proxy_require, "noProxiesSupportThis");
    EXPECT_TRUE(check_request(r, {}).passed());
}

TEST(UasPolicy, RequireIsNotCheckedOnCancelOrAck) {
    Request cancel = make("CANCEL");
    cancel.add_header(HeaderId::require, "weird");
    EXPECT_TRUE(check_request(cancel, {}).passed());
    Request ack = make("ACK");
    ack.add_header(HeaderId::require, "weird");
    EXPECT_TRUE(check_request(ack, {}).passed());
}

TEST(UasPolicy, UnknownContentTypeIs415WithAccept) {
    Request r = make("INVITE");
    r.set_body("<audio/>", "application/unknownformat");
    auto v = check_request(r, {});
    EXPECT_EQ(v.status, 415);
    ASSERT_NE(find(v, "Accept"), nullptr);
    EXPECT_EQ(find(v, "Accept")->second, "application/sdp");
}

TEST(UasPolicy, SdpBodyWithParametersPasses) {
    Request r = make("INVITE");
    r.set_body("v=0\r\n", "Application/SDP; charset=utf-8");
    EXPECT_TRUE(check_request(r, {}).passed());
}

TEST(UasPolicy, EmptyBodyIgnoresContentType) {
    Request r = make("OPTIONS");
    r.set_header(HeaderId::content_type, "application/unknownformat");
    EXPECT_TRUE(check_request(r, {}).passed());
}

TEST(UasPolicy, InviteWhoseAcceptExcludesSdpIs406) {
    Request r = make("INVITE");
    r.add_header(HeaderId::accept, "text/nobodyKnowsThis");
    auto v = check_request(r, {});
    EXPECT_EQ(v.status, 406);
    ASSERT_NE(find(v, "Accept"), nullptr);
}

TEST(UasPolicy, AcceptRangesCoverSdp) {
    for (std::string_view accept :
         {"application/sdp", "application/*", "*/*", "text/html, application/sdp;level=1"}) {
        Request r = make("INVITE");
        r.add_header(HeaderId::accept, accept);
        EXPECT_TRUE(check_request(r, {}).passed()) << accept;
    }
}

TEST(UasPolicy, AcceptOnOptionsDoesNotMatter) {
    Request r = make("OPTIONS");
    r.add_header(HeaderId::accept, "text/nobodyKnowsThis");
    EXPECT_TRUE(check_request(r, {}).passed());
}

TEST(UasPolicy, AckAlwaysPasses) {
    EXPECT_TRUE(check_request(make("ACK", "nobody:x"), {}).passed());
}

TEST(UasPolicy, MaxForwardsZeroIsAnsweredNormally) {
    Request r = make("OPTIONS");
    r.set_header(HeaderId::max_forwards, "0");
    EXPECT_TRUE(check_request(r, {}).passed());
}

TEST(UasPolicy, OptionsResponseCarriesCapabilities) {
    UasCapabilities caps;
    Response r = make_options_response(make("OPTIONS"), caps, "tag77");
    EXPECT_EQ(r.status_code(), 200);
    EXPECT_EQ(r.to_tag(), "tag77");
    EXPECT_EQ(r.header(HeaderId::allow), "INVITE, ACK, CANCEL, BYE, OPTIONS");
    EXPECT_EQ(r.header(HeaderId::accept), "application/sdp");
    EXPECT_EQ(r.header(HeaderId::supported), "outbound, path");
    EXPECT_EQ(r.call_id(), "a84b4c76e66710@pc33");
    EXPECT_EQ(r.cseq()->number, 314159U);
}

TEST(UasPolicy, StatusForParseError) {
    EXPECT_EQ(status_for_parse_error(ParseError::bad_version), 505);
    EXPECT_EQ(status_for_parse_error(ParseError::bad_header), 400);
    EXPECT_EQ(status_for_parse_error(ParseError::cseq_method_mismatch), 400);
}

TEST(UasPolicy, StatelessErrorCopiesTheKeyHeaders) {
    const std::string bytes =
        "INVITE sip:user@example.com SIP/7.0\r\n"
        "Max-Forwards: 70\r\n"
        "v: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa\r\n"
        "Via: SIP/2.0/UDP 192.0.2.2;branch=z9hG4bKb\r\n"
        "To: <sip:t@example.com>\r\n"
        "From: <sip:f@example.com>;tag=x\r\n"
        "From: <sip:second@example.com>;tag=y\r\n"
        "Call-ID: c1\r\n"
        "CSeq: 8 INVITE\r\n"
        "\r\n";
    auto r = make_stateless_error(bytes, ParseError::bad_version);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status_code(), 505);
    EXPECT_EQ(r->header_values(HeaderId::via).size(), 2U);
    EXPECT_EQ(r->from_tag(), "x");
    EXPECT_EQ(r->call_id(), "c1");
    EXPECT_EQ(r->header(HeaderId::cseq), "8 INVITE");
    // The answer itself is well-formed.
    EXPECT_TRUE(Response::parse(r->to_string()));
}

TEST(UasPolicy, StatelessErrorNeedsAViaAndARequest) {
    EXPECT_FALSE(make_stateless_error("INVITE sip:x SIP/2.0\r\nTo: <sip:a@b>\r\n\r\n",
                                      ParseError::bad_header));
    EXPECT_FALSE(make_stateless_error("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\n\r\n",
                                      ParseError::bad_header));
    EXPECT_FALSE(make_stateless_error("", ParseError::bad_header));
}

TEST(UasPolicy, StatelessErrorSurvivesGarbage) {
    std::string junk;
    for (int i = 0; i < 2000; ++i)
        junk += static_cast<char>((i * 37) % 256);
    junk += "\nVia: \x01\x02\n:\n\n";
    // Must not crash; a Via with control bytes is not copied, so there is nothing to answer.
    EXPECT_FALSE(make_stateless_error(junk, ParseError::bad_header));
    EXPECT_FALSE(make_stateless_error("\n\n\n", ParseError::bad_header));
    EXPECT_FALSE(make_stateless_error("X", ParseError::bad_header));
}

TEST(UasPolicy, TagsAreRandomHex) {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        auto tag = make_tag();
        EXPECT_EQ(tag.size(), 16U);
        EXPECT_EQ(tag.find_first_not_of("0123456789abcdef"), std::string::npos);
        seen.insert(tag);
    }
    EXPECT_EQ(seen.size(), 100U);
}

}  // namespace
}  // namespace voip::sip
