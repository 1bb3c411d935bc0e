// Loopback calls between two UserAgents (issue 6, "Must show" 1): each over UDP and TCP.

#include <voip/sip/dialog.hpp>

#include <gtest/gtest.h>

#include "dialog/dialog_test_util.hpp"

namespace voip::sip {
namespace {

using namespace std::chrono_literals;
using test::Events;
using test::RecordingDialog;
using test::run_until;

class Call : public ::testing::TestWithParam<TransportKind> {
protected:
    Call()
        : a(io.get_executor(), test::agent_config("alice-ua")),
          b(io.get_executor(), test::agent_config("bob-ua")) {
        layer_a = &enable_calls(a, io, test::call_config());
        layer_b = &enable_calls(b, io, test::call_config());
        b.on_incoming<RecordingDialog>(b_events);
    }

    [[nodiscard]] Uri bob() const {
        const auto local = b.local_address(GetParam());
        std::string text = "sip:bob@127.0.0.1:" + std::to_string(local.port);
        if (GetParam() == TransportKind::tcp) text += ";transport=tcp";
        return Uri::parse(text).value();
    }

    // A dials B; returns when the dial completed.
    void dial() {
        a_dialog = a.make_dialog<RecordingDialog>(a_events);
        a_dialog->async_dial<AudioCall>(
            bob(), [this](std::error_code ec, std::shared_ptr<AudioCall> call) {
                dial_result = ec;
                a_call = std::move(call);
            });
        ASSERT_TRUE(run_until(io, [&] { return dial_result.has_value(); }));
    }

    void expect_call_up() {
        ASSERT_EQ(*dial_result, std::error_code{}) << dial_result->message();
        ASSERT_TRUE(a_call);
        ASSERT_TRUE(run_until(io, [&] { return b_events->confirmed == 1; }));
        ASSERT_TRUE(b_events->call);
        EXPECT_EQ(a_dialog->state(), DialogState::confirmed);
        EXPECT_EQ(b_events->dialog->state(), DialogState::confirmed);
        EXPECT_EQ(a_dialog->session(), a_call.get());
        EXPECT_EQ(b_events->dialog->session(), b_events->call.get());
        // RFC 3261 §12: both sides agree on the dialog id.
        EXPECT_EQ(a_dialog->call_id(), b_events->dialog->call_id());
        EXPECT_EQ(a_dialog->local_tag(), b_events->dialog->remote_tag());
        EXPECT_EQ(a_dialog->remote_tag(), b_events->dialog->local_tag());
        EXPECT_FALSE(a_dialog->is_uas());
        EXPECT_TRUE(b_events->dialog->is_uas());
        EXPECT_EQ(a_events->confirmed, 1);
        EXPECT_EQ(layer_a->count(), 1U);
        EXPECT_EQ(layer_b->count(), 1U);
        // RTP flows both ways.
        ASSERT_TRUE(run_until(io, [&] {
            return a_call->stats().packets_received > 3 &&
                   b_events->call->stats().packets_received > 3;
        }));
    }

    // Nothing left: dialogs, RTP sockets, transactions (after their timers).
    void expect_all_gone() {
        EXPECT_TRUE(run_until(io, [&] { return layer_a->count() == 0 && layer_b->count() == 0; }));
        EXPECT_EQ(a.active_dialogs(), 0U);
        EXPECT_EQ(b.active_dialogs(), 0U);
        EXPECT_EQ(layer_a->multiplexer().stats().open_sockets, 0U);
        EXPECT_EQ(layer_b->multiplexer().stats().open_sockets, 0U);
        EXPECT_TRUE(run_until(io,
                              [&] {
                                  return a.transactions().client_count() +
                                             a.transactions().server_count() +
                                             b.transactions().client_count() +
                                             b.transactions().server_count() ==
                                         0;
                              }))
            << "a: " << a.transactions().client_count() << "/" << a.transactions().server_count()
            << " b: " << b.transactions().client_count() << "/" << b.transactions().server_count();
    }

