// Calls under network faults (issue 11): call set-up and tear-down through LossyUdpShim (20 %
// loss, 200 ms ± 50 ms, reordering, duplication) with every SIP message of the dialog — INVITE,
// its 2xx and ACK, BYE — crossing the shim; a TCP connection cut in the middle of a call (the
// UA re-registers and the call still ends cleanly); a far end that vanishes in the middle of a
// call (the BYE times out: Timer F) or before answering (the INVITE times out: Timer B), each
// torn down with a reason. RTP goes straight between the UAs: these tests are about signalling.

#include <voip/audio/audio_call.hpp>
#include <voip/sip/dialog.hpp>
#include <voip/sip/transaction_error.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dialog/dialog_test_util.hpp"
#include "reliability/lossy_udp_shim.hpp"
#include "sip/registrar_double.hpp"

namespace voip::reliability {
namespace {

using namespace std::chrono_literals;
using sip::test::Events;
using sip::test::RecordingDialog;
using sip::test::run_until;

sip::UserAgentConfig agent(const char* name, std::chrono::milliseconds t1) {
    auto c = sip::test::agent_config(name);
    c.timers.t1 = t1;
    c.timers.t2 = 4 * t1;
    c.timers.t4 = 4 * t1;
    c.timers.timer_d = 8 * t1;
    c.retry_base = 100ms;
    c.retry_max = 400ms;
    return c;
}

struct CallResult {
    std::optional<std::error_code> dial;
    std::shared_ptr<AudioCall> call;
    std::shared_ptr<RecordingDialog> dialog;
    std::shared_ptr<Events> events = std::make_shared<Events>();
};

class CallPair {
public:
    explicit CallPair(std::chrono::milliseconds t1)
        : a(io.get_executor(), agent("alice-ua", t1)), b(io.get_executor(), agent("bob-ua", t1)) {
        layer_a = &sip::enable_calls(a, io, sip::test::call_config());
        layer_b = &sip::enable_calls(b, io, sip::test::call_config());
    }

    CallPair(const CallPair&) = delete;
    CallPair& operator=(const CallPair&) = delete;
    // Events and the inbound RecordingDialog point at each other (Events::dialog, the
    // dialog's events): break the cycle so that LeakSanitizer sees only real leaks.
    ~CallPair() {
        for (const auto& events : inbound_) {
            events->dialog.reset();
            events->call.reset();
        }
    }

    // A new inbound-call recorder for B's next call.
    std::shared_ptr<Events> expect_incoming() {
        auto events = std::make_shared<Events>();
        b.on_incoming<RecordingDialog>(events);
        inbound_.push_back(events);
        return events;
    }

    // The result lives in a shared_ptr: a completion that comes after the time limit (a
    // failing test) must not write into a dead stack frame.
    std::shared_ptr<CallResult> dial(const sip::Uri& target, std::chrono::milliseconds limit) {
        auto r = std::make_shared<CallResult>();
        r->dialog = a.make_dialog<RecordingDialog>(r->events);
        r->dialog->async_dial<AudioCall>(target,
                                         [r](std::error_code ec, std::shared_ptr<AudioCall> c) {
                                             r->dial = ec;
                                             r->call = std::move(c);
                                         });
        run_until(
            io, [&] { return r->dial.has_value(); }, limit);
        return r;
    }

    std::optional<std::error_code> bye(sip::Dialog& dialog, std::chrono::milliseconds limit) {
        auto result = std::make_shared<std::optional<std::error_code>>();
        dialog.async_bye([result](std::error_code ec) { *result = ec; });
        run_until(
            io, [&] { return result->has_value(); }, limit);
        return *result;
    }

