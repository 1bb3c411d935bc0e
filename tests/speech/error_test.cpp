#include <voip/speech/error.hpp>

#include <gtest/gtest.h>

namespace voip::speech {
namespace {

TEST(SpeechError, CategoryAndMessages) {
    const std::error_code ec = Errc::engine_unavailable;
    EXPECT_STREQ(ec.category().name(), "voip.speech");
    EXPECT_EQ(ec.message(), "speech engine not built into this library");
    for (const auto e : {Errc::model_not_found, Errc::synthesis_failed, Errc::recognition_failed,
                         Errc::invalid_audio, Errc::empty_text}) {
        const std::error_code code = e;
        EXPECT_NE(code.message(), "unknown speech error");
        EXPECT_EQ(code.category(), error_category());
    }
    EXPECT_EQ(std::error_code(99, error_category()).message(), "unknown speech error");
}

}  // namespace
}  // namespace voip::speech