    asio::io_context io;
    UserAgent a;
    UserAgent b;
    DialogLayer* layer_a = nullptr;
    DialogLayer* layer_b = nullptr;
    std::shared_ptr<Events> a_events = std::make_shared<Events>();
    std::shared_ptr<Events> b_events = std::make_shared<Events>();
    std::shared_ptr<RecordingDialog> a_dialog;
    std::optional<std::error_code> dial_result;
    std::shared_ptr<AudioCall> a_call;
};

TEST_P(Call, CallerHangsUp) {
    dial();
    expect_call_up();
    EXPECT_EQ(b_events->invites, 1);
    std::optional<std::error_code> hung_up;
    // rtp::Session::hang_up → SessionOwner (the dialog) → BYE.
    a_call->hang_up([&](std::error_code ec) { hung_up = ec; });
    ASSERT_TRUE(run_until(io, [&] { return hung_up.has_value(); }));
    EXPECT_EQ(*hung_up, std::error_code{}) << hung_up->message();
    EXPECT_EQ(b_events->byes, 1);
    EXPECT_EQ(a_events->byes, 0);
    EXPECT_EQ(a_events->ended, EndReason::local_bye);
    EXPECT_EQ(b_events->ended, EndReason::remote_bye);
    EXPECT_EQ(a_events->terminated_calls, 1);
    EXPECT_EQ(b_events->terminated_calls, 1);
    EXPECT_FALSE(a_call->media_started());
    EXPECT_FALSE(b_events->call->media_started());
    expect_all_gone();
}

TEST_P(Call, CalleeHangsUp) {
    dial();
    expect_call_up();
    std::optional<std::error_code> bye;
    b_events->dialog->async_bye([&](std::error_code ec) { bye = ec; });
    ASSERT_TRUE(run_until(io, [&] { return bye.has_value(); }));
    EXPECT_EQ(*bye, std::error_code{});
    EXPECT_EQ(a_events->byes, 1);
    EXPECT_EQ(b_events->byes, 0);
    EXPECT_EQ(a_events->ended, EndReason::remote_bye);
    EXPECT_EQ(b_events->ended, EndReason::local_bye);
    expect_all_gone();
}

TEST_P(Call, CallerCancelsWhileRinging) {
    b_events->plan = Events::Plan::ring;
    std::optional<std::error_code> cancelled;
    a_events->after_progress = [&](Dialog& d) {
        if (d.state() == DialogState::early && !cancelled) {
            cancelled = std::error_code{DialogErrc::wrong_state};  // replaced below
            d.async_cancel([&](std::error_code ec) { cancelled = ec; });
        }
    };
    dial();
    EXPECT_EQ(status_of(*dial_result), 487) << dial_result->message();
    EXPECT_FALSE(a_call);
    ASSERT_TRUE(run_until(io, [&] { return b_events->cancels == 1 && b_events->ended; }));
    ASSERT_TRUE(run_until(io, [&] { return cancelled && !*cancelled; }));
    EXPECT_EQ(a_events->ended, EndReason::cancelled);
    EXPECT_EQ(b_events->ended, EndReason::cancelled);
    EXPECT_NE(std::find(a_events->progress.begin(), a_events->progress.end(), 180),
              a_events->progress.end());
    expect_all_gone();
}

TEST_P(Call, CancelRightAfterDialWaitsForAProvisional) {
    b_events->plan = Events::Plan::ring;
    a_dialog = a.make_dialog<RecordingDialog>(a_events);
    a_dialog->async_dial<AudioCall>(
        bob(), [this](std::error_code ec, std::shared_ptr<AudioCall>) { dial_result = ec; });
    std::optional<std::error_code> cancelled;
    a_dialog->async_cancel([&](std::error_code ec) { cancelled = ec; });  // no 1xx yet
    ASSERT_TRUE(run_until(io, [&] { return dial_result.has_value() && cancelled.has_value(); }));
    EXPECT_EQ(status_of(*dial_result), 487);
    EXPECT_FALSE(a_events->progress.empty());  // the CANCEL went after a provisional
    EXPECT_EQ(*cancelled, std::error_code{});
    expect_all_gone();
}

TEST_P(Call, RingTimeoutAnswers480) {
    b.set_dialog_handler(nullptr);
    auto ring = test::call_config();
    ring.ring_timeout = 200ms;
    layer_b = &enable_calls(b, io, ring);
    b.on_incoming<RecordingDialog>(b_events);
    b_events->plan = Events::Plan::ring;
    dial();
    EXPECT_EQ(status_of(*dial_result), 480);
    EXPECT_EQ(b_events->ended, EndReason::timeout);
    expect_all_gone();
}

TEST_P(Call, CalleeRejects603) {
    b_events->plan = Events::Plan::reject;
    b_events->reject_status = 603;
    dial();
    EXPECT_EQ(status_of(*dial_result), 603);
    EXPECT_EQ(dial_result->category(), status_category());
    EXPECT_EQ(a_events->ended, EndReason::rejected);
    EXPECT_EQ(b_events->ended, EndReason::rejected);
    EXPECT_EQ(status_of(a_events->end_detail), 603);
    expect_all_gone();
}

TEST_P(Call, DefaultDialogRejects486) {
    b.on_incoming<Dialog>();
    dial();
    EXPECT_EQ(status_of(*dial_result), 486);
    expect_all_gone();
}

TEST_P(Call, HoldAndResume) {
    dial();
    expect_call_up();
    std::optional<std::error_code> held;
    a_dialog->async_hold([&](std::error_code ec) { held = ec; });
    ASSERT_TRUE(run_until(io, [&] { return held.has_value(); }));
    ASSERT_EQ(*held, std::error_code{}) << held->message();
    ASSERT_TRUE(run_until(io, [&] { return b_events->media_changes == 1; }));
    // RFC 3264 §8.4: A offered sendonly, B answered recvonly.
    ASSERT_TRUE(a_dialog->negotiated());
    ASSERT_TRUE(b_events->dialog->negotiated());
    EXPECT_EQ(a_dialog->negotiated()->direction, sdp::Direction::sendonly);
    EXPECT_EQ(b_events->dialog->negotiated()->direction, sdp::Direction::recvonly);
    const auto& offer = *b_events->dialog->remote_sdp();
    EXPECT_EQ(offer.direction_of(offer.media.front()), sdp::Direction::sendonly);
    EXPECT_EQ(a_events->media_changes, 1);

    std::optional<std::error_code> resumed;
    a_dialog->async_resume([&](std::error_code ec) { resumed = ec; });
    ASSERT_TRUE(run_until(io, [&] { return resumed.has_value(); }));
    ASSERT_EQ(*resumed, std::error_code{}) << resumed->message();
    ASSERT_TRUE(run_until(io, [&] { return b_events->media_changes == 2; }));
    EXPECT_EQ(a_dialog->negotiated()->direction, sdp::Direction::sendrecv);
    EXPECT_EQ(b_events->dialog->negotiated()->direction, sdp::Direction::sendrecv);
    EXPECT_EQ(a_dialog->local_cseq(), 3U);  // INVITE, hold, resume
    EXPECT_EQ(b_events->dialog->remote_cseq(), 3U);

    std::optional<std::error_code> bye;
    a_dialog->async_bye([&](std::error_code ec) { bye = ec; });
    ASSERT_TRUE(run_until(io, [&] { return bye.has_value(); }));
    EXPECT_EQ(b_events->byes, 1);
    expect_all_gone();
}

TEST_P(Call, InfoReachesTheOtherSide) {
    dial();
    expect_call_up();
    std::optional<std::error_code> sent;
    int status = 0;
    a_dialog->async_send_info("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n",
                              [&](std::error_code ec, const Response& r) {
                                  sent = ec;
                                  status = r.status_code();
                              });
    ASSERT_TRUE(run_until(io, [&] { return sent.has_value(); }));
    EXPECT_EQ(*sent, std::error_code{});
    EXPECT_EQ(status, 200);
    EXPECT_EQ(b_events->infos, 1);
    EXPECT_EQ(b_events->info_body, "Signal=5\r\nDuration=160\r\n");
    a_dialog->async_bye([](std::error_code) {});
    expect_all_gone();
}

TEST_P(Call, GlareOnSimultaneousReinvites) {
    dial();
    expect_call_up();
    std::optional<std::error_code> a_held;
    std::optional<std::error_code> b_held;
    // Both re-INVITE at once: each gets 491 and retries after the §14.1 back-off.
    a_dialog->async_hold([&](std::error_code ec) { a_held = ec; });
    b_events->dialog->async_hold([&](std::error_code ec) { b_held = ec; });
    ASSERT_TRUE(run_until(io, [&] { return a_held && b_held; }));
    EXPECT_EQ(*a_held, std::error_code{}) << a_held->message();
    EXPECT_EQ(*b_held, std::error_code{}) << b_held->message();
    EXPECT_GE(a_dialog->glare_retries() + b_events->dialog->glare_retries(), 1U);
    // Both offered sendonly in the end; the last answer was inactive (both on hold).
    EXPECT_EQ(a_dialog->negotiated()->direction, b_events->dialog->negotiated()->direction);
    a_dialog->async_bye([](std::error_code) {});
    expect_all_gone();
}

TEST_P(Call, EarlyMediaThenAnswer) {
    b_events->plan = Events::Plan::early_media;
    a_dialog = a.make_dialog<RecordingDialog>(a_events);
    a_dialog->async_dial<AudioCall>(bob(),
                                    [this](std::error_code ec, std::shared_ptr<AudioCall> call) {
                                        dial_result = ec;
                                        a_call = std::move(call);
                                    });
    ASSERT_TRUE(run_until(io, [&] {
        return std::find(a_events->progress.begin(), a_events->progress.end(), 183) !=
               a_events->progress.end();
    }));
    ASSERT_TRUE(b_events->call);
    EXPECT_EQ(a_dialog->state(), DialogState::early);
    // Early media flows B → A before the answer.
    ASSERT_TRUE(a_dialog->session());
    ASSERT_TRUE(run_until(io, [&] { return a_dialog->session()->stats().packets_received > 3; }));
    EXPECT_FALSE(dial_result);
    auto answered = b_events->dialog->accept<AudioCall>();
    EXPECT_EQ(answered, b_events->call);  // the early session is reused
    ASSERT_TRUE(run_until(io, [&] { return dial_result.has_value(); }));
    expect_call_up();
    a_call->hang_up([](std::error_code) {});
    expect_all_gone();
}

TEST_P(Call, ByeForUnknownDialogGets481) {
    Request bye = a.make_request(Method::bye, bob());
    bye.set_header(HeaderId::to, "<" + bob().to_string() + ">;tag=nosuchdialog");
    std::optional<int> status;
    a.async_send_request(std::move(bye), b.local_address(GetParam()),
                         [&](std::error_code, const Response& r) { status = r.status_code(); });
    ASSERT_TRUE(run_until(io, [&] { return status.has_value(); }));
    EXPECT_EQ(*status, 481);
}

TEST_P(Call, MaxDialogsAnswers503WithRetryAfter) {
    b.set_dialog_handler(nullptr);
    auto limited = test::call_config();
    limited.max_dialogs = 1;
    limited.retry_after_seconds = 7;
    layer_b = &enable_calls(b, io, limited);
    b.on_incoming<RecordingDialog>(b_events);
    b_events->plan = Events::Plan::ring;  // the first call stays ringing
    auto first = a.make_dialog<RecordingDialog>(a_events);
    first->async_dial<AudioCall>(bob(), [](std::error_code, std::shared_ptr<AudioCall>) {});
    ASSERT_TRUE(run_until(io, [&] { return layer_b->count() == 1; }));
    auto second_events = std::make_shared<Events>();
    auto second = a.make_dialog<RecordingDialog>(second_events);
    std::optional<std::error_code> result;
    second->async_dial<AudioCall>(
        bob(), [&](std::error_code ec, std::shared_ptr<AudioCall>) { result = ec; });
    ASSERT_TRUE(run_until(io, [&] { return result.has_value(); }));
    EXPECT_EQ(status_of(*result), 503);
    EXPECT_EQ(b_events->invites, 1);
    first->async_bye([](std::error_code) {});  // a CANCEL: not answered yet
    ASSERT_TRUE(run_until(io, [&] { return b_events->cancels == 1; }));
    expect_all_gone();
}

TEST_P(Call, SrtpPreferredFallsBackToRtpAfter488) {
    a.set_dialog_handler(nullptr);
    auto srtp = test::call_config();
    srtp.srtp = sdp::CryptoPolicy::preferred;
    layer_a = &enable_calls(a, io, srtp);  // B keeps CryptoPolicy::off: refuses RTP/SAVP
    dial();
    expect_call_up();
    ASSERT_TRUE(a_dialog->negotiated());
    EXPECT_FALSE(a_dialog->negotiated()->srtp);
    EXPECT_EQ(a_dialog->local_sdp()->media.front().protocol, "RTP/AVP");
    EXPECT_EQ(a_dialog->local_cseq(), 2U);  // the INVITE was sent twice
    a_call->hang_up([](std::error_code) {});
    expect_all_gone();
}

TEST_P(Call, SrtpBothSides) {
    a.set_dialog_handler(nullptr);
    b.set_dialog_handler(nullptr);
    auto srtp = test::call_config();
    srtp.srtp = sdp::CryptoPolicy::required;
    layer_a = &enable_calls(a, io, srtp);
    layer_b = &enable_calls(b, io, srtp);
    b.on_incoming<RecordingDialog>(b_events);
    dial();
    expect_call_up();  // RTP decrypts both ways
    ASSERT_TRUE(a_dialog->negotiated()->srtp);
    EXPECT_FALSE(a_call->srtp_suite().empty());
    EXPECT_EQ(a_call->srtp_suite(), b_events->call->srtp_suite());
    a_call->hang_up([](std::error_code) {});
    expect_all_gone();
}

TEST_P(Call, DestroyingTheLayerEndsCallsWithoutCallbacks) {
    dial();
    expect_call_up();
    const int before = b_events->terminated_calls;
    b.set_dialog_handler(nullptr);  // B's layer goes away: best-effort BYE, no hook
    EXPECT_EQ(b_events->terminated_calls, before);
    EXPECT_FALSE(b_events->call->media_started());
    ASSERT_TRUE(run_until(io, [&] { return a_events->byes == 1; }));
    EXPECT_EQ(a_events->ended, EndReason::remote_bye);
    test::run_for(io, 50ms);
    EXPECT_EQ(b_events->terminated_calls, before);
    std::optional<std::error_code> late;
    b_events->dialog->async_bye([&](std::error_code ec) { late = ec; });
    ASSERT_TRUE(run_until(io, [&] { return late.has_value(); }));
    EXPECT_EQ(*late, make_error_code(DialogErrc::shutdown));
}

INSTANTIATE_TEST_SUITE_P(Transports, Call,
                         ::testing::Values(TransportKind::udp, TransportKind::tcp),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace voip::sip
