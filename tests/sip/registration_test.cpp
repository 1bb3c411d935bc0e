// Registration over a fake MessageChannel: the REGISTER it builds, digest rounds (MD5,
// SHA-256, SHA-512-256, 407, stale, wrong password: no loop), 423, failures and retries,
// refresh timing, unregister, completion tokens.

#include <voip/sip/digest.hpp>
#include <voip/sip/registration.hpp>
#include <voip/sip/transaction_layer.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/use_future.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "sip/transaction_test_doubles.hpp"

namespace voip::sip {
namespace {

using namespace std::chrono_literals;
using test::FakeChannel;
using ::testing::HasSubstr;

TransportAddress registrar_address() {
    return TransportAddress::parse("udp:192.0.2.50:5060").value();
}

RegistrationConfig make_config(std::string password = "secret") {
    RegistrationConfig c;
    c.aor = Uri::parse("sip:alice@example.com").value();
    c.registrar = registrar_address();
    c.credentials = DigestCredentials::from_password("alice", std::move(password));
    c.expires = 600;
    c.instance_id = "urn:uuid:00000000-0000-4000-8000-000000000001";
    c.user_agent = "libvoip-test";
    c.retry_base = 10ms;
    c.retry_max = 40ms;
    return c;
}

struct Fixture : ::testing::Test {
    asio::io_context io;
    ManualTimerService clock;
    FakeChannel channel{&clock};
    TransactionLayer layer{io.get_executor(), channel, clock};
    std::optional<Registration> reg;
    std::vector<RegistrationState> states;
    std::optional<std::error_code> result;

