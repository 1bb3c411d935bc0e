#include <voip/codec/error.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace voip::codec {
namespace {

TEST(CodecError, EveryCodeHasItsOwnMessageInTheCodecCategory) {
    std::set<std::string> messages;
    for (int e = static_cast<int>(Errc::unknown_codec);
         e <= static_cast<int>(Errc::file_write_failed); ++e) {
        const std::error_code ec = static_cast<Errc>(e);
        EXPECT_EQ(ec.category(), error_category());
        EXPECT_STREQ(ec.category().name(), "voip.codec");
        EXPECT_TRUE(messages.insert(ec.message()).second) << ec.message();
    }
    EXPECT_EQ(messages.size(), 12U);
    EXPECT_NE(std::error_code(Errc::unknown_codec), std::make_error_code(std::errc::io_error));
}

}  // namespace
}  // namespace voip::codec
