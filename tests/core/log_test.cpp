#include <voip/log.hpp>
#include <voip/version.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

struct Captured {
    voip::log::Level level;
    std::string component;
    std::string message;
};

class LogTest : public ::testing::Test {
protected:
    void SetUp() override {
        voip::log::set_sink([this](voip::log::Level l, std::string_view c, std::string_view m) {
            lines.push_back({l, std::string(c), std::string(m)});
        });
    }
    void TearDown() override {
        voip::log::set_sink(nullptr);
        voip::log::set_level(voip::log::Level::warning);
    }
    std::vector<Captured> lines;
};

TEST_F(LogTest, RedirectsToTheInstalledSink) {
    voip::log::set_level(voip::log::Level::debug);
    voip::log::info("sip", "sent {} bytes to {}", 42, "127.0.0.1:5060");
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_EQ(lines[0].level, voip::log::Level::info);
    EXPECT_EQ(lines[0].component, "sip");
    EXPECT_EQ(lines[0].message, "sent 42 bytes to 127.0.0.1:5060");
}

TEST_F(LogTest, DropsLinesBelowTheLevelWithoutFormatting) {
    voip::log::set_level(voip::log::Level::error);
    EXPECT_FALSE(voip::log::enabled(voip::log::Level::debug));
    voip::log::debug("rtp", "jitter {} ms", 3);
    voip::log::warning("rtp", "late packet");
    EXPECT_TRUE(lines.empty());
    voip::log::error("rtp", "socket closed");
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_EQ(lines[0].message, "socket closed");
}

TEST_F(LogTest, OffSilencesEverything) {
    voip::log::set_level(voip::log::Level::off);
    voip::log::error("sip", "nobody hears this");
    EXPECT_TRUE(lines.empty());
}

TEST(Version, MatchesTheProjectVersion) {
    EXPECT_EQ(voip::version(), VOIP_EXPECTED_VERSION);
}

}  // namespace