    void make(RegistrationConfig config = make_config()) {
        reg.emplace(layer, std::move(config));
        reg->on_state_change([this](const RegistrationStatus& s) { states.push_back(s.state); });
    }
    void start() {
        reg->async_register([this](std::error_code ec) { result = ec; });
        io.poll();
    }
    [[nodiscard]] Request last_request() const { return channel.sent.back().request(); }
    [[nodiscard]] std::size_t registers() const { return channel.times_of("REGISTER").size(); }
    // Answer the last REGISTER.
    void reply(Response response) {
        ASSERT_TRUE(layer.receive(response, registrar_address()));
        io.restart();
        io.poll();
    }
    Response response(int status) const {
        return Response::make_for(last_request(), status, {}, "reg1");
    }
    Response ok(std::optional<std::uint32_t> contact_expires = std::nullopt) const {
        Response r = response(200);
        std::string contact = reg->contact();
        if (contact_expires) contact += ";expires=" + std::to_string(*contact_expires);
        r.add_header(HeaderId::contact, "<sip:other@192.0.2.77>;expires=9999");
        r.add_header(HeaderId::contact, contact);
        r.add_header(HeaderId::expires, "111");
        return r;
    }
    Response challenge(DigestServer& server, int status = 401, bool stale = false,
                       DigestAlgorithm algorithm = DigestAlgorithm::md5) const {
        Response r = response(status);
        r.add_header(status == 401 ? HeaderId::www_authenticate : HeaderId::proxy_authenticate,
                     server.challenge(algorithm, stale).value().to_string());
        return r;
    }
    // Verify the credentials of the last REGISTER the way a registrar does.
    Result<void> verify(DigestServer& server, std::string_view password = "secret",
                        HeaderId header = HeaderId::authorization) const {
        Request r = last_request();
        auto value = r.header(header);
        if (!value) return DigestError::missing_response;
        auto answer = DigestResponse::parse(*value);
        if (!answer) return answer.error();
        EXPECT_EQ(answer->uri, "sip:example.com");
        return server.verify(*answer, "REGISTER",
                             DigestCredentials::from_password("alice", std::string(password)));
    }
};

TEST_F(Fixture, FirstRegisterCarriesTheOutboundContact) {
    make();
    start();
    ASSERT_EQ(registers(), 1U);
    Request r = last_request();
    EXPECT_EQ(r.request_uri_text(), "sip:example.com");
    EXPECT_EQ(r.to()->uri().to_string(), "sip:alice@example.com");
    EXPECT_FALSE(r.from_tag().empty());
    EXPECT_EQ(r.cseq()->number, 1U);
    EXPECT_EQ(r.expires(), 600U);
    EXPECT_EQ(r.header(HeaderId::user_agent), "libvoip-test");
    EXPECT_THAT(std::string(*r.header(HeaderId::supported)), HasSubstr("outbound"));
    auto contacts = r.contacts().value();
    ASSERT_EQ(contacts.size(), 1U);
    EXPECT_EQ(contacts[0].uri().host(), "192.0.2.1");
    EXPECT_TRUE(contacts[0].uri().params().contains("ob"));
    EXPECT_EQ(contacts[0].param("reg-id"), "1");
    EXPECT_EQ(unquote(*contacts[0].param("+sip.instance")),
              "<urn:uuid:00000000-0000-4000-8000-000000000001>");
    EXPECT_FALSE(r.header(HeaderId::authorization));
    EXPECT_EQ(states, std::vector<RegistrationState>{RegistrationState::registering});
}

TEST_F(Fixture, OutboundOffMeansAPlainContact) {
    auto c = make_config();
    c.outbound = false;
    make(c);
    start();
    auto contact = std::string(*last_request().header(HeaderId::contact));
    EXPECT_EQ(contact.find("+sip.instance"), std::string::npos);
    EXPECT_EQ(contact.find(";ob"), std::string::npos);
    EXPECT_FALSE(last_request().header(HeaderId::supported));
}

TEST_F(Fixture, ContactAddressReplacesTheSentBy) {
    auto c = make_config();
    c.outbound = false;
    c.contact_address = "203.0.113.5:5999";  // a public address in front of this UA
    make(c);
    start();
    auto contact = std::string(*last_request().header(HeaderId::contact));
    EXPECT_NE(contact.find("@203.0.113.5:5999>"), std::string::npos) << contact;
    // The Via keeps the real sent-by: responses come back to where we are.
    EXPECT_EQ(std::string(last_request().top_via()->host).find("203.0.113.5"), std::string::npos);
}

TEST_F(Fixture, DigestChallengeThenSuccess) {
    make();
    start();
    DigestServer server("example.com");
    reply(challenge(server));
    ASSERT_EQ(registers(), 2U);
    EXPECT_EQ(last_request().cseq()->number, 2U);
    EXPECT_EQ(last_request().call_id(), channel.sent.front().request().call_id());
    EXPECT_TRUE(verify(server));
    EXPECT_FALSE(result.has_value());
    reply(ok(300));
    ASSERT_TRUE(result.has_value());
    EXPECT_FALSE(*result) << result->message();
    EXPECT_EQ(reg->status().state, RegistrationState::registered);
    EXPECT_EQ(reg->status().expires, 300U);  // our Contact's expires, not the other binding's
    EXPECT_EQ(reg->status().last_status, 200);
    EXPECT_EQ(states, (std::vector<RegistrationState>{RegistrationState::registering,
                                                      RegistrationState::registered}));
}

TEST_F(Fixture, ExpiresHeaderWhenOurContactHasNone) {
    make();
    start();
    Response r = response(200);
    r.add_header(HeaderId::expires, "111");
    reply(r);
    EXPECT_EQ(reg->status().expires, 111U);
}

class Algorithms : public Fixture, public ::testing::WithParamInterface<DigestAlgorithm> {};

TEST_P(Algorithms, AnswersEachAlgorithm) {
    make();
    start();
    DigestServerOptions options;
    options.algorithms = {GetParam()};
    DigestServer server("example.com", options);
    reply(challenge(server, 401, false, GetParam()));
    ASSERT_EQ(registers(), 2U);
    auto answer = DigestResponse::parse(*last_request().header(HeaderId::authorization)).value();
    EXPECT_EQ(answer.effective_algorithm(), GetParam());
    EXPECT_TRUE(verify(server));
    reply(ok());
    EXPECT_EQ(result, std::error_code{});
}

INSTANTIATE_TEST_SUITE_P(Digest, Algorithms,
                         ::testing::Values(DigestAlgorithm::md5, DigestAlgorithm::sha256,
                                           DigestAlgorithm::sha512_256));

TEST_F(Fixture, ProxyChallengeIsAnsweredInProxyAuthorization) {
    make();
    start();
    DigestServer server("proxy.example.com");
    reply(challenge(server, 407));
    ASSERT_EQ(registers(), 2U);
    EXPECT_FALSE(last_request().header(HeaderId::authorization));
    EXPECT_TRUE(verify(server, "secret", HeaderId::proxy_authorization));
}

TEST_F(Fixture, WrongPasswordFailsAfterOneRetryNeverLoops) {
    make(make_config("wrong"));
    start();
    DigestServer server("example.com");
    reply(challenge(server));
    ASSERT_EQ(registers(), 2U);
    EXPECT_FALSE(verify(server));  // the registrar refuses and challenges afresh
    reply(challenge(server));
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(*result, RegistrationError::authentication_failed);
    EXPECT_EQ(registers(), 2U);
    EXPECT_EQ(reg->status().state, RegistrationState::failed);
    EXPECT_EQ(reg->status().reason, RegistrationError::authentication_failed);
    EXPECT_FALSE(reg->status().retry_scheduled);
    EXPECT_FALSE(reg->wanted());
}

TEST_F(Fixture, StaleNonceIsRetriedOnceWithTheNewNonce) {
    make();
    start();
    DigestServer server("example.com");
    reply(challenge(server));
    ASSERT_EQ(registers(), 2U);
    const auto first_nonce =
        DigestResponse::parse(*last_request().header(HeaderId::authorization))->nonce;
    reply(challenge(server, 401, /*stale=*/true));
    ASSERT_EQ(registers(), 3U);
    const auto second_nonce =
        DigestResponse::parse(*last_request().header(HeaderId::authorization))->nonce;
    EXPECT_NE(first_nonce, second_nonce);
    EXPECT_TRUE(verify(server));
    reply(ok());
    EXPECT_EQ(result, std::error_code{});
}

TEST_F(Fixture, StaleTwiceInARowFails) {
    make();
    start();
    DigestServer server("example.com");
    reply(challenge(server));
    reply(challenge(server, 401, true));
    reply(challenge(server, 401, true));
    EXPECT_EQ(result, RegistrationError::authentication_failed);
    EXPECT_EQ(registers(), 3U);
}

TEST_F(Fixture, UnusableChallengeFails) {
    make();
    start();
    Response r = response(401);
    r.add_header(HeaderId::www_authenticate, "Basic realm=\"x\"");
    reply(r);
    EXPECT_EQ(result, RegistrationError::authentication_failed);
    EXPECT_EQ(registers(), 1U);
}

TEST_F(Fixture, IntervalTooBriefRetriesWithMinExpires) {
    make();
    start();
    Response r = response(423);
    r.add_header(HeaderId::min_expires, "1800");
    reply(r);
    ASSERT_EQ(registers(), 2U);
    EXPECT_EQ(last_request().expires(), 1800U);
}

TEST_F(Fixture, ForbiddenIsFinal) {
    make();
    start();
    reply(response(403));
    EXPECT_EQ(result, RegistrationError::rejected);
    EXPECT_EQ(reg->status().last_status, 403);
    EXPECT_FALSE(reg->status().retry_scheduled);
}

TEST_F(Fixture, ServiceUnavailableIsRetriedWithBackoff) {
    make();
    start();
    reply(response(503));
    EXPECT_EQ(result, RegistrationError::rejected);
    EXPECT_TRUE(reg->status().retry_scheduled);
    EXPECT_EQ(reg->status().state, RegistrationState::failed);
    // The retry timer is real (10 ms base): run until the retry goes out.
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (registers() < 2 && std::chrono::steady_clock::now() < deadline) {
        io.restart();
        io.run_for(5ms);
    }
    EXPECT_EQ(registers(), 2U);
    EXPECT_EQ(reg->status().state, RegistrationState::registering);
}

TEST_F(Fixture, TimerFTimeoutIsReportedAndRetried) {
    make();
    start();
    clock.advance(32s);  // Timer F = 64*T1
    io.restart();
    io.poll();
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(*result, TransactionError::timeout);
    EXPECT_TRUE(reg->status().retry_scheduled);
}

TEST_F(Fixture, ConnectionLostWhileRegisteredReRegisters) {
    make();
    start();
    reply(ok());
    ASSERT_EQ(reg->status().state, RegistrationState::registered);
    reg->connection_lost(std::make_error_code(std::errc::connection_reset));
    EXPECT_EQ(reg->status().state, RegistrationState::failed);
    EXPECT_TRUE(reg->status().retry_scheduled);
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (registers() < 2 && std::chrono::steady_clock::now() < deadline) {
        io.restart();
        io.run_for(5ms);
    }
    EXPECT_EQ(registers(), 2U);
}

TEST_F(Fixture, RefreshBeforeExpiry) {
    make();
    start();
    DigestServer server("example.com");
    reply(challenge(server));
    reply(ok(2));  // granted 2 s: refresh after 1 s
    ASSERT_EQ(reg->status().state, RegistrationState::registered);
    const auto before = std::chrono::steady_clock::now();
    const auto deadline = before + 3s;
    while (registers() < 3 && std::chrono::steady_clock::now() < deadline) {
        io.restart();
        io.run_for(5ms);
    }
    ASSERT_EQ(registers(), 3U);
    EXPECT_GE(std::chrono::steady_clock::now() - before, 900ms);
    // The refresh re-uses the cached challenge (pre-emptive credentials, next nc).
    EXPECT_TRUE(last_request().header(HeaderId::authorization));
    EXPECT_TRUE(verify(server));
    EXPECT_EQ(reg->status().state, RegistrationState::registering);
}

TEST_F(Fixture, RefreshChallengedWithANewNonceIsNotAWrongPassword) {
    make();
    start();
    DigestServer server("example.com");
    reply(challenge(server));
    reply(ok(2));
    const auto deadline = std::chrono::steady_clock::now() + 3s;
    while (registers() < 3 && std::chrono::steady_clock::now() < deadline) {
        io.restart();
        io.run_for(5ms);
    }
    ASSERT_EQ(registers(), 3U);
    reply(challenge(server));  // fresh nonce, stale=false: a new round, answered once
    ASSERT_EQ(registers(), 4U);
    EXPECT_TRUE(verify(server));
    reply(ok(600));
    EXPECT_EQ(reg->status().state, RegistrationState::registered);
}

TEST_F(Fixture, UnregisterSendsExpiresZero) {
    make();
    start();
    reply(ok());
    std::optional<std::error_code> unreg;
    reg->async_unregister([&](std::error_code ec) { unreg = ec; });
    io.restart();
    io.poll();
    ASSERT_EQ(registers(), 2U);
    EXPECT_EQ(last_request().expires(), 0U);
    EXPECT_THAT(std::string(*last_request().header(HeaderId::contact)), HasSubstr(";expires=0"));
    EXPECT_EQ(reg->status().state, RegistrationState::unregistering);
    reply(response(200));
    ASSERT_TRUE(unreg.has_value());
    EXPECT_FALSE(*unreg);
    EXPECT_EQ(reg->status().state, RegistrationState::unregistered);
    EXPECT_FALSE(reg->wanted());
}

TEST_F(Fixture, UnregisterWhenNothingRegisteredCompletesAtOnce) {
    make();
    std::optional<std::error_code> unreg;
    reg->async_unregister([&](std::error_code ec) { unreg = ec; });
    io.poll();
    EXPECT_EQ(unreg, std::error_code{});
    EXPECT_EQ(registers(), 0U);
}

TEST_F(Fixture, UseFuture) {
    make();
    auto future = reg->async_register(asio::use_future);
    io.poll();
    reply(ok());
    // use_future completes on its own executor (a system thread): wait for it, bounded.
    ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
    EXPECT_NO_THROW(future.get());
}

// asio 1.22 enables co_await only for g++ (clang 14 needs libc++'s <experimental/coroutine>):
// the coroutine test is compiled where ASIO_HAS_CO_AWAIT is set (the g++ build runs it).
#if defined(ASIO_HAS_CO_AWAIT)
TEST_F(Fixture, UseAwaitable) {
    make();
    bool done = false;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            co_await reg->async_register(asio::use_awaitable);
            done = true;
        },
        asio::detached);
    io.poll();
    reply(ok());
    EXPECT_TRUE(done);
}
#endif

