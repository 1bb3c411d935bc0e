#include <voip/sip/error.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace voip::sip {
namespace {

TEST(ParseErrorCategory, NamesEveryError) {
    const auto& category = parse_category();
    EXPECT_STREQ(category.name(), "voip.sip.parse");
    std::set<std::string> messages;
    for (int e = static_cast<int>(ParseError::bad_start_line);
         e <= static_cast<int>(ParseError::wrong_kind); ++e) {
        std::string m = category.message(e);
        EXPECT_FALSE(m.empty());
        EXPECT_TRUE(messages.insert(m).second) << "duplicate message " << m;
    }
    EXPECT_EQ(category.message(999), "unknown SIP parse error");
    std::error_code ec = ParseError::bad_version;
    EXPECT_EQ(ec.category(), category);
}

TEST(ParseErrorCategory, ComparesAsErrorCode) {
    std::error_code a = make_error_code(ParseError::too_large);
    std::error_code b = ParseError::too_large;
    EXPECT_EQ(a, b);
    EXPECT_NE(a, make_error_code(ParseError::incomplete));
    EXPECT_TRUE(static_cast<bool>(a));
    EXPECT_EQ(a.message(), "message too large");
}

}  // namespace
}  // namespace voip::sip
