#include <voip/sip/uri.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

namespace voip::sip {
namespace {

Uri parse(std::string_view text) {
    auto uri = Uri::parse(text);
    EXPECT_TRUE(uri.has_value()) << text;
    return uri ? *uri : Uri{};
}

TEST(Uri, SipWithEveryComponent) {
    Uri u = parse("sip:alice:secret@atlanta.example.com:5061;transport=tcp;lr?subject=hi&x=y");
    EXPECT_EQ(u.scheme(), Uri::Scheme::sip);
    EXPECT_TRUE(u.is_sip());
    EXPECT_EQ(u.scheme_name(), "sip");
    EXPECT_EQ(u.user(), "alice");
    EXPECT_EQ(u.password(), "secret");
    EXPECT_EQ(u.host(), "atlanta.example.com");
    EXPECT_EQ(u.port(), 5061);
    EXPECT_EQ(u.transport(), "tcp");
    EXPECT_TRUE(u.lr());
    EXPECT_EQ(u.param("TRANSPORT"), "tcp");
    EXPECT_EQ(u.params().size(), 2U);
    EXPECT_EQ(u.headers(), "subject=hi&x=y");
    EXPECT_EQ(u.to_string(),
              "sip:alice:secret@atlanta.example.com:5061;transport=tcp;lr?subject=hi&x=y");
}

TEST(Uri, MinimalAndSips) {
    Uri u = parse("sips:example.com");
    EXPECT_EQ(u.scheme(), Uri::Scheme::sips);
    EXPECT_EQ(u.user(), "");
    EXPECT_FALSE(u.password().has_value());
    EXPECT_FALSE(u.port().has_value());
    EXPECT_TRUE(u.params().empty());
    EXPECT_EQ(u.headers(), "");
    EXPECT_FALSE(u.lr());
}

TEST(Uri, HostForms) {
    EXPECT_EQ(parse("sip:bob@192.0.2.4:5060").host(), "192.0.2.4");
    Uri v6 = parse("sip:bob@[2001:db8::10]:5070;transport=udp");
    EXPECT_EQ(v6.host(), "[2001:db8::10]");
    EXPECT_EQ(v6.port(), 5070);
    EXPECT_EQ(parse("sip:[::1]").host(), "[::1]");
    EXPECT_EQ(parse("sip:host.example.com.").host(), "host.example.com.");
    EXPECT_EQ(parse("sip:a-b.c-d.example").host(), "a-b.c-d.example");
}

TEST(Uri, UserPartCharactersAndEscapes) {
    Uri u = parse("sip:user;par=u%40example.net@example.com");
    EXPECT_EQ(u.user(), "user;par=u%40example.net");
    EXPECT_EQ(u.user_unescaped(), "user;par=u@example.net");
    EXPECT_EQ(u.host(), "example.com");
    EXPECT_EQ(parse("sip:I%20have%20spaces@example.net").user_unescaped(), "I have spaces");
    EXPECT_EQ(parse("sip:%00@h.example").user_unescaped(), std::string(1, '\0'));
    EXPECT_EQ(unescape("100%"), "100%");  // malformed escapes pass through
    EXPECT_EQ(unescape("%4"), "%4");
    EXPECT_EQ(unescape("%41%62"), "Ab");
}

TEST(Uri, TelAndConversionToSip) {
    Uri tel = parse("tel:+1-201-555-0123;phone-context=example.com");
    EXPECT_EQ(tel.scheme(), Uri::Scheme::tel);
    EXPECT_EQ(tel.user(), "+1-201-555-0123");
    EXPECT_EQ(tel.param("phone-context"), "example.com");
    EXPECT_EQ(tel.host(), "");
    auto sip = tel.to_sip("gw.example.com");
    ASSERT_TRUE(sip.has_value());
    EXPECT_EQ(sip->to_string(),
              "sip:+1-201-555-0123;phone-context=example.com@gw.example.com;user=phone");
    EXPECT_EQ(sip->param("user"), "phone");
    EXPECT_EQ(sip->user(), "+1-201-555-0123;phone-context=example.com");
    EXPECT_EQ(sip->host(), "gw.example.com");
    EXPECT_FALSE(parse("sip:a@b.example").to_sip("x.example").has_value());
    // Found by fuzzing: tel parameter characters the SIP user part cannot hold get escaped.
    auto escaped = parse("tel:+1;x]=a:b").to_sip("gw.example.com");
    ASSERT_TRUE(escaped.has_value());
    EXPECT_EQ(escaped->user(), "+1;x%5D=a%3Ab");
    EXPECT_EQ(escaped->user_unescaped(), "+1;x]=a:b");
    EXPECT_TRUE(Uri::parse("tel:7042").has_value());
    EXPECT_FALSE(Uri::parse("tel:").has_value());
    EXPECT_FALSE(Uri::parse("tel:+1 555").has_value());
    EXPECT_FALSE(Uri::parse("tel:---").has_value());
    // RFC 3966 §4: visual separators do not matter.
    EXPECT_EQ(parse("tel:+1-201-555-0123"), parse("tel:+1.201.555.0123"));
    EXPECT_FALSE(parse("tel:+1-201-555-0123") == parse("tel:+1-201-555-0124"));
}

TEST(Uri, OtherSchemesKeptWhole) {
    Uri u = parse("http://www.example.com/a?b=c");
    EXPECT_EQ(u.scheme(), Uri::Scheme::other);
    EXPECT_EQ(u.scheme_name(), "http");
    EXPECT_EQ(u.opaque(), "//www.example.com/a?b=c");
    EXPECT_EQ(u.host(), "");
    EXPECT_EQ(parse("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6").scheme_name(), "urn");
    EXPECT_EQ(parse("SIP:bob@example.com").scheme(), Uri::Scheme::sip);
}

TEST(Uri, RejectsMalformed) {
    for (std::string_view bad : {"",
                                 "sip:",
                                 "sip:user@",
                                 "sip:host:99999",
                                 "sip:host:",
                                 "sip:ho st",
                                 "sip:user@host;",
                                 "sip:user@host;;a",
                                 "sip:%zz@host",
                                 "sip:%4@host",
                                 "sip:[::1",
                                 "sip:[zz]",
                                 "sip:-host",
                                 "sip:host-",
                                 "sip:host..example",
                                 "sip:host?noequals",
                                 "1sip:x",
                                 "sip:a@b@c",
                                 "sip:256.1.1.1",
                                 "sip:1.2.3",
                                 "sip:example.123",
                                 "sip:host;a=",
                                 "nocolon",
                                 "sip:host?a=b&",
                                 "x:"}) {
        auto uri = Uri::parse(bad);
        EXPECT_FALSE(uri.has_value()) << bad;
        if (!uri) {
            EXPECT_EQ(uri.error(), make_error_code(ParseError::bad_uri)) << bad;
        }
    }
}

// RFC 3261 §19.1.4 examples.
TEST(Uri, ComparisonEquivalentPairs) {
    EXPECT_EQ(parse("sip:%61lice@atlanta.com;transport=TCP"),
              parse("sip:alice@AtLanTa.CoM;Transport=tcp"));
    EXPECT_EQ(parse("sip:carol@chicago.com"), parse("sip:carol@chicago.com;newparam=5"));
    EXPECT_EQ(parse("sip:carol@chicago.com"), parse("sip:carol@chicago.com;security=on"));
    EXPECT_EQ(parse("sip:carol@chicago.com;newparam=5"),
              parse("sip:carol@chicago.com;security=on"));
    EXPECT_EQ(parse("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com"),
              parse("sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"));
    EXPECT_EQ(parse("sip:alice@atlanta.com?subject=project%20x&priority=urgent"),
              parse("sip:alice@atlanta.com?priority=urgent&subject=project%20x"));
}

TEST(Uri, ComparisonDifferentPairs) {
    EXPECT_FALSE(parse("SIP:ALICE@AtLanTa.CoM;Transport=udp") ==
                 parse("sip:alice@AtLanTa.CoM;Transport=UDP"));
    EXPECT_FALSE(parse("sip:bob@biloxi.com") == parse("sip:bob@biloxi.com:5060"));
    EXPECT_FALSE(parse("sip:bob@biloxi.com") == parse("sip:bob@biloxi.com;transport=udp"));
    EXPECT_FALSE(parse("sip:bob@biloxi.com") == parse("sip:bob@biloxi.com:6000;transport=tcp"));
    EXPECT_FALSE(parse("sip:carol@chicago.com") ==
                 parse("sip:carol@chicago.com?Subject=next%20meeting"));
    EXPECT_FALSE(parse("sip:bob@phone21.boxesbybob.com") == parse("sip:bob@192.0.2.4"));
    EXPECT_FALSE(parse("sip:carol@chicago.com;security=on") ==
                 parse("sip:carol@chicago.com;security=off"));
    EXPECT_FALSE(parse("sip:a@x.example") == parse("sips:a@x.example"));
    EXPECT_FALSE(parse("sip:a@x.example;maddr=1.2.3.4") == parse("sip:a@x.example"));
    EXPECT_FALSE(parse("sip:a:p@x.example") == parse("sip:a@x.example"));
    EXPECT_FALSE(parse("http://a") == parse("http://b"));
}

TEST(Uri, RepeatedParametersCompareByFirstOccurrence) {
    // Found by fuzzing: equivalence must be reflexive even with a repeated parameter.
    Uri u = parse("sip:a@h.example;transport=tc061;transport=tcp");
    EXPECT_EQ(u, u);
    EXPECT_EQ(u, parse("sip:a@h.example;transport=tc061"));
    EXPECT_FALSE(u == parse("sip:a@h.example;transport=tcp"));
    Uri tel = parse("tel:+1;a=1;a=2");
    EXPECT_EQ(tel, tel);
    EXPECT_FALSE(tel == parse("tel:+1;a=1;b=2"));
}

TEST(Uri, BuildAndEdit) {
    Uri u = Uri::make_sip("alice smith", "example.com", 5060);
    EXPECT_EQ(u.to_string(), "sip:alice%20smith@example.com:5060");
    EXPECT_EQ(u.user_unescaped(), "alice smith");
    EXPECT_EQ(Uri::make_sip("", "2001:db8::1", std::nullopt, true).to_string(),
              "sips:[2001:db8::1]");
    EXPECT_THROW(Uri::make_sip("a", "bad host"), std::invalid_argument);

    u.set_param("transport", "tcp");
    u.set_param("lr");
    EXPECT_EQ(u.to_string(), "sip:alice%20smith@example.com:5060;transport=tcp;lr");
    u.set_param("transport", "udp");
    EXPECT_EQ(u.transport(), "udp");
    u.remove_param("lr");
    EXPECT_FALSE(u.lr());
    u.set_port(std::nullopt);
    EXPECT_FALSE(u.port().has_value());
    u.set_host("::1");
    EXPECT_EQ(u.host(), "[::1]");
    u.set_user("bob");
    EXPECT_EQ(u.to_string(), "sip:bob@[::1];transport=udp");
    u.set_user("");
    EXPECT_EQ(u.to_string(), "sip:[::1];transport=udp");
    EXPECT_THROW(u.set_host("not a host"), std::invalid_argument);
    EXPECT_THROW(u.set_param("bad name", "x"), std::invalid_argument);
    Uri tel = parse("tel:+123");
    EXPECT_THROW(tel.set_port(5), std::invalid_argument);
}

TEST(Uri, RoundTripThroughText) {
    for (std::string_view text :
         {"sip:alice@atlanta.example.com", "sips:bob:pw@[2001:db8::1]:5061;transport=tls",
          "sip:+19725552222@gw1.example.net;user=phone", "sip:a@b.example?Route=%3Csip:c%3E",
          "tel:+1-555;ext=22", "mailto:a@b.example",
          "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com"}) {
        Uri first = parse(text);
        Uri second = parse(first.to_string());
        EXPECT_EQ(first.to_string(), text);
        EXPECT_EQ(second.to_string(), first.to_string());
        EXPECT_EQ(second, first) << text;
        EXPECT_EQ(second.user(), first.user());
        EXPECT_EQ(second.host(), first.host());
        EXPECT_EQ(second.port(), first.port());
        EXPECT_EQ(second.params().text(), first.params().text());
        EXPECT_EQ(second.headers(), first.headers());
    }
}

}  // namespace
}  // namespace voip::sip
