// Two UserAgents over real sockets on 127.0.0.1 (UDP, TCP, TLS with the test certificate):
// OPTIONS, REGISTER against an in-process registrar double (401 digest), wrong password,
// refresh, re-registration after a broken flow, CRLF keep-alive, UAS routing.

#include <voip/sip/user_agent.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>

#include "sip/registrar_double.hpp"
#include "sip/transport_test_util.hpp"

namespace voip::sip {
namespace {

using namespace std::chrono_literals;
using test::run_until;
using ::testing::HasSubstr;

UserAgentConfig server_config() {
    UserAgentConfig c;
    c.listen = {"udp:127.0.0.1:0", "tcp:127.0.0.1:0", "tls:127.0.0.1:0"};
    c.transport.tls = test::tls_server_config();
    c.user_agent = "registrar-double";
    return c;
}

UserAgentConfig client_config(const TransportAddress& registrar, std::string password) {
    UserAgentConfig c;
    const std::string kind(to_string(registrar.kind));
    c.listen = {"udp:127.0.0.1:0", "tcp:127.0.0.1:0"};
    c.transport.tls.ca_file = test::tls_file("ca.pem");
    c.user_agent = "libvoip-client";
    AccountConfig account;
    account.aor = Uri::parse("sip:alice@example.com").value();
    account.password = std::move(password);
    account.outbound_proxy = registrar.to_string();
    account.expires = 600;
    c.account = account;
    c.retry_base = 50ms;
    c.retry_max = 200ms;
    return c;
}

class UaPair : public ::testing::TestWithParam<TransportKind> {
protected:
    asio::io_context io;
    UserAgent server{io.get_executor(), server_config()};
    test::RegistrarDouble registrar{server, {{"alice", "secret"}}};
    std::unique_ptr<UserAgent> client;

    void make_client(std::string password = "secret",
                     const std::function<void(UserAgentConfig&)>& tweak = {}) {
        auto config = client_config(server.local_address(GetParam()), std::move(password));
        if (tweak) tweak(config);
        client = std::make_unique<UserAgent>(io.get_executor(), config);
    }

    std::optional<std::error_code> register_client() {
        std::optional<std::error_code> result;
        client->async_register([&](std::error_code ec) { result = ec; });
        run_until(
            io, [&] { return result.has_value(); }, 10s);
        return result;
    }