    asio::io_context io;
    sip::UserAgent a;
    sip::UserAgent b;
    sip::DialogLayer* layer_a = nullptr;
    sip::DialogLayer* layer_b = nullptr;

private:
    std::vector<std::shared_ptr<Events>> inbound_;
};

TEST(CallFaults, CallsSetUpAndTearDownThroughLossDelayReorderingAndDuplication) {
    CallPair p(250ms);
    LossyUdpShim shim(p.io, p.b.local_address(sip::TransportKind::udp), hostile_network(5));
    shim.set_record_route(true);
    const auto via_shim =
        sip::Uri::parse("sip:bob@127.0.0.1:" + std::to_string(shim.a_facing().port)).value();
    constexpr int calls = 3;
    int completed = 0;
    for (int i = 0; i < calls; ++i) {
        auto incoming = p.expect_incoming();
        auto r = p.dial(via_shim, 20s);
        ASSERT_TRUE(r->dial.has_value()) << "call " << i << ": dial did not finish";
        ASSERT_FALSE(*r->dial) << "call " << i << ": " << r->dial->message();
        ASSERT_TRUE(run_until(
            p.io, [&] { return incoming->confirmed == 1; }, 20s))
            << "call " << i << ": B never saw the ACK";
        EXPECT_EQ(incoming->invites, 1) << "INVITE retransmissions reached the TU";
        // The in-dialog requests really go through the shim (route set from Record-Route).
        ASSERT_EQ(r->dialog->route_set().size(), 2U);
        // Media flows (directly).
        ASSERT_TRUE(run_until(
            p.io, [&] { return r->call->stats().packets_received > 3; }, 10s));
        auto bye = p.bye(*r->dialog, 20s);
        ASSERT_TRUE(bye.has_value()) << "call " << i << ": BYE did not finish";
        EXPECT_FALSE(*bye) << bye->message();
        ASSERT_TRUE(run_until(
            p.io, [&] { return incoming->ended.has_value(); }, 20s));
        EXPECT_EQ(incoming->byes, 1);
        EXPECT_EQ(*incoming->ended, sip::EndReason::remote_bye);
        ASSERT_TRUE(r->events->ended.has_value());
        EXPECT_EQ(*r->events->ended, sip::EndReason::local_bye);
        ++completed;
    }
    EXPECT_EQ(completed, calls);
    EXPECT_TRUE(run_until(p.io, [&] { return p.layer_a->count() + p.layer_b->count() == 0; }));
    EXPECT_EQ(p.layer_a->multiplexer().stats().open_sockets, 0U);
    EXPECT_EQ(p.layer_b->multiplexer().stats().open_sockets, 0U);
    const auto& ab = shim.a_to_b();
    const auto& ba = shim.b_to_a();
    EXPECT_GT(ab.dropped + ba.dropped, 0U);
    EXPECT_GT(ab.duplicated + ba.duplicated, 0U);
    std::printf(
        "calls: %d of %d completed; shim A->B %llu in / %llu dropped / %llu dup / %llu "
        "reordered, B->A %llu / %llu / %llu / %llu\n",
        completed, calls, static_cast<unsigned long long>(ab.received),
        static_cast<unsigned long long>(ab.dropped), static_cast<unsigned long long>(ab.duplicated),
        static_cast<unsigned long long>(ab.reordered), static_cast<unsigned long long>(ba.received),
        static_cast<unsigned long long>(ba.dropped), static_cast<unsigned long long>(ba.duplicated),
        static_cast<unsigned long long>(ba.reordered));
}

TEST(CallFaults, TcpConnectionCutMidCallIsReestablishedReRegisteredAndTheCallEnds) {
    CallPair p(100ms);
    sip::test::RegistrarDouble registrar{p.b, {{"alice", "secret"}}};
    // A second UA for alice with an account (registering over TCP to B), calls enabled.
    auto config = agent("alice-account", 100ms);
    sip::AccountConfig account;
    account.aor = sip::Uri::parse("sip:alice@example.com").value();
    account.password = "secret";
    const auto b_tcp = p.b.local_address(sip::TransportKind::tcp);
    account.outbound_proxy = b_tcp.to_string();
    account.expires = 600;
    config.account = account;
    sip::UserAgent alice{p.io.get_executor(), config};
    auto& alice_layer = sip::enable_calls(alice, p.io, sip::test::call_config());
    std::optional<std::error_code> registered;
    alice.async_register([&](std::error_code ec) { registered = ec; });
    ASSERT_TRUE(run_until(p.io, [&] { return registered.has_value(); }));
    ASSERT_FALSE(*registered) << registered->message();

    auto incoming = p.expect_incoming();
    auto dialog = alice.make_dialog<RecordingDialog>(std::make_shared<Events>());
    std::optional<std::error_code> dialled;
    std::shared_ptr<AudioCall> call;
    dialog->async_dial<AudioCall>(
        sip::Uri::parse("sip:bob@127.0.0.1:" + std::to_string(b_tcp.port) + ";transport=tcp")
            .value(),
        [&](std::error_code ec, std::shared_ptr<AudioCall> c) {
            dialled = ec;
            call = std::move(c);
        });
    ASSERT_TRUE(run_until(p.io, [&] { return dialled.has_value(); }));
    ASSERT_FALSE(*dialled) << dialled->message();
    ASSERT_TRUE(run_until(p.io, [&] { return incoming->confirmed == 1; }));
    ASSERT_EQ(alice.transports().connection_count(), 1U);  // REGISTER and INVITE share it

    // Cut the connection in the middle of the call.
    alice.transports().close_flow(*alice.transports().flow_to(b_tcp));
    ASSERT_TRUE(run_until(
        p.io, [&] { return registrar.accepted >= 2; }, 10s))
        << "no re-registration after the cut";
    EXPECT_TRUE(run_until(p.io, [&] {
        return alice.registration().status().state == sip::RegistrationState::registered;
    }));
    EXPECT_EQ(dialog->state(), sip::DialogState::confirmed);  // the call survived the cut
    EXPECT_EQ(alice.transports().connection_count(), 1U);     // re-established

    // The call ends cleanly over the new connection.
    std::optional<std::error_code> bye;
    dialog->async_bye([&](std::error_code ec) { bye = ec; });
    ASSERT_TRUE(run_until(p.io, [&] { return bye.has_value(); }));
    EXPECT_FALSE(*bye) << bye->message();
    ASSERT_TRUE(run_until(p.io, [&] { return incoming->ended.has_value(); }));
    EXPECT_EQ(*incoming->ended, sip::EndReason::remote_bye);
    EXPECT_TRUE(run_until(p.io, [&] { return alice_layer.count() + p.layer_b->count() == 0; }));
}

TEST(CallFaults, FarEndThatVanishesIsDetectedAndTheCallTornDownWithAReason) {
    constexpr auto t1 = 100ms;  // Timer B = Timer F = 6.4 s
    CallPair p(t1);
    LossyUdpShim shim(p.io, p.b.local_address(sip::TransportKind::udp), hostile_network(6));
    shim.set_record_route(true);
    const auto via_shim =
        sip::Uri::parse("sip:bob@127.0.0.1:" + std::to_string(shim.a_facing().port)).value();

    // 1. In the middle of a call: the far end disappears; our BYE times out (Timer F).
    auto incoming = p.expect_incoming();
    auto r = p.dial(via_shim, 20s);
    ASSERT_TRUE(r->dial.has_value());
    ASSERT_FALSE(*r->dial) << r->dial->message();
    ASSERT_TRUE(run_until(
        p.io, [&] { return incoming->confirmed == 1; }, 20s));
    shim.set_blackhole(true);
    auto bye = p.bye(*r->dialog, 15s);
    ASSERT_TRUE(bye.has_value());
    EXPECT_EQ(*bye, sip::TransactionError::timeout) << bye->message();
    ASSERT_TRUE(r->events->ended.has_value());
    EXPECT_EQ(*r->events->ended, sip::EndReason::local_bye);
    EXPECT_EQ(r->events->end_detail, sip::TransactionError::timeout);
    EXPECT_EQ(r->dialog->state(), sip::DialogState::terminated);
    EXPECT_EQ(p.layer_a->multiplexer().stats().open_sockets, 0U);  // media released

    // 2. Before answering: the INVITE times out (Timer B) and the dial says so.
    auto unanswered = p.dial(via_shim, 15s);
    ASSERT_TRUE(unanswered->dial.has_value());
    EXPECT_EQ(*unanswered->dial, sip::TransactionError::timeout) << unanswered->dial->message();
    ASSERT_TRUE(unanswered->events->ended.has_value());
    EXPECT_EQ(*unanswered->events->ended, sip::EndReason::timeout);
    EXPECT_EQ(p.layer_a->count(), 0U);
}

}  // namespace
}  // namespace voip::reliability
