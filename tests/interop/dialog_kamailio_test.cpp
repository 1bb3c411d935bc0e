// Dialogs (issue 6) through Kamailio (/usr/sbin/kamailio) as registrar and record-routing
// proxy: the test writes tests/interop/kamailio/proxy.cfg.in with a free port into a scratch
// dir, validates it with `kamailio -c`, starts it, and then two library UserAgents register
// as alice and bob (digest, 401), alice calls bob through the proxy (the INVITE is challenged
// with 407 and answered with alice's credentials), bob accepts with an AudioCall, bob hangs
// up. Checked: both route sets hold the proxy's Record-Route (RFC 3261 §12.1.1/§12.1.2), bob's
// remote target is alice's Contact (so the BYE can only reach alice through the Route), the
// proxy logged the ACK and the BYE of this Call-ID as routed in-dialog (loose_route), alice's
// on_bye ran, both layers end with no dialog and no RTP port. Over UDP and TCP.
// A missing Kamailio is a failure, never a silent pass.

#include <voip/audio/audio_call.hpp>
#include <voip/sip/dialog.hpp>
#include <voip/sip/user_agent.hpp>

#include <asio/io_context.hpp>
#include <gtest/gtest.h>

#include "kamailio.hpp"
#include "run_loop.hpp"

namespace voip::sip {
namespace {

using namespace std::chrono_literals;
using interop::run_until;

// What a Dialog saw, kept outside it (the layer drops the Dialog once it ended).
struct CallLog {
    int invites = 0;
    int confirmed = 0;
    int byes = 0;
    int terminations = 0;
    bool accepted = false;
    bool media_at_confirm = false;
    std::string call_id;
    std::string remote_target;
    std::vector<std::string> route_set;  // URIs of the route set at confirmation
    std::optional<EndReason> reason;
};

void record_confirmed(const Dialog& dialog, CallLog& log) {
    ++log.confirmed;
    log.media_at_confirm = dialog.session() != nullptr;
    log.call_id = dialog.call_id();
    log.remote_target = dialog.remote_target().to_string();
    log.route_set.clear();
    for (const auto& route : dialog.route_set())
        log.route_set.push_back(route.uri().to_string());
}

// Alice: only records.
class Caller : public Dialog {
public:
    Caller(DialogContext context, CallLog* log) : Dialog(context), log_(log) {}
    void on_confirmed() override { record_confirmed(*this, *log_); }
    void on_bye() override { ++log_->byes; }
    void on_terminated(EndReason reason, std::error_code /*detail*/) override {
        ++log_->terminations;
        log_->reason = reason;
    }

protected:
    [[nodiscard]] CallLog& log() const { return *log_; }

private:
    CallLog* log_;
};

// Bob: records the same, and rings and accepts at once.
class Callee : public Caller {
public:
    using Caller::Caller;
    void on_invite(const Request& /*invite*/) override {
        ++log().invites;
        (void)ringing();
        log().accepted = accept<audio::AudioCall>() != nullptr;
    }
};

class KamailioDialog : public interop::KamailioSuite<KamailioDialog, TransportKind> {
public:
    static interop::fs::path config_template() {
        return interop::fs::path(VOIP_INTEROP_DIR) / "kamailio" / "proxy.cfg.in";
    }
    static constexpr const char* scratch_prefix = "voip-kamailio-dialog";

protected:
    // A UserAgent registered at the proxy as @p user (its dialog layer on @p io).
    std::unique_ptr<UserAgent> make_user(asio::io_context& io, const std::string& user,
                                         const std::string& password) {
        UserAgentConfig config;
        config.listen = {"udp:127.0.0.1:0", "tcp:127.0.0.1:0"};
        config.keepalive.enabled = false;  // not under test; keeps the proxy log to the call
        AccountConfig account;
        account.aor = Uri::parse("sip:" + user + "@kamailio.test").value();
        account.password = password;
        account.outbound_proxy =
            std::string(to_string(GetParam())) + ":127.0.0.1:" + std::to_string(port());
        account.expires = 120;
        config.account = account;
        auto ua = std::make_unique<UserAgent>(io.get_executor(), config);
        CallConfig calls;
        calls.media_address = "127.0.0.1";
        calls.media.address = asio::ip::make_address("127.0.0.1");
        enable_calls(*ua, io, calls);
        return ua;
    }