    // Send one request from the client UA to the server UA and wait for the final response.
    std::optional<Response> send(Method method, const std::function<void(Request&)>& edit = {}) {
        const auto to = server.local_address(GetParam());
        Request request = client->make_request(method, Uri::make_sip("bob", "127.0.0.1", to.port));
        if (edit) edit(request);
        std::optional<Response> response;
        std::error_code error;
        client->async_send_request(std::move(request), to, [&](std::error_code ec, Response r) {
            error = ec;
            response = std::move(r);
        });
        run_until(
            io, [&] { return response.has_value(); }, 10s);
        EXPECT_FALSE(error) << error.message();
        return response;
    }
};

TEST_P(UaPair, OptionsGets200WithCapabilities) {
    make_client();
    auto r = send(Method::options);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status_code(), 200);
    EXPECT_THAT(std::string(r->header(HeaderId::allow).value_or("")),
                HasSubstr("INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER"));
    EXPECT_EQ(r->header(HeaderId::accept), "application/sdp");
    EXPECT_THAT(std::string(r->header(HeaderId::supported).value_or("")), HasSubstr("outbound"));
    EXPECT_EQ(r->header(HeaderId::server), "registrar-double");
    EXPECT_FALSE(r->to_tag().empty());
}

TEST_P(UaPair, RegisterWithDigest) {
    make_client();
    std::vector<RegistrationState> states;
    client->on_registration_state([&](const RegistrationStatus& s) { states.push_back(s.state); });
    auto result = register_client();
    ASSERT_TRUE(result.has_value());
    EXPECT_FALSE(*result) << result->message();
    EXPECT_EQ(registrar.requests, 2);
    EXPECT_EQ(registrar.challenges, 1);
    EXPECT_EQ(registrar.accepted, 1);
    EXPECT_EQ(client->registration().status().state, RegistrationState::registered);
    EXPECT_EQ(client->registration().status().expires, 600U);
    EXPECT_EQ(states, (std::vector<RegistrationState>{RegistrationState::registering,
                                                      RegistrationState::registered}));
    const auto& binding = registrar.bindings.at("sip:alice@example.com");
    EXPECT_THAT(binding, HasSubstr("+sip.instance=\"<urn:uuid:"));
    EXPECT_THAT(binding, HasSubstr(";ob>"));
    if (GetParam() != TransportKind::udp) {
        EXPECT_THAT(binding, HasSubstr(std::string("transport=") += to_string(GetParam())));
    }

    // Unregister removes the binding.
    std::optional<std::error_code> unreg;
    client->async_unregister([&](std::error_code ec) { unreg = ec; });
    ASSERT_TRUE(run_until(
        io, [&] { return unreg.has_value(); }, 10s));
    EXPECT_FALSE(*unreg);
    EXPECT_FALSE(registrar.bindings.contains("sip:alice@example.com"));
    EXPECT_EQ(client->registration().status().state, RegistrationState::unregistered);
}

TEST_P(UaPair, WrongPasswordIsAnErrorNotALoop) {
    make_client("wrong");
    auto result = register_client();
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(*result, RegistrationError::authentication_failed);
    test::run_for(io, 300ms);  // nothing more may be sent
    EXPECT_EQ(registrar.requests, 2);
    EXPECT_EQ(registrar.accepted, 0);
    EXPECT_EQ(client->registration().status().state, RegistrationState::failed);
}

TEST_P(UaPair, StaleNonceRetriedOnce) {
    make_client();
    registrar.stale_once = true;
    auto result = register_client();
    ASSERT_TRUE(result.has_value());
    EXPECT_FALSE(*result) << result->message();
    EXPECT_EQ(registrar.requests, 3);
    EXPECT_EQ(registrar.accepted, 1);
}

TEST_P(UaPair, RefreshesBeforeExpiry) {
    make_client();
    registrar.grant = 2;  // refresh after 1 s
    auto result = register_client();
    ASSERT_TRUE(result.has_value());
    ASSERT_FALSE(*result);
    EXPECT_EQ(client->registration().status().expires, 2U);
    // The registrar counts a refresh when it answers it; the client is registered again once
    // that 200 has reached it, a turn or more of the loop later.
    ASSERT_TRUE(run_until(
        io,
        [&] {
            return registrar.accepted >= 3 &&
                   client->registration().status().state == RegistrationState::registered;
        },
        5s))
        << "accepted " << registrar.accepted << ", state "
        << static_cast<int>(client->registration().status().state);
    // Refreshes carry credentials pre-emptively: no new challenge.
    EXPECT_EQ(registrar.challenges, 1);
}

// asio 1.22 enables co_await only for g++ (see registration_test.cpp).
#if defined(ASIO_HAS_CO_AWAIT)
TEST_P(UaPair, AwaitableRegister) {
    make_client();
    bool done = false;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            co_await client->async_register(asio::use_awaitable);
            done = true;
        },
        asio::detached);
    EXPECT_TRUE(run_until(
        io, [&] { return done; }, 10s));
}
#endif

TEST_P(UaPair, InviteWithoutDialogLayerGets480) {
    make_client();
    auto r = send(Method::invite,
                  [](Request& req) { req.add_header(HeaderId::contact, "<sip:alice@127.0.0.1>"); });
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status_code(), 480);
}

TEST_P(UaPair, ByeOutsideDialogGets481) {
    make_client();
    auto r = send(Method::bye, [](Request& req) {
        req.set_header(HeaderId::to, "<sip:bob@127.0.0.1>;tag=nosuchdialog");
    });
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status_code(), 481);
}

TEST_P(UaPair, UnknownMethodGets501AndRequireGets420) {
    make_client();
    const auto to = server.local_address(GetParam());
    Request req("FROBNICATE", Uri::make_sip("bob", "127.0.0.1", to.port));
    req.add_header(HeaderId::max_forwards, "70");
    req.add_header(HeaderId::from, "<sip:alice@example.com>;tag=f1");
    req.add_header(HeaderId::to, "<sip:bob@example.com>");
    req.add_header(HeaderId::call_id, "frob-1");
    req.add_header(HeaderId::cseq, "1 FROBNICATE");
    std::optional<Response> response;
    client->async_send_request(std::move(req), to,
                               [&](std::error_code, Response resp) { response = std::move(resp); });
    ASSERT_TRUE(run_until(
        io, [&] { return response.has_value(); }, 10s));
    EXPECT_EQ(response->status_code(), 501);
    EXPECT_TRUE(response->header(HeaderId::allow));

    auto r420 = send(Method::options,
                     [](Request& req2) { req2.add_header(HeaderId::require, "foo, bar"); });
    ASSERT_TRUE(r420.has_value());
    EXPECT_EQ(r420->status_code(), 420);
    EXPECT_EQ(r420->header(HeaderId::unsupported), "foo, bar");
}

