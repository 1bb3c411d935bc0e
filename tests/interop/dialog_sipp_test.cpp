// Dialogs (issue 6) against SIPp (Debian sip-tester, /usr/bin/sipp), started by each test on
// 127.0.0.1, over UDP and TCP (-t u1 / t1):
// (a) SIPp calls the library's UAS (tests/interop/sipp/dialog_uac_call.xml): INVITE with SDP,
//     100, 180, 200 with an SDP answer, ACK, BYE, 200. The Dialog rings, accepts with an
//     AudioCall after a short delay, sees on_bye; the layer ends with no dialog and no RTP port.
// (b) SIPp cancels the ringing call (dialog_uac_cancel.xml): CANCEL, 200, 487, ACK; the
//     Dialog sees on_cancel and ends `cancelled`.
// (c) SIPp answers the library's async_dial (dialog_uas_answer.xml: 100, 180, 200 with SDP)
//     and checks the ACK and the library's BYE (async_bye), which it answers 200.
// Both sides are checked: SIPp's exit code (0 = its one call succeeded, every check_it regexp
// matched) and the library's hooks, states and resources. A missing SIPp is a failure.

#include <voip/audio/audio_call.hpp>
#include <voip/sip/dialog.hpp>
#include <voip/sip/user_agent.hpp>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <gtest/gtest.h>

#include "run_loop.hpp"
#include "sipp.hpp"

namespace voip::sip {
namespace {

using namespace std::chrono_literals;
using interop::ChildProcess;

const interop::fs::path scenarios = interop::fs::path(VOIP_INTEROP_DIR) / "sipp";

// Generous bounds for a loaded 2-core machine; a passing run takes about 2 s.
constexpr auto sipp_limit = 20s;
constexpr auto settle_limit = 5s;

// One call over @p kind (to @p remote, if given), every message traced, bounded by 15 s.
interop::SippOptions options(TransportKind kind, std::string remote = {}) {
    auto call = interop::traced_call(kind == TransportKind::tcp, std::move(remote));
    call.timeout = "15s";
    return call;
}

// What a Dialog saw, kept outside it (the layer drops the Dialog once it ended).
struct CallLog {
    int invites = 0;
    int confirmed = 0;
    int byes = 0;
    int cancels = 0;
    int terminations = 0;
    int progress = 0;
    bool ringing_ok = false;
    bool accepted = false;          // accept() returned a session
    bool media_at_confirm = false;  // session() set when the dialog was confirmed
    DialogState state_at_confirm = DialogState::idle;
    std::string call_id;
    std::string remote_target;
    std::uint64_t frames_sent = 0;       // AudioCall packets sent before the call ended
    std::uint64_t packets_received = 0;  // RTP the far end sent us (SIPp echoes ours)
    std::optional<EndReason> reason;
    std::error_code detail;
};

// The library's UAS: rings, then (when @p answer) accepts with an AudioCall 100 ms later.
class Answerer : public Dialog {
public:
    Answerer(DialogContext context, CallLog* log, bool answer)
        : Dialog(context), log_(log), answer_(answer) {}

    void on_invite(const Request& /*invite*/) override {
        ++log_->invites;
        log_->call_id = call_id();
        log_->ringing_ok = ringing().has_value();
        if (!answer_) return;
        timer_ = std::make_shared<asio::steady_timer>(executor(), 100ms);
        timer_->async_wait([self = shared_from_this(), this](std::error_code ec) {
            if (ec || state() == DialogState::terminated) return;
            call_ = accept<audio::AudioCall>();
            log_->accepted = call_ != nullptr;
        });
    }
    void on_confirmed() override {
        ++log_->confirmed;
        log_->media_at_confirm = session() != nullptr;
        log_->state_at_confirm = state();
        log_->remote_target = remote_target().to_string();
    }
    void on_bye() override {
        ++log_->byes;
        if (call_) {
            log_->frames_sent = call_->audio_stats().frames_sent;
            log_->packets_received = call_->stats().packets_received;
        }
    }
    void on_cancel() override { ++log_->cancels; }
    void on_terminated(EndReason reason, std::error_code detail) override {
        ++log_->terminations;
        log_->reason = reason;
        log_->detail = detail;
        if (timer_) timer_->cancel();
    }

private:
    CallLog* log_;
    bool answer_;
    std::shared_ptr<asio::steady_timer> timer_;
    std::shared_ptr<audio::AudioCall> call_;
};

// The library's UAC: only records.
class Caller : public Dialog {
public:
    Caller(DialogContext context, CallLog* log) : Dialog(context), log_(log) {}
    void on_progress(const Response& /*provisional*/) override { ++log_->progress; }
    void on_confirmed() override {
        ++log_->confirmed;
        log_->media_at_confirm = session() != nullptr;
        log_->state_at_confirm = state();
        log_->remote_target = remote_target().to_string();
        log_->call_id = call_id();
    }
    void on_bye() override { ++log_->byes; }
    void on_terminated(EndReason reason, std::error_code detail) override {
        ++log_->terminations;
        log_->reason = reason;
        log_->detail = detail;
    }

private:
    CallLog* log_;
};

CallConfig loopback_calls() {
    CallConfig calls;
    calls.media_address = "127.0.0.1";
    calls.media.address = asio::ip::make_address("127.0.0.1");
    return calls;
}

UserAgentConfig loopback_ua() {
    UserAgentConfig config;
    config.listen = {"udp:127.0.0.1:0", "tcp:127.0.0.1:0"};
    return config;
}

class SippDialog : public ::testing::TestWithParam<TransportKind> {
protected:
    void SetUp() override {
        ASSERT_TRUE(interop::executable(interop::sipp))
            << interop::sipp << " not found: install Debian's sip-tester (scripts/setup-debian.sh)";
    }

