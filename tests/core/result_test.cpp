#include <voip/result.hpp>

#include <gtest/gtest.h>

#include <string>
#include <system_error>

namespace {

voip::Result<int> parse_digit(char c) {
    if (c < '0' || c > '9') return std::make_error_code(std::errc::invalid_argument);
    return c - '0';
}

TEST(Result, HoldsAValue) {
    auto r = parse_digit('7');
    ASSERT_TRUE(r);
    EXPECT_TRUE(r.has_value());
    EXPECT_EQ(*r, 7);
    EXPECT_EQ(r.value(), 7);
    EXPECT_FALSE(r.error());
}

TEST(Result, HoldsAnError) {
    auto r = parse_digit('x');
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), std::make_error_code(std::errc::invalid_argument));
    EXPECT_EQ(r.value_or(-1), -1);
}

TEST(Result, ValueOnErrorThrowsSystemError) {
    auto r = parse_digit('x');
    EXPECT_THROW((void)r.value(), std::system_error);
}

TEST(Result, MovesOutItsValue) {
    voip::Result<std::string> r{std::string(100, 'a')};
    std::string taken = std::move(r).value();
    EXPECT_EQ(taken.size(), 100U);
}

TEST(Result, VoidCarriesOnlySuccessOrError) {
    voip::Result<void> ok;
    EXPECT_TRUE(ok);
    EXPECT_NO_THROW(ok.value());
    voip::Result<void> bad{std::errc::timed_out};
    EXPECT_FALSE(bad);
    EXPECT_EQ(bad.error(), std::make_error_code(std::errc::timed_out));
    EXPECT_THROW(bad.value(), std::system_error);
}

}  // namespace