TEST_F(Fixture, DestructionCancelsWaiters) {
    make();
    start();
    reg.reset();
    io.restart();
    io.poll();
    EXPECT_EQ(result, RegistrationError::cancelled);
}

TEST(RegistrationTiming, RefreshDelay) {
    EXPECT_EQ(Registration::refresh_delay(3600), 3060s);
    EXPECT_EQ(Registration::refresh_delay(60), 30s);
    EXPECT_EQ(Registration::refresh_delay(2), 1s);
    EXPECT_EQ(Registration::refresh_delay(300), 255s);
}

TEST(RegistrationTiming, Backoff) {
    EXPECT_EQ(Registration::backoff_delay(1, 1s, 60s), 1s);
    EXPECT_EQ(Registration::backoff_delay(2, 1s, 60s), 2s);
    EXPECT_EQ(Registration::backoff_delay(4, 1s, 60s), 8s);
    EXPECT_EQ(Registration::backoff_delay(30, 1s, 60s), 60s);
}

TEST(RegistrationError, HasMessages) {
    std::error_code ec = RegistrationError::authentication_failed;
    EXPECT_EQ(std::string(ec.category().name()), "voip.sip.registration");
    EXPECT_THAT(ec.message(), HasSubstr("authentication"));
}

}  // namespace
}  // namespace voip::sip
