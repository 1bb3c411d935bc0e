#include <voip/sip/headers.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace voip::sip {
namespace {

TEST(HeaderNames, EveryCanonicalNameMapsBackToItsId) {
    for (int i = 1; i < static_cast<int>(HeaderId::count_); ++i) {
        auto id = static_cast<HeaderId>(i);
        std::string name(canonical_name(id));
        ASSERT_FALSE(name.empty()) << i;
        EXPECT_EQ(header_id(name), id) << name;
        std::string upper = name;
        std::string lower = name;
        for (char& c : upper)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        for (char& c : lower)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        EXPECT_EQ(header_id(upper), id) << upper;
        EXPECT_EQ(header_id(lower), id) << lower;
    }
    EXPECT_EQ(canonical_name(HeaderId::other), "");
}

TEST(HeaderNames, CompactForms) {
    // RFC 3261 §7.3.3 and the IANA registry.
    const std::vector<std::pair<char, HeaderId>> compact = {
        {'i', HeaderId::call_id},
        {'m', HeaderId::contact},
        {'e', HeaderId::content_encoding},
        {'l', HeaderId::content_length},
        {'c', HeaderId::content_type},
        {'f', HeaderId::from},
        {'s', HeaderId::subject},
        {'k', HeaderId::supported},
        {'t', HeaderId::to},
        {'v', HeaderId::via},
        {'o', HeaderId::event},
        {'r', HeaderId::refer_to},
        {'b', HeaderId::referred_by},
        {'u', HeaderId::allow_events},
        {'x', HeaderId::session_expires},
        {'y', HeaderId::identity},
        {'a', HeaderId::accept_contact},
        {'j', HeaderId::reject_contact},
        {'d', HeaderId::request_disposition},
    };
    for (auto [letter, id] : compact) {
        EXPECT_EQ(header_id(std::string(1, letter)), id) << letter;
        char upper = static_cast<char>(letter - 'a' + 'A');
        EXPECT_EQ(header_id(std::string(1, upper)), id) << upper;
    }
    EXPECT_EQ(header_id("z"), HeaderId::other);
    EXPECT_EQ(header_id("g"), HeaderId::other);
    EXPECT_EQ(header_id("1"), HeaderId::other);
}

TEST(HeaderNames, CanonicalSpellings) {
    EXPECT_EQ(canonical_name(HeaderId::call_id), "Call-ID");
    EXPECT_EQ(canonical_name(HeaderId::cseq), "CSeq");
    EXPECT_EQ(canonical_name(HeaderId::www_authenticate), "WWW-Authenticate");
    EXPECT_EQ(canonical_name(HeaderId::max_forwards), "Max-Forwards");
    EXPECT_EQ(header_id("cAlL-iD"), HeaderId::call_id);
    EXPECT_EQ(header_id("X-Custom"), HeaderId::other);
    EXPECT_EQ(header_id(""), HeaderId::other);
    EXPECT_EQ(header_id("Via2"), HeaderId::other);
    EXPECT_EQ(header_id("C%6Fntact"), HeaderId::other);
}

// Case folding applies to letters only: bytes that differ from a letter or '-' by bit 0x20
// (0x0D vs '-', '_' 0x5F vs DEL 0x7F) must not match, in the 8-byte words and in the tail.
TEST(HeaderNames, CaseFoldingIsLettersOnly) {
    EXPECT_EQ(header_id("Call\rID"), HeaderId::other);
    EXPECT_EQ(header_id("Max\rForwards"), HeaderId::other);
    EXPECT_EQ(header_id("Max-Forwards"), HeaderId::max_forwards);
    EXPECT_EQ(header_id("MAX-FORWARDS"), HeaderId::max_forwards);
    EXPECT_EQ(header_id("max-forwardS"), HeaderId::max_forwards);
    EXPECT_EQ(header_id("max-forwardr"), HeaderId::other);
    EXPECT_EQ(header_id("Max-Forward\x13"), HeaderId::other);
    EXPECT_EQ(header_id("Content\rLength"), HeaderId::other);
    EXPECT_EQ(header_id("content-length"), HeaderId::content_length);
    EXPECT_EQ(header_id("www-AUTHENTICATE"), HeaderId::www_authenticate);
    EXPECT_EQ(header_id("WWW-Authenticatf"), HeaderId::other);
}

TEST(HeaderNames, ListHeaders) {
    EXPECT_TRUE(is_list_header(HeaderId::via));
    EXPECT_TRUE(is_list_header(HeaderId::contact));
    EXPECT_TRUE(is_list_header(HeaderId::route));
    EXPECT_TRUE(is_list_header(HeaderId::record_route));
    EXPECT_TRUE(is_list_header(HeaderId::allow));
    EXPECT_TRUE(is_list_header(HeaderId::supported));
    EXPECT_TRUE(is_list_header(HeaderId::require));
    EXPECT_FALSE(is_list_header(HeaderId::www_authenticate));
    EXPECT_FALSE(is_list_header(HeaderId::authorization));
    EXPECT_FALSE(is_list_header(HeaderId::from));
    EXPECT_FALSE(is_list_header(HeaderId::other));
    EXPECT_FALSE(is_list_header(HeaderId::count_));
}

TEST(HeaderNames, Iequals) {
    EXPECT_TRUE(iequals("Via", "vIA"));
    EXPECT_FALSE(iequals("Via", "Vib"));
    EXPECT_FALSE(iequals("Via", "Vi"));
    EXPECT_TRUE(iequals("", ""));
}

std::vector<std::string> split(std::string_view value) {
    std::vector<std::string> out;
    for (std::string_view v : CommaList(value))
        out.emplace_back(v);
    return out;
}

TEST(CommaList, SplitsOutsideQuotesAndAngles) {
    EXPECT_EQ(split("INVITE, ACK ,BYE"), (std::vector<std::string>{"INVITE", "ACK", "BYE"}));
    EXPECT_EQ(split(R"("Doe, John" <sip:a@b.example>, <sip:c@d.example;x=a,b>;q=1)"),
              (std::vector<std::string>{R"("Doe, John" <sip:a@b.example>)",
                                        "<sip:c@d.example;x=a,b>;q=1"}));
    EXPECT_EQ(split(R"("a\", b", c)"), (std::vector<std::string>{R"("a\", b")", "c"}));
    EXPECT_EQ(split(";;,,;;,;"), (std::vector<std::string>{";;", ";;", ";"}));
    EXPECT_TRUE(split("").empty());
    EXPECT_TRUE(split(" , ,").empty());
    EXPECT_EQ(split("\"unterminated, x"), (std::vector<std::string>{"\"unterminated, x"}));
}

TEST(CommaList, IteratorPostIncrement) {
    CommaList list("a, b");
    auto it = list.begin();
    auto old = it++;
    EXPECT_EQ(*old, "a");
    EXPECT_EQ(*it, "b");
    ++it;
    EXPECT_EQ(it, list.end());
}

}  // namespace
}  // namespace voip::sip
