// Interop with Kamailio (/usr/sbin/kamailio) as registrar: the test writes
// tests/interop/kamailio/kamailio.cfg.in with a free port into a scratch dir, validates it
// with `kamailio -c`, starts `kamailio -DD -E -f cfg -Y <dir> -P <dir>/pid`, registers with
// digest auth over UDP and TCP, checks that a wrong password is a clear error, and stops it.
// A missing Kamailio is a failure, never a silent pass.

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
    interop::fs::path(VOIP_INTEROP_DIR) / "kamailio" / "kamailio.cfg.in";

void run_slice(asio::io_context& io) {
    io.restart();
    io.run_for(5ms);
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

// One Kamailio for the whole suite (starting it costs about a second).
class Kamailio : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!interop::executable(kamailio)) return;
        dir_ = std::make_unique<ScratchDir>("voip-kamailio");
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
    bool wait_ready() {
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

    std::optional<std::error_code> register_with(TransportKind kind, const std::string& password,
                                                 std::unique_ptr<UserAgent>& ua,
                                                 asio::io_context& io) {
        UserAgentConfig config;
        config.listen = {"udp:127.0.0.1:0", "tcp:127.0.0.1:0"};
        AccountConfig account;
        account.aor = Uri::parse("sip:alice@kamailio.test").value();
        account.password = password;
        account.outbound_proxy =
            std::string(to_string(kind)) + ":127.0.0.1:" + std::to_string(port_);
        account.expires = 120;
        config.account = account;
        ua = std::make_unique<UserAgent>(io.get_executor(), config);
        std::optional<std::error_code> result;
        ua->async_register([&](std::error_code ec) { result = ec; });
        const auto deadline = std::chrono::steady_clock::now() + 15s;
        while (!result && std::chrono::steady_clock::now() < deadline)
            run_slice(io);
        return result;
    }

    static inline std::unique_ptr<ScratchDir> dir_;
    static inline std::unique_ptr<ChildProcess> process_;
    static inline std::uint16_t port_ = 0;
    static inline std::optional<int> check_code_;
    static inline std::string check_log_;
    static inline bool ready_ = false;
};

class KamailioTransports : public Kamailio, public ::testing::WithParamInterface<TransportKind> {};

TEST_P(KamailioTransports, RegistersWithDigestAndUnregisters) {
    asio::io_context io;
    std::unique_ptr<UserAgent> ua;
    auto result = register_with(GetParam(), "secret", ua, io);
    ASSERT_TRUE(result.has_value()) << "no answer\n" << process_->log();
    EXPECT_FALSE(*result) << result->message() << "\n" << process_->log();
    const auto& status = ua->registration().status();
    EXPECT_EQ(status.state, RegistrationState::registered);
    EXPECT_EQ(status.last_status, 200);
    EXPECT_GT(status.expires, 0U);
    EXPECT_LE(status.expires, 120U);
    EXPECT_EQ(ua->registration().requests_sent(), 2U);  // challenged once, then accepted

    std::optional<std::error_code> unreg;
    ua->async_unregister([&](std::error_code ec) { unreg = ec; });
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!unreg && std::chrono::steady_clock::now() < deadline)
        run_slice(io);
    ASSERT_TRUE(unreg.has_value());
    EXPECT_FALSE(*unreg) << unreg->message();
    EXPECT_EQ(ua->registration().status().state, RegistrationState::unregistered);
}

TEST_P(KamailioTransports, WrongPasswordIsAClearError) {
    asio::io_context io;
    std::unique_ptr<UserAgent> ua;
    auto result = register_with(GetParam(), "not-the-password", ua, io);
    ASSERT_TRUE(result.has_value()) << "no answer\n" << process_->log();
    EXPECT_EQ(*result, RegistrationError::authentication_failed) << result->message();
    EXPECT_EQ(ua->registration().status().state, RegistrationState::failed);
    EXPECT_EQ(ua->registration().requests_sent(), 2U);  // no loop
}

INSTANTIATE_TEST_SUITE_P(Transports, KamailioTransports,
                         ::testing::Values(TransportKind::udp, TransportKind::tcp),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace voip::sip