INSTANTIATE_TEST_SUITE_P(Transports, UaPair,
                         ::testing::Values(TransportKind::udp, TransportKind::tcp,
                                           TransportKind::tls),
                         [](const auto& info) { return std::string(to_string(info.param)); });

class UaStream : public UaPair {};

TEST_P(UaStream, BrokenFlowReconnectsAndReRegisters) {
    make_client();
    auto result = register_client();
    ASSERT_TRUE(result.has_value());
    ASSERT_FALSE(*result);
    ASSERT_EQ(registrar.accepted, 1);
    std::vector<RegistrationState> states;
    client->on_registration_state([&](const RegistrationStatus& s) { states.push_back(s.state); });
    // The registrar side drops the connection (as a restarting server would).
    const auto registrar_addr = server.local_address(GetParam());
    auto flow = client->transports().flow_to(registrar_addr);
    ASSERT_TRUE(flow.has_value());
    client->transports().close_flow(*flow);
    ASSERT_TRUE(run_until(
        io, [&] { return registrar.accepted >= 2; }, 5s));
    EXPECT_TRUE(run_until(io, [&] {
        return client->registration().status().state == RegistrationState::registered;
    }));
    ASSERT_GE(states.size(), 3U);
    EXPECT_EQ(states.front(), RegistrationState::failed);
    EXPECT_EQ(states.back(), RegistrationState::registered);
}

TEST_P(UaStream, CrlfKeepAliveWhileRegistered) {
    make_client("secret", [](UserAgentConfig& c) { c.keepalive.stream_interval = 100ms; });
    auto result = register_client();
    ASSERT_TRUE(result.has_value());
    ASSERT_FALSE(*result);
    ASSERT_TRUE(run_until(
        io, [&] { return client->keepalives_sent() >= 3; }, 5s));
    EXPECT_EQ(client->registration().status().state, RegistrationState::registered);
    EXPECT_EQ(registrar.accepted, 1);  // pongs came: no re-registration
}

INSTANTIATE_TEST_SUITE_P(Transports, UaStream,
                         ::testing::Values(TransportKind::tcp, TransportKind::tls),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(UaKeepAlive, UdpOptionsKeepAlive) {
    asio::io_context io;
    UserAgent server{io.get_executor(), server_config()};
    test::RegistrarDouble registrar{server, {{"alice", "secret"}}};
    int options = 0;
    // Count OPTIONS at the registrar side while still answering them.
    server.on_request("OPTIONS", [&](const IncomingRequest& in) {
        ++options;
        (void)in.transaction->respond(
            make_options_response(in.request, server.capabilities(), make_tag()));
    });
    auto config = client_config(server.local_address(TransportKind::udp), "secret");
    config.keepalive.udp_interval = 100ms;
    UserAgent client{io.get_executor(), config};
    std::optional<std::error_code> result;
    client.async_register([&](std::error_code ec) { result = ec; });
    ASSERT_TRUE(run_until(
        io, [&] { return result.has_value(); }, 10s));
    ASSERT_FALSE(*result);
    ASSERT_TRUE(run_until(
        io, [&] { return options >= 2; }, 5s));
    EXPECT_EQ(client.registration().status().state, RegistrationState::registered);
}

TEST(UaSetup, NoAccountMeansNoRegistration) {
    asio::io_context io;
    UserAgentConfig c;
    c.listen = {"udp:127.0.0.1:0"};
    UserAgent ua{io.get_executor(), c};
    EXPECT_FALSE(ua.has_account());
    EXPECT_THROW((void)ua.registration(), std::logic_error);
}

TEST(UaSetup, BadListenAddressThrows) {
    asio::io_context io;
    UserAgentConfig c;
    c.listen = {"udp:not-an-ip:0"};
    EXPECT_THROW(UserAgent(io.get_executor(), c), std::system_error);
}

}  // namespace
}  // namespace voip::sip
