#include <voip/sip/dialog_error.hpp>
#include <voip/sip/dialog_state.hpp>

#include <gtest/gtest.h>

namespace voip::sip {
namespace {

TEST(DialogError, StatusErrorsCarryTheStatus) {
    const auto ec = make_status_error(486);
    EXPECT_EQ(status_of(ec), 486);
    EXPECT_EQ(ec.category(), status_category());
    EXPECT_EQ(ec.message(), "486 Busy Here");
    EXPECT_TRUE(static_cast<bool>(ec));
}

TEST(DialogError, OtherErrorsHaveNoStatus) {
    EXPECT_EQ(status_of(make_error_code(DialogErrc::glare)), 0);
    EXPECT_EQ(status_of(std::make_error_code(std::errc::timed_out)), 0);
    EXPECT_EQ(status_of(std::error_code{}), 0);
}

TEST(DialogError, DialogErrcMessages) {
    const std::error_code ec = DialogErrc::no_ack;
    EXPECT_STREQ(ec.category().name(), "voip.sip.dialog");
    EXPECT_EQ(ec.message(), "no ACK for the 2xx");
    EXPECT_NE(make_error_code(DialogErrc::shutdown), make_error_code(DialogErrc::glare));
}

TEST(DialogState, Names) {
    EXPECT_EQ(to_string(DialogState::early), "early");
    EXPECT_EQ(to_string(EndReason::remote_bye), "remote BYE");
}

}  // namespace
}  // namespace voip::sip
