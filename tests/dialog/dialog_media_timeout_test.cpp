// The media inactivity timeout (issue 11): A calls B with AudioCall on both sides and
// CallConfig::media_timeout = 1.5 s on A. When B's media stops without any SIP (the far end
// "vanished"), A notices the silence, sends BYE and ends with EndReason::failed +
// DialogErrc::media_timeout; a healthy call with the same short timeout stays up.

#include <voip/sip/dialog.hpp>

#include <gtest/gtest.h>

#include "dialog/dialog_test_util.hpp"

namespace voip::sip {
namespace {

using namespace std::chrono_literals;
using test::Events;
using test::RecordingDialog;
using test::run_until;

constexpr auto short_timeout = 1500ms;  // generous: a loaded CI box may starve the process

struct MediaTimeoutCall {
    asio::io_context io;
    UserAgent a{io.get_executor(), test::agent_config("alice-ua")};
    UserAgent b{io.get_executor(), test::agent_config("bob-ua")};
    std::shared_ptr<Events> a_events = std::make_shared<Events>();
    std::shared_ptr<Events> b_events = std::make_shared<Events>();
    std::shared_ptr<RecordingDialog> a_dialog;
    std::shared_ptr<AudioCall> a_call;

    // Dials B and waits until audio flows both ways.
    void connect() {
        auto a_config = test::call_config();
        a_config.media_timeout = short_timeout;
        enable_calls(a, io, a_config);
        enable_calls(b, io, test::call_config());
        b.on_incoming<RecordingDialog>(b_events);
        const auto port = b.local_address(TransportKind::udp).port;
        const auto bob = Uri::parse("sip:bob@127.0.0.1:" + std::to_string(port)).value();
        a_dialog = a.make_dialog<RecordingDialog>(a_events);
        std::optional<std::error_code> dialed;
        a_dialog->async_dial<AudioCall>(bob, [&](std::error_code ec, std::shared_ptr<AudioCall> c) {
            dialed = ec;
            a_call = std::move(c);
        });
        ASSERT_TRUE(run_until(io, [&] { return dialed.has_value(); }));
        ASSERT_EQ(*dialed, std::error_code{}) << dialed->message();
        ASSERT_TRUE(run_until(io, [&] { return b_events->confirmed == 1; }));
        ASSERT_TRUE(a_call);
        ASSERT_TRUE(b_events->call);
        ASSERT_TRUE(run_until(io, [&] {
            return a_call->stats().packets_received > 3 &&
                   b_events->call->stats().packets_received > 3;
        }));
    }
};

TEST(DialogMediaTimeout, DefaultIsThirtySeconds) {
    EXPECT_EQ(CallConfig{}.media_timeout, 30s);
    EXPECT_EQ(std::error_code(DialogErrc::media_timeout).message(),
              "no media received: the far end is gone");
}

TEST(DialogMediaTimeout, SilentFarEndIsHungUpWithMediaTimeout) {
    MediaTimeoutCall t;
    t.connect();
    if (HasFatalFailure()) return;

    // B vanishes from the media path only: no RTP, no RTCP, and no SIP from B.
    const auto stopped_at = std::chrono::steady_clock::now();
    t.b_events->call->stop_media();
    t.b_events->call->stop();

    ASSERT_TRUE(run_until(
        t.io, [&] { return t.a_events->ended.has_value(); }, 15s))
        << "A never noticed the silence";
    const auto took = std::chrono::steady_clock::now() - stopped_at;
    EXPECT_EQ(*t.a_events->ended, EndReason::failed);
    EXPECT_EQ(t.a_events->end_detail, make_error_code(DialogErrc::media_timeout))
        << t.a_events->end_detail.message();
    // Not before the timeout (less a little: packets in flight when B stopped), and bounded.
    EXPECT_GE(took, short_timeout - 100ms);
    EXPECT_LT(took, 10s);
    EXPECT_EQ(t.a_dialog->state(), DialogState::terminated);

    // The BYE reached B, which ends normally.
    ASSERT_TRUE(run_until(t.io, [&] { return t.b_events->ended.has_value(); }));
    EXPECT_EQ(t.b_events->byes, 1);
    EXPECT_EQ(*t.b_events->ended, EndReason::remote_bye);
    EXPECT_EQ(t.a_events->terminated_calls, 1);
}

TEST(DialogMediaTimeout, HealthyCallWithShortTimeoutStaysUp) {
    MediaTimeoutCall t;
    t.connect();
    if (HasFatalFailure()) return;

    test::run_for(t.io, 2 * short_timeout + 300ms);
    EXPECT_FALSE(t.a_events->ended.has_value()) << "ended: " << t.a_events->end_detail.message();
    EXPECT_FALSE(t.b_events->ended.has_value());
    EXPECT_EQ(t.a_dialog->state(), DialogState::confirmed);

    // It still ends normally.
    std::optional<std::error_code> bye;
    t.a_dialog->async_bye([&](std::error_code ec) { bye = ec; });
    ASSERT_TRUE(run_until(t.io, [&] { return bye.has_value() && t.b_events->ended.has_value(); }));
    EXPECT_EQ(*bye, std::error_code{}) << bye->message();
    EXPECT_EQ(*t.a_events->ended, EndReason::local_bye);
}

TEST(DialogMediaTimeout, HeldCallIsNotTimedOut) {
    MediaTimeoutCall t;
    t.connect();
    if (HasFatalFailure()) return;

    // A puts B on hold (a=sendonly): B sends no RTP to A by agreement, so A must not count
    // the silence.
    std::optional<std::error_code> held;
    t.a_dialog->async_hold([&](std::error_code ec) { held = ec; });
    ASSERT_TRUE(run_until(t.io, [&] { return held.has_value(); }));
    ASSERT_EQ(*held, std::error_code{}) << held->message();
    test::run_for(t.io, 2 * short_timeout + 300ms);
    EXPECT_FALSE(t.a_events->ended.has_value()) << "ended: " << t.a_events->end_detail.message();
    EXPECT_EQ(t.a_dialog->state(), DialogState::confirmed);
}

}  // namespace
}  // namespace voip::sip