    // SIPp places its one call from @p scenario to @p ua (bounded); then the layer settles: the
    // Dialog ended, no dialog and no RTP port left (SIPp exits once it has the last answer,
    // but let any last event run).
    void sipp_calls(UserAgent& ua, DialogLayer& layer, const CallLog& log,
                    const std::string& scenario, std::vector<std::string> extra = {}) {
        auto call =
            options(GetParam(), "127.0.0.1:" + std::to_string(ua.local_address(GetParam()).port));
        call.extra = std::move(extra);
        ChildProcess process(
            interop::sipp_args(scenarios / scenario, interop::free_port(), dir_.path(), call),
            dir_.path() / "sipp.out", dir_.path());
        auto code = process.wait(sipp_limit, [&] { interop::run_slice(io_); });
        ASSERT_TRUE(code.has_value()) << "sipp did not finish\n" << diagnostics(process);
        EXPECT_EQ(*code, 0) << diagnostics(process);
        EXPECT_TRUE(interop::run_until(
            io_,
            [&] {
                return log.terminations > 0 && layer.count() == 0 &&
                       layer.multiplexer().stats().open_sockets == 0;
            },
            settle_limit));
    }

    [[nodiscard]] std::string diagnostics(const ChildProcess& process) const {
        return interop::sipp_diagnostics(process, dir_.path());
    }
    // Every message SIPp sent and received.
    [[nodiscard]] std::string read_messages() const {
        return interop::read_text(interop::sipp_messages_file(dir_.path()));
    }

