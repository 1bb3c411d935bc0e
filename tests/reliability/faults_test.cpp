// Network faults (issue 11): two UserAgents on 127.0.0.1 talk through LossyUdpShim with 20 %
// loss, 200 ms ± 50 ms delay, reordering and duplication. Transactions and a digest
// registration (with refreshes) must complete through retransmissions, every message handed up
// exactly once (nothing lost, nothing doubled); a TCP connection cut in the middle of a
// registration is re-established and the UA registers again; a far end that vanishes is
// detected by Timer B / Timer F and reported with a reason. Short T1 keeps each test ≤ ~20 s.

#include <voip/sip/transaction_error.hpp>
#include <voip/sip/user_agent.hpp>

#include <asio/io_context.hpp>
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "reliability/lossy_udp_shim.hpp"
#include "sip/registrar_double.hpp"
#include "sip/transport_test_util.hpp"

namespace voip::reliability {
namespace {

using namespace std::chrono_literals;
using sip::test::run_for;
using sip::test::run_until;

sip::TimerConfig short_timers(std::chrono::milliseconds t1) {
    sip::TimerConfig t;
    t.t1 = t1;
    t.t2 = 4 * t1;
    t.t4 = 4 * t1;
    t.timer_d = 8 * t1;
    return t;
}

sip::UserAgentConfig ua_config(const char* name, std::chrono::milliseconds t1) {
    sip::UserAgentConfig c;
    c.listen = {"udp:127.0.0.1:0", "tcp:127.0.0.1:0"};
    c.user_agent = name;
    c.timers = short_timers(t1);
    c.keepalive.enabled = false;
    c.retry_base = 100ms;
    c.retry_max = 400ms;
    c.capabilities.accepted_content_types.push_back("text/plain");
    return c;
}

void expect_faults_happened(const LossyUdpShim& shim) {
    const auto& ab = shim.a_to_b();
    const auto& ba = shim.b_to_a();
    EXPECT_GT(ab.dropped + ba.dropped, 0U) << "no loss was injected";
    EXPECT_GT(ab.duplicated + ba.duplicated, 0U) << "no duplicate was injected";
    EXPECT_GT(ab.reordered + ba.reordered, 0U) << "nothing was reordered";
    std::printf(
        "shim A->B: %llu in, %llu dropped, %llu duplicated, %llu reordered; "
        "B->A: %llu in, %llu dropped, %llu duplicated, %llu reordered\n",
        static_cast<unsigned long long>(ab.received), static_cast<unsigned long long>(ab.dropped),
        static_cast<unsigned long long>(ab.duplicated),
        static_cast<unsigned long long>(ab.reordered), static_cast<unsigned long long>(ba.received),
        static_cast<unsigned long long>(ba.dropped), static_cast<unsigned long long>(ba.duplicated),
        static_cast<unsigned long long>(ba.reordered));
}

TEST(NetworkFaults, TransactionsCompleteThroughLossDelayReorderingAndDuplication) {
    asio::io_context io;
    sip::UserAgent a{io.get_executor(), ua_config("ua-a", 250ms)};
    sip::UserAgent b{io.get_executor(), ua_config("ua-b", 250ms)};
    std::multiset<std::string> delivered;  // bodies handed to B's TU
    b.on_request("MESSAGE", [&](const sip::IncomingRequest& in) {
        delivered.insert(std::string(in.request.body()));
        (void)in.transaction->respond(200);
    });
    LossyUdpShim shim(io, b.local_address(sip::TransportKind::udp), hostile_network(1));
    const auto to = shim.a_facing();
    constexpr int count = 20;
    std::map<int, std::error_code> errors;
    std::map<int, int> statuses;
    for (int i = 0; i < count; ++i) {
        auto request =
            a.make_request(sip::Method::message, sip::Uri::make_sip("bob", "127.0.0.1", to.port));
        request.set_body("message " + std::to_string(i), "text/plain");
        a.async_send_request(std::move(request), to, [&, i](std::error_code ec, sip::Response r) {
            errors[i] = ec;
            statuses[i] = r.status_code();
        });
        run_for(io, 20ms);
    }
    ASSERT_TRUE(run_until(
        io, [&] { return statuses.size() == count; }, 20s))
        << statuses.size() << " of " << count << " transactions finished";
    for (int i = 0; i < count; ++i) {
        EXPECT_FALSE(errors[i]) << i << ": " << errors[i].message();
        EXPECT_EQ(statuses[i], 200) << i;
    }
    // Data lost = 0 and nothing handed up twice, although the network lost and doubled.
    EXPECT_EQ(delivered.size(), static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i)
        EXPECT_EQ(delivered.count("message " + std::to_string(i)), 1U) << i;
    expect_faults_happened(shim);
}

TEST(NetworkFaults, DigestRegistrationAndRefreshesCompleteThroughFaults) {
    asio::io_context io;
    sip::UserAgent registrar_ua{io.get_executor(), ua_config("registrar", 250ms)};
    sip::test::RegistrarDouble registrar{registrar_ua, {{"alice", "secret"}}};
    registrar.grant = 3;  // refresh after 1.5 s: several REGISTER rounds in one test
    LossyUdpShim shim(io, registrar_ua.local_address(sip::TransportKind::udp), hostile_network(2));
    auto config = ua_config("alice", 250ms);
    sip::AccountConfig account;
    account.aor = sip::Uri::parse("sip:alice@example.com").value();
    account.password = "secret";
    account.outbound_proxy = shim.a_facing().to_string();
    account.expires = 3;
    config.account = account;
    sip::UserAgent alice{io.get_executor(), config};
    std::vector<sip::RegistrationStatus> states;
    alice.on_registration_state([&](const sip::RegistrationStatus& s) { states.push_back(s); });
    std::optional<std::error_code> result;
    alice.async_register([&](std::error_code ec) { result = ec; });
    ASSERT_TRUE(run_until(
        io, [&] { return result.has_value(); }, 20s));
    ASSERT_FALSE(*result) << result->message();
    EXPECT_EQ(alice.registration().status().state, sip::RegistrationState::registered);
    // Two refreshes (each may be challenged again) also get through.
    ASSERT_TRUE(run_until(
        io, [&] { return registrar.accepted >= 3; }, 15s))
        << registrar.accepted << " REGISTERs accepted";
    EXPECT_TRUE(run_until(
        io,
        [&] { return alice.registration().status().state == sip::RegistrationState::registered; },
        10s));
    for (const auto& s : states) {
        EXPECT_NE(s.state, sip::RegistrationState::failed)
            << "registration failed on the way: " << s.reason.message();
    }
    EXPECT_EQ(registrar.bindings.size(), 1U);
    expect_faults_happened(shim);
}

TEST(NetworkFaults, VanishedFarEndIsDetectedByTimersBAndF) {
    asio::io_context io;
    constexpr auto t1 = 100ms;  // Timer B = Timer F = 64·T1 = 6.4 s
    sip::UserAgent a{io.get_executor(), ua_config("ua-a", t1)};
    sip::UserAgent b{io.get_executor(), ua_config("ua-b", t1)};
    LossyUdpShim shim(io, b.local_address(sip::TransportKind::udp), hostile_network(3));
    const auto to = shim.a_facing();
    // The far end answers once (proving the path), then vanishes.
    std::optional<int> first;
    a.async_send_request(
        a.make_request(sip::Method::options, sip::Uri::make_sip("bob", "127.0.0.1", to.port)), to,
        [&](std::error_code, sip::Response r) { first = r.status_code(); });
    ASSERT_TRUE(run_until(
        io, [&] { return first.has_value(); }, 10s));
    EXPECT_EQ(*first, 200);
    shim.set_blackhole(true);

    const auto started = std::chrono::steady_clock::now();
    std::optional<std::error_code> options_error;
    std::optional<int> options_status;
    a.async_send_request(
        a.make_request(sip::Method::options, sip::Uri::make_sip("bob", "127.0.0.1", to.port)), to,
        [&](std::error_code ec, sip::Response r) {
            options_error = ec;
            options_status = r.status_code();
        });
    std::optional<std::error_code> invite_error;
    std::optional<int> invite_status;
    auto invite =
        a.make_request(sip::Method::invite, sip::Uri::make_sip("bob", "127.0.0.1", to.port));
    invite.add_header(sip::HeaderId::contact, "<sip:a@127.0.0.1>");
    a.async_send_request(std::move(invite), to, [&](std::error_code ec, sip::Response r) {
        invite_error = ec;
        invite_status = r.status_code();
    });
    ASSERT_TRUE(run_until(
        io, [&] { return options_error && invite_error; }, 15s));
    const auto took = std::chrono::steady_clock::now() - started;
    // Timer F (OPTIONS) and Timer B (INVITE): a timeout with the local 408 (§8.1.3.1).
    EXPECT_EQ(*options_error, sip::TransactionError::timeout);
    EXPECT_EQ(*options_status, 408);
    EXPECT_EQ(*invite_error, sip::TransactionError::timeout);
    EXPECT_EQ(*invite_status, 408);
    EXPECT_GE(took, 64 * t1 - 200ms);  // not before 64·T1
    EXPECT_EQ(a.transactions().client_count(), 0U);
}

TEST(NetworkFaults, RegistrarThatVanishesFailsTheRegistrationWithTimeout) {
    asio::io_context io;
    constexpr auto t1 = 100ms;
    sip::UserAgent registrar_ua{io.get_executor(), ua_config("registrar", t1)};
    sip::test::RegistrarDouble registrar{registrar_ua, {{"alice", "secret"}}};
    LossyUdpShim shim(io, registrar_ua.local_address(sip::TransportKind::udp), hostile_network(4));
    shim.set_blackhole(true);
    auto config = ua_config("alice", t1);
    sip::AccountConfig account;
    account.aor = sip::Uri::parse("sip:alice@example.com").value();
    account.password = "secret";
    account.outbound_proxy = shim.a_facing().to_string();
    config.account = account;
    config.retry_base = 30s;  // one attempt within the test
    sip::UserAgent alice{io.get_executor(), config};
    std::optional<std::error_code> result;
    alice.async_register([&](std::error_code ec) { result = ec; });
    ASSERT_TRUE(run_until(
        io, [&] { return result.has_value(); }, 15s));
    EXPECT_EQ(*result, sip::TransactionError::timeout);
    const auto status = alice.registration().status();
    EXPECT_EQ(status.state, sip::RegistrationState::failed);
    EXPECT_EQ(status.reason, sip::TransactionError::timeout);
    EXPECT_TRUE(status.retry_scheduled);  // a timeout is transient: it will try again
    EXPECT_EQ(registrar.requests, 0);
}

TEST(NetworkFaults, TcpConnectionCutMidRegistrationIsReestablishedAndReRegisters) {
    asio::io_context io;
    // Default T1: Timer F would take 32 s; the cut must be noticed long before (§17.1.4).
    constexpr auto t1 = 500ms;
    sip::UserAgent registrar_ua{io.get_executor(), ua_config("registrar", t1)};
    // A registrar whose connection breaks while the first REGISTER is pending (as a restarting
    // server's would); later REGISTERs are answered 200.
    int registers = 0;
    int accepted = 0;
    std::set<std::uint16_t> source_ports;
    registrar_ua.on_request("REGISTER", [&](const sip::IncomingRequest& in) {
        ++registers;
        source_ports.insert(in.source.port);
        if (registers == 1) {
            auto flow = registrar_ua.transports().flow_to(in.source);
            ASSERT_TRUE(flow.has_value());
            registrar_ua.transports().close_flow(*flow);
            return;  // never answered: the connection is gone
        }
        ++accepted;
        auto ok = sip::Response::make_for(in.request, 200, {}, sip::make_tag());
        if (auto contact = in.request.header(sip::HeaderId::contact))
            ok.add_header(sip::HeaderId::contact, std::string(*contact) + ";expires=600");
        ok.add_header(sip::HeaderId::expires, "600");
        (void)in.transaction->respond(std::move(ok));
    });
    auto config = ua_config("alice", t1);
    sip::AccountConfig account;
    account.aor = sip::Uri::parse("sip:alice@example.com").value();
    account.password = "secret";
    account.outbound_proxy = registrar_ua.local_address(sip::TransportKind::tcp).to_string();
    account.expires = 600;
    config.account = account;
    sip::UserAgent alice{io.get_executor(), config};
    std::vector<sip::RegistrationStatus> states;
    alice.on_registration_state([&](const sip::RegistrationStatus& s) { states.push_back(s); });
    const auto started = std::chrono::steady_clock::now();
    alice.async_register([](std::error_code) {});
    ASSERT_TRUE(run_until(
        io,
        [&] { return alice.registration().status().state == sip::RegistrationState::registered; },
        20s))
        << registers << " REGISTERs seen";
    EXPECT_LT(std::chrono::steady_clock::now() - started, 64 * t1 / 2)
        << "the cut was only noticed by Timer F";
    EXPECT_EQ(accepted, 1);
    EXPECT_GE(registers, 2);
    EXPECT_EQ(source_ports.size(), 2U) << "the second REGISTER came on a new connection";
    bool saw_failure = false;
    for (const auto& s : states)
        saw_failure = saw_failure || s.state == sip::RegistrationState::failed;
    EXPECT_TRUE(saw_failure) << "the cut must be reported (failed, then retried)";
    EXPECT_EQ(alice.transports().connection_count(), 1U);
}

}  // namespace
}  // namespace voip::reliability