    static std::optional<std::error_code> register_user(asio::io_context& io, UserAgent& ua) {
        std::optional<std::error_code> result;
        ua.async_register([&](std::error_code ec) { result = ec; });
        run_until(
            io, [&] { return result.has_value(); }, 15s);
        return result;
    }
};

TEST_P(KamailioDialog, AliceCallsBobThroughTheProxyAndBobHangsUpAlongTheRouteSet) {
    asio::io_context io;
    auto alice = make_user(io, "alice", "alice-secret");
    auto bob = make_user(io, "bob", "bob-secret");
    for (auto* ua : {alice.get(), bob.get()}) {
        auto registered = register_user(io, *ua);
        ASSERT_TRUE(registered.has_value()) << "no answer\n" << proxy_log();
        ASSERT_FALSE(*registered) << registered->message() << "\n" << proxy_log();
    }
    CallLog alice_log;
    CallLog bob_log;
    bob->on_incoming<Callee>(&bob_log);

    // Alice dials bob at the proxy: Kamailio challenges (407), looks bob up, record-routes.
    auto dialog = alice->make_dialog<Caller>(&alice_log);
    std::string target = "sip:bob@127.0.0.1:" + std::to_string(port());
    if (GetParam() == TransportKind::tcp) target += ";transport=tcp";
    std::optional<std::error_code> dialled;
    std::shared_ptr<audio::AudioCall> call;
    dialog->async_dial<audio::AudioCall>(
        Uri::parse(target).value(),
        [&](std::error_code ec, std::shared_ptr<audio::AudioCall> session) {
            dialled = ec;
            call = std::move(session);
        });
    ASSERT_TRUE(run_until(
        io, [&] { return dialled.has_value() && bob_log.confirmed > 0; }, 15s))
        << "dialled: " << dialled.has_value() << " bob confirmed: " << bob_log.confirmed << "\n"
        << proxy_log();
    ASSERT_FALSE(*dialled) << dialled->message() << "\n" << proxy_log();
    EXPECT_NE(call, nullptr);
    EXPECT_EQ(bob_log.invites, 1);
    EXPECT_TRUE(bob_log.accepted);
    EXPECT_TRUE(alice_log.media_at_confirm);
    EXPECT_TRUE(bob_log.media_at_confirm);
    EXPECT_EQ(alice_log.call_id, bob_log.call_id);

    // Record-Route honoured: one entry, the proxy, on both sides (RFC 3261 §12.1.1: the UAS
    // copies Record-Route; §12.1.2: the UAC reverses it).
    const std::string proxy = "sip:127.0.0.1:" + std::to_string(port());
    ASSERT_EQ(bob_log.route_set.size(), 1U) << proxy_log();
    EXPECT_EQ(bob_log.route_set[0].rfind(proxy, 0), 0U) << bob_log.route_set[0];
    EXPECT_NE(bob_log.route_set[0].find(";lr"), std::string::npos) << bob_log.route_set[0];
    ASSERT_EQ(alice_log.route_set.size(), 1U);
    EXPECT_EQ(alice_log.route_set[0].rfind(proxy, 0), 0U) << alice_log.route_set[0];
    // Bob's remote target is alice's Contact, not the proxy: the BYE's Request-URI is alice,
    // its first hop the Route.
    const auto alice_port = alice->local_address(GetParam()).port;
    EXPECT_NE(bob_log.remote_target.find("127.0.0.1:" + std::to_string(alice_port)),
              std::string::npos)
        << bob_log.remote_target;

    // Bob hangs up.
    EXPECT_EQ(bob->active_dialogs(), 1U);
    auto dialogs = dialog_layer(*bob).dialogs();
    ASSERT_EQ(dialogs.size(), 1U);
    std::optional<std::error_code> bye;
    dialogs[0]->async_bye([&](std::error_code ec) { bye = ec; });
    dialogs.clear();
    ASSERT_TRUE(run_until(
        io,
        [&] {
            return bye.has_value() && alice_log.terminations > 0 &&
                   dialog_layer(*alice).count() == 0 && dialog_layer(*bob).count() == 0;
        },
        15s))
        << proxy_log();
    EXPECT_FALSE(*bye) << bye->message();
    EXPECT_EQ(alice_log.byes, 1);
    ASSERT_TRUE(alice_log.reason.has_value());
    EXPECT_EQ(*alice_log.reason, EndReason::remote_bye);
    EXPECT_EQ(bob_log.byes, 0);
    ASSERT_TRUE(bob_log.reason.has_value());
    EXPECT_EQ(*bob_log.reason, EndReason::local_bye);
    EXPECT_EQ(alice_log.terminations, 1);
    EXPECT_EQ(bob_log.terminations, 1);
    call.reset();  // the ports close when the media stops, whoever still holds the session
    EXPECT_TRUE(run_until(
        io,
        [&] {
            return dialog_layer(*alice).multiplexer().stats().open_sockets == 0 &&
                   dialog_layer(*bob).multiplexer().stats().open_sockets == 0;
        },
        5s));

    // The proxy challenged alice's INVITE (407) and routed this call's ACK and BYE inside the
    // dialog (its loose_route branch).
    const auto log = proxy_log();
    EXPECT_NE(log.find("INTEROP INVITE from sip:alice@kamailio.test: challenging"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("INTEROP INVITE call-id=" + alice_log.call_id), std::string::npos) << log;
    EXPECT_NE(log.find("INTEROP in-dialog ACK call-id=" + alice_log.call_id), std::string::npos)
        << log;
    EXPECT_NE(log.find("INTEROP in-dialog BYE call-id=" + alice_log.call_id), std::string::npos)
        << log;
}

INSTANTIATE_TEST_SUITE_P(Transports, KamailioDialog,
                         ::testing::Values(TransportKind::udp, TransportKind::tcp),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace voip::sip