    interop::ScratchDir dir_{"voip-sipp-dialog"};
    asio::io_context io_;
};

TEST_P(SippDialog, SippCallsTheUasWhichRingsAcceptsAndSeesTheBye) {
    UserAgent ua{io_.get_executor(), loopback_ua()};
    auto& layer = enable_calls(ua, io_, loopback_calls());
    CallLog log;
    ua.on_incoming<Answerer>(&log, true);
    // -rtp_echo: SIPp returns our RTP from its SDP port, so media flows both ways.
    ASSERT_NO_FATAL_FAILURE(sipp_calls(ua, layer, log, "dialog_uac_call.xml", {"-rtp_echo"}));

    EXPECT_EQ(log.invites, 1);
    EXPECT_TRUE(log.ringing_ok);
    EXPECT_TRUE(log.accepted);
    EXPECT_EQ(log.confirmed, 1);
    EXPECT_TRUE(log.media_at_confirm);
    EXPECT_EQ(log.state_at_confirm, DialogState::confirmed);
    // The remote target is SIPp's Contact URI, no display name or brackets.
    EXPECT_EQ(log.remote_target.rfind("sip:sipp@127.0.0.1:", 0), 0U) << log.remote_target;
    EXPECT_EQ(log.byes, 1);
    // A second of call at 20 ms a packet: the AudioCall sent, and got SIPp's echo back.
    EXPECT_GT(log.frames_sent, 0U);
    EXPECT_GT(log.packets_received, 0U);
    EXPECT_EQ(log.cancels, 0);
    EXPECT_EQ(log.terminations, 1);
    ASSERT_TRUE(log.reason.has_value());
    EXPECT_EQ(*log.reason, EndReason::remote_bye);
    EXPECT_EQ(layer.count(), 0U);
    EXPECT_EQ(layer.multiplexer().stats().open_sockets, 0U);
    // SIPp saw the library's 180 and 200 (its message trace), so the hooks above are not the
    // only evidence.
    const auto messages = read_messages();
    EXPECT_NE(messages.find("SIP/2.0 180"), std::string::npos);
    EXPECT_NE(messages.find("SIP/2.0 200"), std::string::npos);
    EXPECT_NE(messages.find(log.call_id), std::string::npos);
}

TEST_P(SippDialog, SippCancelsARingingCall) {
    UserAgent ua{io_.get_executor(), loopback_ua()};
    auto& layer = enable_calls(ua, io_, loopback_calls());
    CallLog log;
    ua.on_incoming<Answerer>(&log, false);  // rings until cancelled
    ASSERT_NO_FATAL_FAILURE(sipp_calls(ua, layer, log, "dialog_uac_cancel.xml"));

    EXPECT_EQ(log.invites, 1);
    EXPECT_TRUE(log.ringing_ok);
    EXPECT_EQ(log.cancels, 1);
    EXPECT_EQ(log.confirmed, 0);
    EXPECT_EQ(log.byes, 0);
    EXPECT_EQ(log.terminations, 1);
    ASSERT_TRUE(log.reason.has_value());
    EXPECT_EQ(*log.reason, EndReason::cancelled);
    EXPECT_EQ(layer.count(), 0U);
    EXPECT_EQ(layer.multiplexer().stats().open_sockets, 0U);
    const auto messages = read_messages();
    EXPECT_NE(messages.find("SIP/2.0 487"), std::string::npos);
}

TEST_P(SippDialog, SippAnswersTheDialAndGetsTheBye) {
    const auto sipp_port = interop::free_port();
    ChildProcess process(interop::sipp_args(scenarios / "dialog_uas_answer.xml", sipp_port,
                                            dir_.path(), options(GetParam())),
                         dir_.path() / "sipp.out", dir_.path());
    // Wait until SIPp listens (bounded).
    interop::wait_listening(process, sipp_port, GetParam() == TransportKind::tcp, 5s);
    ASSERT_FALSE(process.poll().has_value()) << "sipp exited early\n" << diagnostics(process);

    UserAgent ua{io_.get_executor(), loopback_ua()};
    auto& layer = enable_calls(ua, io_, loopback_calls());
    CallLog log;
    auto dialog = ua.make_dialog<Caller>(&log);
    std::string target = "sip:sipp@127.0.0.1:" + std::to_string(sipp_port);
    if (GetParam() == TransportKind::tcp) target += ";transport=tcp";

    std::optional<std::error_code> dialled;
    std::shared_ptr<audio::AudioCall> call;
    std::optional<std::error_code> bye;
    dialog->async_dial<audio::AudioCall>(
        Uri::parse(target).value(),
        [&](std::error_code ec, std::shared_ptr<audio::AudioCall> session) {
            dialled = ec;
            call = std::move(session);
            if (!ec) dialog->async_bye([&](std::error_code bye_ec) { bye = bye_ec; });
        });

    auto code = process.wait(sipp_limit, [&] { interop::run_slice(io_); });
    ASSERT_TRUE(code.has_value()) << "sipp did not finish\n" << diagnostics(process);
    EXPECT_EQ(*code, 0) << diagnostics(process);
    EXPECT_TRUE(interop::run_until(
        io_, [&] { return bye.has_value() && layer.count() == 0; }, settle_limit));

    ASSERT_TRUE(dialled.has_value());
    EXPECT_FALSE(*dialled) << dialled->message();
    EXPECT_NE(call, nullptr);
    EXPECT_GE(log.progress, 1);  // SIPp's 100 and 180
    EXPECT_EQ(log.confirmed, 1);
    EXPECT_TRUE(log.media_at_confirm);
    EXPECT_EQ(log.state_at_confirm, DialogState::confirmed);
    EXPECT_EQ(log.remote_target.rfind("sip:sipp@127.0.0.1:", 0), 0U) << log.remote_target;
    ASSERT_TRUE(bye.has_value());
    EXPECT_FALSE(*bye) << bye->message();
    EXPECT_EQ(log.byes, 0);  // we hung up, not SIPp
    EXPECT_EQ(log.terminations, 1);
    ASSERT_TRUE(log.reason.has_value());
    EXPECT_EQ(*log.reason, EndReason::local_bye);
    EXPECT_EQ(dialog->state(), DialogState::terminated);
    EXPECT_EQ(layer.count(), 0U);
    call.reset();  // the ports close when the media stops, whoever still holds the session
    EXPECT_TRUE(interop::run_until(
        io_, [&] { return layer.multiplexer().stats().open_sockets == 0; }, settle_limit));
    const auto messages = read_messages();
    EXPECT_NE(messages.find("BYE sip:sipp@127.0.0.1:"), std::string::npos);
    EXPECT_NE(messages.find(log.call_id), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Transports, SippDialog,
                         ::testing::Values(TransportKind::udp, TransportKind::tcp),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace voip::sip
