#include <voip/sip/header_types.hpp>

#include <gtest/gtest.h>

namespace voip::sip {
namespace {

TEST(Via, FullValue) {
    auto via = Via::parse(
        "SIP/2.0/UDP "
        "192.0.2.10:5060;received=192.0.2.10;rport=5060;branch=z9hG4bK74bf9;maddr=239.1.1.1;ttl=16;"
        "x");
    ASSERT_TRUE(via.has_value());
    EXPECT_EQ(via->protocol_name, "SIP");
    EXPECT_EQ(via->protocol_version, "2.0");
    EXPECT_EQ(via->transport, "UDP");
    EXPECT_EQ(via->host, "192.0.2.10");
    EXPECT_EQ(via->port, 5060);
    EXPECT_EQ(via->branch(), "z9hG4bK74bf9");
    EXPECT_TRUE(via->has_rfc3261_branch());
    EXPECT_EQ(via->received(), "192.0.2.10");
    EXPECT_TRUE(via->has_rport());
    EXPECT_EQ(via->rport(), 5060);
    EXPECT_EQ(via->maddr(), "239.1.1.1");
    EXPECT_EQ(via->params.value("ttl"), "16");
    EXPECT_TRUE(via->params.contains("x"));
}

TEST(Via, ValuelessRportIpv6AndWhitespace) {
    auto via = Via::parse(
        "SIP  /   2.0 / TCP     [2001:db8::9] : 5070  ;  branch =  z9hG4bK9ikj8 ; rport");
    ASSERT_TRUE(via.has_value());
    EXPECT_EQ(via->transport, "TCP");
    EXPECT_EQ(via->host, "[2001:db8::9]");
    EXPECT_EQ(via->port, 5070);
    EXPECT_EQ(via->branch(), "z9hG4bK9ikj8");
    EXPECT_TRUE(via->has_rport());
    EXPECT_FALSE(via->rport().has_value());
    EXPECT_FALSE(via->received().has_value());
    EXPECT_EQ(via->to_string(), "SIP/2.0/TCP [2001:db8::9]:5070;branch=z9hG4bK9ikj8;rport");
}

TEST(Via, NoBranch) {
    auto via = Via::parse("SIP/2.0/UDP iftgw.example.com");
    ASSERT_TRUE(via.has_value());
    EXPECT_EQ(via->branch(), "");
    EXPECT_FALSE(via->has_rfc3261_branch());
    EXPECT_FALSE(via->port.has_value());
    EXPECT_FALSE(via->has_rport());
    EXPECT_EQ(via->to_string(), "SIP/2.0/UDP iftgw.example.com");
}

TEST(Via, RoundTrip) {
    for (std::string_view text : {"SIP/2.0/UDP a.example.com;branch=z9hG4bK1",
                                  "SIP/2.0/TLS [::1]:5061;branch=z9hG4bK2;rport=1;received=::1",
                                  "SIP/2.0/WS x.invalid;branch=z9hG4bK3;alias"}) {
        auto first = Via::parse(text);
        ASSERT_TRUE(first.has_value()) << text;
        std::string written = first->to_string();
        auto second = Via::parse(written);
        ASSERT_TRUE(second.has_value()) << written;
        EXPECT_EQ(second->transport, first->transport);
        EXPECT_EQ(second->host, first->host);
        EXPECT_EQ(second->port, first->port);
        EXPECT_EQ(second->branch(), first->branch());
        EXPECT_EQ(second->to_string(), written);
    }
}

TEST(Via, RejectsMalformed) {
    for (std::string_view bad :
         {"", "SIP/2.0/UDP", "SIP/2.0 UDP host", "SIP/2.0/UDP 192.0.2.15;;", "SIP/2.0/UDP host;",
          "SIP/2.0/UDP host:99999", "SIP/2.0/UDP host:", "SIP/2.0/UDPhost", "SIP//UDP host",
          "SIP/2.0/UDP host;branch=", "SIP/2.0/UDP [::1", "SIP/2.0/UDP bad_host",
          "SIP/2.0/UDP a, SIP/2.0/UDP b", "SIP/2.0/UDP host junk"}) {
        auto via = Via::parse(bad);
        EXPECT_FALSE(via.has_value()) << bad;
        if (!via) {
            EXPECT_EQ(via.error(), make_error_code(ParseError::bad_via)) << bad;
        }
    }
}

TEST(CSeq, ParseAndLimits) {
    auto c = CSeq::parse("0009\t INVITE");
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->number, 9U);
    EXPECT_EQ(c->method, "INVITE");
    EXPECT_EQ(c->to_string(), "9 INVITE");
    auto max = CSeq::parse("2147483647 BYE");
    ASSERT_TRUE(max.has_value());
    EXPECT_EQ(max->number, 2147483647U);
    // RFC 3261 §8.1.1.5: less than 2^31.
    for (std::string_view bad : {"2147483648 BYE", "36893488147419103232 REGISTER", "INVITE", "1",
                                 "1 ", "x INVITE", "1 INV ITE", "-1 INVITE", "1 INVITE;x"}) {
        auto r = CSeq::parse(bad);
        EXPECT_FALSE(r.has_value()) << bad;
        if (!r) {
            EXPECT_EQ(r.error(), make_error_code(ParseError::bad_cseq)) << bad;
        }
    }
}

TEST(ParseUint32, Bounds) {
    EXPECT_EQ(parse_uint32("0"), 0U);
    EXPECT_EQ(parse_uint32("0068"), 68U);
    EXPECT_EQ(parse_uint32("4294967295"), 4294967295U);
    EXPECT_FALSE(parse_uint32("4294967296").has_value());
    EXPECT_FALSE(parse_uint32("").has_value());
    EXPECT_FALSE(parse_uint32("-1").has_value());
    EXPECT_FALSE(parse_uint32("1a").has_value());
    EXPECT_FALSE(parse_uint32(" 1").has_value());
}

}  // namespace
}  // namespace voip::sip
