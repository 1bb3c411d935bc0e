#include <voip/sip/name_addr.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

namespace voip::sip {
namespace {

TEST(NameAddr, QuotedDisplayNameAndParams) {
    auto na = NameAddr::parse(
        R"("Alice \"A\" Smith" <sip:alice@atlanta.example.com>;tag=9fxced76sl;expires=3600)");
    ASSERT_TRUE(na.has_value());
    EXPECT_EQ(na->display_name(), "Alice \"A\" Smith");
    EXPECT_EQ(na->uri().to_string(), "sip:alice@atlanta.example.com");
    EXPECT_EQ(na->tag(), "9fxced76sl");
    EXPECT_EQ(na->expires(), 3600U);
    EXPECT_EQ(na->params().size(), 2U);
}

TEST(NameAddr, TokenDisplayNameWithoutSpace) {
    auto na = NameAddr::parse("caller<sip:caller@example.com>;tag=323");
    ASSERT_TRUE(na.has_value());
    EXPECT_EQ(na->display_name(), "caller");
    EXPECT_EQ(na->tag(), "323");
    auto multi = NameAddr::parse("Bob  Smith <sip:bob@example.com>");
    ASSERT_TRUE(multi.has_value());
    EXPECT_EQ(multi->display_name(), "Bob  Smith");
}

TEST(NameAddr, AddrSpecParamsBelongToTheHeader) {
    // RFC 3261 §20.10: without <>, ;params are header parameters, not URI parameters.
    auto na = NameAddr::parse("sip:+19725552222@gw1.example.net;unknownparam;tag=x");
    ASSERT_TRUE(na.has_value());
    EXPECT_EQ(na->uri().to_string(), "sip:+19725552222@gw1.example.net");
    EXPECT_TRUE(na->uri().params().empty());
    EXPECT_TRUE(na->params().contains("unknownparam"));
    EXPECT_EQ(na->tag(), "x");
    EXPECT_TRUE(na->display_name().empty());
    auto inside = NameAddr::parse("<sip:+19725552222@gw1.example.net;unknownparam>");
    ASSERT_TRUE(inside.has_value());
    EXPECT_TRUE(inside->uri().params().contains("unknownparam"));
    EXPECT_TRUE(inside->params().empty());
}

TEST(NameAddr, WhitespaceAroundParams) {
    auto na = NameAddr::parse(" sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n ");
    ASSERT_TRUE(na.has_value());
    EXPECT_EQ(na->tag(), "1918181833n");
    auto quoted = NameAddr::parse(R"(<sip:a@b.example>;+sip.instance="<urn:uuid:1>";q=0.5)");
    ASSERT_TRUE(quoted.has_value());
    EXPECT_EQ(quoted->param("+sip.instance"), "\"<urn:uuid:1>\"");
    EXPECT_EQ(unquote(*quoted->param("+sip.instance")), "<urn:uuid:1>");
    EXPECT_EQ(quoted->param("q"), "0.5");
}

TEST(NameAddr, OtherSchemes) {
    auto na = NameAddr::parse("<http://www.example.com>;tag=3234233");
    ASSERT_TRUE(na.has_value());
    EXPECT_EQ(na->uri().scheme(), Uri::Scheme::other);
    EXPECT_EQ(na->tag(), "3234233");
}

TEST(NameAddr, RejectsMalformed) {
    struct Case {
        std::string_view text;
        ParseError error;
    };
    for (const Case& c : {
             Case{"", ParseError::bad_name_addr},
             Case{"   ", ParseError::bad_name_addr},
             Case{R"("Mr. J. User <sip:j.user@example.com>)", ParseError::bad_name_addr},
             Case{"Bell, Alexander <sip:a.g.bell@example.com>;tag=43", ParseError::bad_name_addr},
             Case{"sip:user@example.com?Route=%3Csip:sip.example.com%3E",
                  ParseError::bad_name_addr},
             Case{"<sip:a@b.example", ParseError::bad_name_addr},
             Case{"<sip:a@b.example>;", ParseError::bad_name_addr},
             Case{"<sip:a@b.example>;tag=", ParseError::bad_name_addr},
             Case{"<sip:a@b.example>;;", ParseError::bad_name_addr},
             Case{"<sip:a@b.example> junk", ParseError::bad_name_addr},
             Case{"<sip:a@b.example>;p=\"open", ParseError::bad_name_addr},
             Case{"< sip:t.watson@example.org >", ParseError::bad_uri},
             Case{"<sip:a b@example.org>", ParseError::bad_uri},
             Case{"\"x\" sip:a@b.example", ParseError::bad_name_addr},
             Case{"<sip:a@b.example>, <sip:c@d.example>", ParseError::bad_name_addr},
         }) {
        auto na = NameAddr::parse(c.text);
        ASSERT_FALSE(na.has_value()) << c.text;
        EXPECT_EQ(na.error(), make_error_code(c.error)) << c.text;
    }
}

TEST(NameAddr, BuildEditAndSerialize) {
    NameAddr na(Uri::make_sip("bob", "biloxi.example.com"), "Bob \"B\"");
    na.set_tag("abc");
    na.set_param("expires", "60");
    na.set_param("lr");
    EXPECT_EQ(na.to_string(), R"("Bob \"B\"" <sip:bob@biloxi.example.com>;tag=abc;expires=60;lr)");
    na.set_tag("def");
    na.remove_param("lr");
    EXPECT_EQ(na.to_string(), R"("Bob \"B\"" <sip:bob@biloxi.example.com>;tag=def;expires=60)");
    EXPECT_THROW(na.set_param("bad name"), std::invalid_argument);
    EXPECT_THROW(na.set_param("x", "a;b"), std::invalid_argument);
    na.set_param("q", "\"quoted value\"");
    EXPECT_EQ(na.param("q"), "\"quoted value\"");
    na.set_display_name("");
    EXPECT_EQ(na.to_string(),
              R"(<sip:bob@biloxi.example.com>;tag=def;expires=60;q="quoted value")");
}

TEST(NameAddr, RoundTrip) {
    for (
        std::string_view text :
        {R"("Alice" <sip:alice@atlanta.example.com>;tag=1)", "sip:a@b.example;tag=x",
         "token1~` token2 <sip:m@example.com>;fromParam=x;tag=y",
         R"(<sip:alice@192.0.2.10:5060;transport=udp;ob>;+sip.instance="<urn:uuid:1>";expires=3600)"}) {
        auto first = NameAddr::parse(text);
        ASSERT_TRUE(first.has_value()) << text;
        auto second = NameAddr::parse(first->to_string());
        ASSERT_TRUE(second.has_value()) << first->to_string();
        EXPECT_EQ(*second, *first) << first->to_string();
        EXPECT_EQ(second->display_name(), first->display_name());
        EXPECT_EQ(second->tag(), first->tag());
        EXPECT_EQ(second->to_string(), first->to_string());
    }
}

TEST(NameAddr, QuotedPairsOfControlCharactersRoundTrip) {
    using namespace std::literals;
    auto first = NameAddr::parse("\"BEL:\\\x07 NUL:\\\0 DEL:\\\x7F\" <sip:a@b.example>"sv);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->display_name(), "BEL:\x07 NUL:\0 DEL:\x7F"sv);
    auto second = NameAddr::parse(first->to_string());
    ASSERT_TRUE(second.has_value()) << first->to_string();
    EXPECT_EQ(second->display_name(), first->display_name());
}

TEST(NameAddr, ExpiresNotNumeric) {
    auto na = NameAddr::parse("<sip:a@b.example>;expires=soon");
    ASSERT_TRUE(na.has_value());
    EXPECT_FALSE(na->expires().has_value());
    auto huge = NameAddr::parse("<sip:a@b.example>;expires=280297596632815");
    ASSERT_TRUE(huge.has_value());
    EXPECT_FALSE(huge->expires().has_value());
}

}  // namespace
}  // namespace voip::sip
