// Interop with Kamailio (/usr/sbin/kamailio) as registrar: the test writes
// tests/interop/kamailio/kamailio.cfg.in with a free port into a scratch dir, validates it
// with `kamailio -c`, starts `kamailio -DD -E -f cfg -Y <dir> -P <dir>/pid`, registers with
// digest auth over UDP and TCP, checks that a wrong password is a clear error, and stops it.
// A missing Kamailio is a failure, never a silent pass.

#include "kamailio.hpp"

#include <voip/sip/user_agent.hpp>

#include <asio/io_context.hpp>
#include <gtest/gtest.h>

#include "run_loop.hpp"

namespace voip::sip {
namespace {

using namespace std::chrono_literals;
using interop::run_until;

class KamailioTransports : public interop::KamailioSuite<KamailioTransports, TransportKind> {
public:
    static interop::fs::path config_template() {
        return interop::fs::path(VOIP_INTEROP_DIR) / "kamailio" / "kamailio.cfg.in";
    }
    static constexpr const char* scratch_prefix = "voip-kamailio";

protected:
    std::optional<std::error_code> register_with(TransportKind kind, const std::string& password,
                                                 std::unique_ptr<UserAgent>& ua,
                                                 asio::io_context& io) {
        UserAgentConfig config;
        config.listen = {"udp:127.0.0.1:0", "tcp:127.0.0.1:0"};
        AccountConfig account;
        account.aor = Uri::parse("sip:alice@kamailio.test").value();
        account.password = password;
        account.outbound_proxy =
            std::string(to_string(kind)) + ":127.0.0.1:" + std::to_string(port());
        account.expires = 120;
        config.account = account;
        ua = std::make_unique<UserAgent>(io.get_executor(), config);
        std::optional<std::error_code> result;
        ua->async_register([&](std::error_code ec) { result = ec; });
        run_until(
            io, [&] { return result.has_value(); }, 15s);
        return result;
    }
};

TEST_P(KamailioTransports, RegistersWithDigestAndUnregisters) {
    asio::io_context io;
    std::unique_ptr<UserAgent> ua;
    auto result = register_with(GetParam(), "secret", ua, io);
    ASSERT_TRUE(result.has_value()) << "no answer\n" << proxy_log();
    EXPECT_FALSE(*result) << result->message() << "\n" << proxy_log();
    const auto& status = ua->registration().status();
    EXPECT_EQ(status.state, RegistrationState::registered);
    EXPECT_EQ(status.last_status, 200);
    EXPECT_GT(status.expires, 0U);
    EXPECT_LE(status.expires, 120U);
    EXPECT_EQ(ua->registration().requests_sent(), 2U);  // challenged once, then accepted

    std::optional<std::error_code> unreg;
    ua->async_unregister([&](std::error_code ec) { unreg = ec; });
    run_until(
        io, [&] { return unreg.has_value(); }, 10s);
    ASSERT_TRUE(unreg.has_value());
    EXPECT_FALSE(*unreg) << unreg->message();
    EXPECT_EQ(ua->registration().status().state, RegistrationState::unregistered);
}

TEST_P(KamailioTransports, WrongPasswordIsAClearError) {
    asio::io_context io;
    std::unique_ptr<UserAgent> ua;
    auto result = register_with(GetParam(), "not-the-password", ua, io);
    ASSERT_TRUE(result.has_value()) << "no answer\n" << proxy_log();
    EXPECT_EQ(*result, RegistrationError::authentication_failed) << result->message();
    EXPECT_EQ(ua->registration().status().state, RegistrationState::failed);
    EXPECT_EQ(ua->registration().requests_sent(), 2U);  // no loop
}

INSTANTIATE_TEST_SUITE_P(Transports, KamailioTransports,
                         ::testing::Values(TransportKind::udp, TransportKind::tcp),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace voip::sip
