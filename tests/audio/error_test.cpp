#include <voip/audio/error.hpp>

#include <gtest/gtest.h>

namespace {

using voip::audio::Errc;

TEST(AudioError, CategoryAndMessages) {
    const std::error_code ec = Errc::no_telephone_event;
    EXPECT_STREQ(ec.category().name(), "voip.audio");
    EXPECT_EQ(ec.message(), "telephone-event not negotiated");
    for (const auto e : {Errc::not_started, Errc::already_started, Errc::no_telephone_event,
                         Errc::direction_forbids, Errc::bad_remote_address, Errc::codec_changed}) {
        EXPECT_NE(std::error_code(e).message(), "unknown audio error");
    }
    EXPECT_EQ(std::error_code(static_cast<Errc>(999)).message(), "unknown audio error");
}

}  // namespace
