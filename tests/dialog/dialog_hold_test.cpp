// Hold/resume pauses the audio (issue 6): A calls B with AudioCall on both sides; A's hold
// re-INVITE (a=sendonly, RFC 3264 §8.4) reaches both AudioCalls through update_media(), so B
// (recvonly) stops sending while A keeps sending, and the resume makes RTP flow both ways again.

#include <voip/sip/dialog.hpp>

#include <gtest/gtest.h>

#include "dialog/dialog_test_util.hpp"

namespace voip::sip {
namespace {

using namespace std::chrono_literals;
using test::Events;
using test::RecordingDialog;
using test::run_until;

TEST(DialogHold, HoldPausesTheHeldSidesAudioAndResumeRestoresIt) {
    asio::io_context io;
    UserAgent a(io.get_executor(), test::agent_config("alice-ua"));
    UserAgent b(io.get_executor(), test::agent_config("bob-ua"));
    enable_calls(a, io, test::call_config());
    enable_calls(b, io, test::call_config());
    auto a_events = std::make_shared<Events>();
    auto b_events = std::make_shared<Events>();
    b.on_incoming<RecordingDialog>(b_events);

    const auto port = b.local_address(TransportKind::udp).port;
    const auto bob = Uri::parse("sip:bob@127.0.0.1:" + std::to_string(port)).value();
    auto a_dialog = a.make_dialog<RecordingDialog>(a_events);
    std::optional<std::error_code> dialed;
    std::shared_ptr<AudioCall> a_call;
    a_dialog->async_dial<AudioCall>(bob, [&](std::error_code ec, std::shared_ptr<AudioCall> c) {
        dialed = ec;
        a_call = std::move(c);
    });
    ASSERT_TRUE(run_until(io, [&] { return dialed.has_value(); }));
    ASSERT_EQ(*dialed, std::error_code{}) << dialed->message();
    ASSERT_TRUE(run_until(io, [&] { return b_events->confirmed == 1; }));
    ASSERT_TRUE(a_call);
    ASSERT_TRUE(b_events->call);
    AudioCall& b_call = *b_events->call;
    ASSERT_TRUE(run_until(io, [&] {
        return a_call->stats().packets_received > 3 && b_call.stats().packets_received > 3;
    }));

    std::optional<std::error_code> held;
    a_dialog->async_hold([&](std::error_code ec) { held = ec; });
    ASSERT_TRUE(run_until(io, [&] { return held.has_value() && b_events->media_changes == 1; }));
    ASSERT_EQ(*held, std::error_code{}) << held->message();
    EXPECT_EQ(a_call->media_direction(), sdp::Direction::sendonly);
    EXPECT_EQ(b_call.media_direction(), sdp::Direction::recvonly);

    test::run_for(io, 100ms);  // what B sent before the hold has arrived
    const auto a_received = a_call->stats().packets_received;
    const auto b_received = b_call.stats().packets_received;
    const auto b_decoded = b_call.audio_stats().frames_decoded;
    test::run_for(io, 500ms);
    // B may not send: nothing reaches A. A may send (music on hold): B keeps receiving and
    // decoding it.
    EXPECT_EQ(a_call->stats().packets_received, a_received) << "B sent while held";
    EXPECT_GE(b_call.stats().packets_received, b_received + 5) << "A stopped sending";
    EXPECT_GE(b_call.audio_stats().frames_decoded, b_decoded + 5);
    EXPECT_GE(b_call.audio_stats().frames_held, 10U);
    EXPECT_EQ(a_call->audio_stats().frames_held, 0U);

    std::optional<std::error_code> resumed;
    a_dialog->async_resume([&](std::error_code ec) { resumed = ec; });
    ASSERT_TRUE(run_until(io, [&] { return resumed.has_value() && b_events->media_changes == 2; }));
    ASSERT_EQ(*resumed, std::error_code{}) << resumed->message();
    EXPECT_EQ(a_call->media_direction(), sdp::Direction::sendrecv);
    EXPECT_EQ(b_call.media_direction(), sdp::Direction::sendrecv);
    const auto a_now = a_call->stats().packets_received;
    const auto b_now = b_call.stats().packets_received;
    EXPECT_TRUE(run_until(io,
                          [&] {
                              return a_call->stats().packets_received > a_now + 5 &&
                                     b_call.stats().packets_received > b_now + 5;
                          }))
        << "a: " << a_call->stats().packets_received - a_now
        << " b: " << b_call.stats().packets_received - b_now;

    std::optional<std::error_code> bye;
    a_dialog->async_bye([&](std::error_code ec) { bye = ec; });
    ASSERT_TRUE(run_until(io, [&] { return bye.has_value(); }));
    EXPECT_EQ(*bye, std::error_code{});
}

}  // namespace
}  // namespace voip::sip
