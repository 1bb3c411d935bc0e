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

#include <fstream>

#include "child_process.hpp"

namespace voip::sip {
namespace {

using namespace std::chrono_literals;
using interop::ChildProcess;
using interop::ScratchDir;

const interop::fs::path kamailio = "/usr/sbin/kamailio";
const interop::fs::path config_template =
    interop::fs::path(VOIP_INTEROP_DIR) / "kamailio" / "proxy.cfg.in";

void run_slice(asio::io_context& io) {
    io.restart();
    io.run_for(5ms);
}

template <class Predicate>
bool run_until(asio::io_context& io, Predicate done, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline)
        run_slice(io);
    return done();
}

std::string write_config(const ScratchDir& dir, std::uint16_t port) {
    std::string text = interop::read_text(config_template);
    const std::string marker = "@PORT@";
    for (auto pos = text.find(marker); pos != std::string::npos; pos = text.find(marker))
        text.replace(pos, marker.size(), std::to_string(port));
    const auto path = dir.path() / "kamailio.cfg";
    std::ofstream(path) << text;
    return path.string();
}

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

// Bob: rings and accepts at once.
class Callee : public Dialog {
public:
    Callee(DialogContext context, CallLog* log) : Dialog(context), log_(log) {}
    void on_invite(const Request& /*invite*/) override {
        ++log_->invites;
        (void)ringing();
        log_->accepted = accept<audio::AudioCall>() != nullptr;
    }
    void on_confirmed() override { record_confirmed(*this, *log_); }
    void on_bye() override { ++log_->byes; }
    void on_terminated(EndReason reason, std::error_code /*detail*/) override {
        ++log_->terminations;
        log_->reason = reason;
    }

private:
    CallLog* log_;
};

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

private:
    CallLog* log_;
};

// One Kamailio for the suite (starting it costs about a second).
class KamailioDialog : public ::testing::TestWithParam<TransportKind> {
protected:
    static void SetUpTestSuite() {
        if (!interop::executable(kamailio)) return;
        dir_ = std::make_unique<ScratchDir>("voip-kamailio-dialog");
        port_ = interop::free_port();
        const auto cfg = write_config(*dir_, port_);
        {
            ChildProcess check({kamailio.string(), "-c", "-f", cfg}, dir_->path() / "check.out");
            check_code_ = check.wait(30s, {});
            check_log_ = check.log();
        }
        if (check_code_ != 0) return;
        process_ = std::make_unique<ChildProcess>(
            std::vector<std::string>{
                kamailio.string(), "-DD", "-E", "-f", cfg, "-Y", dir_->path().string(), "-P",
                (dir_->path() / "kamailio.pid").string(), "-m", "64", "-M", "8"},
            dir_->path() / "kamailio.out");
    }
    static void TearDownTestSuite() {
        process_.reset();  // SIGTERM, then SIGKILL after 5 s
        dir_.reset();
    }

    void SetUp() override {
        ASSERT_TRUE(interop::executable(kamailio))
            << kamailio << " not found: install Debian's kamailio (scripts/setup-debian.sh)";
        ASSERT_EQ(check_code_, 0) << "kamailio -c rejected the config:\n" << check_log_;
        ASSERT_TRUE(process_);
        ASSERT_FALSE(process_->poll().has_value()) << "kamailio exited:\n" << process_->log();
        ASSERT_TRUE(wait_ready()) << "kamailio does not answer OPTIONS:\n" << process_->log();
    }

    // Ready when an OPTIONS over UDP gets its 200 (bounded).
    static bool wait_ready() {
        if (ready_) return true;
        asio::io_context io;
        UserAgentConfig config;
        config.listen = {"udp:127.0.0.1:0"};
        config.timers.t1 = 100ms;
        UserAgent ua{io.get_executor(), config};
        const auto to = TransportAddress::parse("udp:127.0.0.1:" + std::to_string(port_)).value();
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (!ready_ && std::chrono::steady_clock::now() < deadline) {
            std::optional<int> status;
            ua.async_send_request(
                ua.make_request(Method::options, Uri::make_sip({}, "127.0.0.1", port_)), to,
                [&](std::error_code ec, const Response& r) { status = ec ? 0 : r.status_code(); });
            while (!status && std::chrono::steady_clock::now() < deadline)
                run_slice(io);
            ready_ = status == 200;
        }
        return ready_;
    }

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
            std::string(to_string(GetParam())) + ":127.0.0.1:" + std::to_string(port_);
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

    static inline std::unique_ptr<ScratchDir> dir_;
    static inline std::unique_ptr<ChildProcess> process_;
    static inline std::uint16_t port_ = 0;
    static inline std::optional<int> check_code_;
    static inline std::string check_log_;
    static inline bool ready_ = false;
};

TEST_P(KamailioDialog, AliceCallsBobThroughTheProxyAndBobHangsUpAlongTheRouteSet) {
    asio::io_context io;
    auto alice = make_user(io, "alice", "alice-secret");
    auto bob = make_user(io, "bob", "bob-secret");
    for (auto* ua : {alice.get(), bob.get()}) {
        auto registered = register_user(io, *ua);
        ASSERT_TRUE(registered.has_value()) << "no answer\n" << process_->log();
        ASSERT_FALSE(*registered) << registered->message() << "\n" << process_->log();
    }
    CallLog alice_log;
    CallLog bob_log;
    bob->on_incoming<Callee>(&bob_log);

    // Alice dials bob at the proxy: Kamailio challenges (407), looks bob up, record-routes.
    auto dialog = alice->make_dialog<Caller>(&alice_log);
    std::string target = "sip:bob@127.0.0.1:" + std::to_string(port_);
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
        << process_->log();
    ASSERT_FALSE(*dialled) << dialled->message() << "\n" << process_->log();
    EXPECT_NE(call, nullptr);
    EXPECT_EQ(bob_log.invites, 1);
    EXPECT_TRUE(bob_log.accepted);
    EXPECT_TRUE(alice_log.media_at_confirm);
    EXPECT_TRUE(bob_log.media_at_confirm);
    EXPECT_EQ(alice_log.call_id, bob_log.call_id);

    // Record-Route honoured: one entry, the proxy, on both sides (RFC 3261 §12.1.1: the UAS
    // copies Record-Route; §12.1.2: the UAC reverses it).
    const std::string proxy = "sip:127.0.0.1:" + std::to_string(port_);
    ASSERT_EQ(bob_log.route_set.size(), 1U) << process_->log();
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
        << process_->log();
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
    const auto log = process_->log();
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
