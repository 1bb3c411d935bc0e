#include <voip/sdp/error.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace {

using voip::sdp::Errc;

TEST(SdpError, CategoryNameAndMessages) {
    std::error_code ec = Errc::bad_rtpmap;
    EXPECT_STREQ(ec.category().name(), "voip.sdp");
    EXPECT_EQ(ec.message(), "malformed rtpmap attribute");
    EXPECT_EQ(std::error_code(Errc::no_common_codec).message(), "no codec in common");
}

TEST(SdpError, EveryCodeHasItsOwnMessage) {
    std::set<std::string> seen;
    for (int v = static_cast<int>(Errc::empty_input); v <= static_cast<int>(Errc::answer_rejected);
         ++v) {
        auto message = std::error_code(static_cast<Errc>(v)).message();
        EXPECT_NE(message, "unknown sdp error") << v;
        EXPECT_TRUE(seen.insert(message).second) << "duplicate message " << message;
    }
    EXPECT_EQ(std::error_code(static_cast<Errc>(999)).message(), "unknown sdp error");
}

TEST(SdpError, ComparesAsErrorCode) {
    std::error_code ec = Errc::missing_origin;
    EXPECT_EQ(ec, Errc::missing_origin);
    EXPECT_NE(ec, Errc::bad_origin);
    EXPECT_TRUE(ec);
}

}  // namespace
