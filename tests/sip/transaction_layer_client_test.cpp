// Client transactions through the TransactionLayer with a manual clock and a fake channel:
// every timer at its RFC 3261 time, results through callbacks, use_future and use_awaitable.
#include <voip/sip/transaction_layer.hpp>
#include <voip/sip/transaction_requests.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/use_future.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <optional>

#include "transaction_test_doubles.hpp"

namespace voip::sip::test {
namespace {

using std::chrono::milliseconds;
using Times = std::vector<long>;

class ClientLayerTest : public ::testing::Test {
protected:
    void run_io() {
        io.restart();
        io.poll();
    }
    void advance(long ms) {
        clock.advance(milliseconds{ms});
        run_io();
    }
    void reply(std::size_t sent_index, int status, std::string_view to_tag = {},
               const TransportAddress& from = udp_peer()) {
        auto request = channel.sent.at(sent_index).request();
        ASSERT_TRUE(layer.receive(Response::make_for(request, status, {}, to_tag), from));
    }

    asio::io_context io;
    ManualTimerService clock;
    FakeChannel channel{&clock};
    TransactionLayer layer{io.get_executor(), channel, clock};
};

struct Outcome {
    int calls = 0;
    std::error_code error;
    std::optional<Response> response;
};
auto record(Outcome& out) {
    return [&out](std::error_code ec, Response r) {
        ++out.calls;
        out.error = ec;
        out.response = std::move(r);
    };
}

TEST_F(ClientLayerTest, AddsViaWithFreshBranch) {
    auto tx = layer.send_request(make_request(Method::options), udp_peer()).value();
    ASSERT_EQ(channel.sent.size(), 1U);
    auto sent = channel.sent[0].request();
    auto via = sent.top_via().value();
    EXPECT_EQ(via.transport, "UDP");
    EXPECT_EQ(via.host, "192.0.2.1");
    EXPECT_TRUE(via.has_rport());
    EXPECT_TRUE(tx->branch().starts_with("z9hG4bK"));
    EXPECT_EQ(tx->branch().size(), 7U + 24U);
    EXPECT_EQ(via.branch(), tx->branch());
    EXPECT_EQ(channel.sent[0].to, udp_peer());
    auto other = layer.send_request(make_request(Method::options, 2), udp_peer()).value();
    EXPECT_NE(other->branch(), tx->branch());
    EXPECT_EQ(layer.find_client(tx->branch(), "OPTIONS"), tx);
    EXPECT_EQ(layer.find_client(tx->branch(), "INVITE"), nullptr);
}

TEST_F(ClientLayerTest, RefusesAckAndRequestsWithoutTransactionId) {
    EXPECT_EQ(layer.send_request(make_request(Method::ack), udp_peer()).error(),
              TransactionError::unmatchable_message);
    auto no_cookie = make_request(Method::options);
    no_cookie.add_header(HeaderId::via, "SIP/2.0/UDP 192.0.2.1;branch=1234");
    EXPECT_EQ(layer.send_request(std::move(no_cookie), udp_peer()).error(),
              TransactionError::unmatchable_message);
    EXPECT_TRUE(channel.sent.empty());
}

// §17.1.1.2: Timer A fires at T1, 2T1, 4T1, ... (retransmissions at 500, 1500, 3500, 7500,
// 15500, 31500 ms); Timer B at 64*T1 = 32 s ends it with a timeout.
TEST_F(ClientLayerTest, InviteTimerADoublesUntilTimerBTimeoutViaCallback) {
    auto tx = layer.send_request(make_request(Method::invite), udp_peer()).value();
    Outcome out;
    tx->async_final_response(record(out));
    advance(31999);
    EXPECT_EQ(channel.times_of("INVITE"), (Times{0, 500, 1500, 3500, 7500, 15500, 31500}));
    EXPECT_EQ(out.calls, 0);
    advance(1);
    ASSERT_EQ(out.calls, 1);
    EXPECT_EQ(out.error, TransactionError::timeout);
    EXPECT_EQ(out.response->status_code(), 408) << "§8.1.3.1: timeout seen as 408";
    EXPECT_EQ(tx->state(), ClientState::terminated);
    EXPECT_EQ(layer.client_count(), 0U);
    advance(100000);
    EXPECT_EQ(channel.sent.size(), 7U) << "nothing after termination";
    EXPECT_EQ(out.calls, 1);
}

TEST_F(ClientLayerTest, InviteOverTcpIsNotRetransmittedAndTimesOutAtB) {
    auto tx = layer.send_request(make_request(Method::invite), tcp_peer()).value();
    EXPECT_EQ(channel.sent[0].request().top_via()->transport, "TCP");
    auto future = tx->async_final_response(asio::use_future);
    advance(31999);
    EXPECT_EQ(channel.times_of("INVITE"), (Times{0}));
    advance(1);
    try {
        (void)future.get();
        ADD_FAILURE() << "expected a timeout";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), TransactionError::timeout);
    }
}

// §17.1.2.2: Timer E at T1 doubling to T2 (500, 1000, 2000, 4000, 4000, ...); Timer F at 64*T1.
TEST_F(ClientLayerTest, NonInviteTimerECapsAtT2AndTimerFTimesOutThroughFuture) {
    auto tx = layer.send_request(make_request(Method::register_), udp_peer()).value();
    auto future = tx->async_final_response(asio::use_future);
    advance(31999);
    EXPECT_EQ(channel.times_of("REGISTER"),
              (Times{0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500}));
    advance(1);
    ASSERT_EQ(future.wait_for(std::chrono::seconds{5}), std::future_status::ready);
    try {
        (void)future.get();
        ADD_FAILURE() << "expected a timeout";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), TransactionError::timeout);
    }
    EXPECT_EQ(layer.client_count(), 0U);
}

TEST_F(ClientLayerTest, NonInviteProvisionalSwitchesRetransmissionToT2) {
    auto tx = layer.send_request(make_request(Method::options), udp_peer()).value();
    int provisional = 0;
    tx->on_provisional([&](const Response& r) {
        EXPECT_EQ(r.status_code(), 100);
        ++provisional;
    });
    advance(600);  // one retransmission at 500, E now 1000 → due at 1500
    reply(0, 100);
    EXPECT_EQ(provisional, 1);
    EXPECT_EQ(tx->state(), ClientState::proceeding);
    advance(10000 - 600);
    // Timer E armed at 500 for 1000 ms fires at 1500, then every T2 in Proceeding.
    EXPECT_EQ(channel.times_of("OPTIONS"), (Times{0, 500, 1500, 5500, 9500}));
}

TEST_F(ClientLayerTest, NonInviteFinalThroughFutureThenTimerKAbsorbsRetransmissions) {
    auto tx = layer.send_request(make_request(Method::options), udp_peer()).value();
    auto future = tx->async_final_response(asio::use_future);
    advance(100);
    reply(0, 200, "as83kd9bs");
    run_io();
    // use_future completes on Asio's system executor (another thread): wait, bounded.
    ASSERT_EQ(future.wait_for(std::chrono::seconds{5}), std::future_status::ready);
    Response r = future.get();
    EXPECT_EQ(r.status_code(), 200);
    EXPECT_EQ(r.to_tag(), "as83kd9bs");
    EXPECT_EQ(tx->state(), ClientState::completed);
    reply(0, 200, "as83kd9bs");  // retransmission: absorbed
    Outcome again;
    tx->async_final_response(record(again));  // waiting after completion: at once
    run_io();
    EXPECT_EQ(again.calls, 1);
    EXPECT_FALSE(again.error);
    EXPECT_EQ(again.response->status_code(), 200);
    advance(4999);  // Timer K = T4 = 5 s from the final response (at 100 ms)
    EXPECT_EQ(layer.client_count(), 1U);
    advance(1);
    EXPECT_EQ(layer.client_count(), 0U);
    EXPECT_EQ(channel.times_of("OPTIONS"), (Times{0})) << "no retransmission after the final";
}

TEST_F(ClientLayerTest, NonInviteOverTcpTimerKIsZero) {
    auto tx = layer.send_request(make_request(Method::options), tcp_peer()).value();
    Outcome out;
    tx->async_final_response(record(out));
    reply(0, 200, "x", tcp_peer());
    EXPECT_EQ(layer.client_count(), 0U);
    run_io();
    EXPECT_EQ(out.calls, 1);
    EXPECT_EQ(out.response->status_code(), 200);
}

// §17.1.1.3: the transaction ACKs a non-2xx final response itself: same branch and Request-URI,
// To (with tag) from the response, the INVITE's Route set, CSeq method ACK.
TEST_F(ClientLayerTest, InviteNon2xxIsAckedByTheTransactionAndTimerDAbsorbsRetransmissions) {
    auto tx = layer.send_request(make_request(Method::invite, 314159), udp_peer()).value();
    std::vector<int> provisionals;
    tx->on_provisional([&](const Response& r) { provisionals.push_back(r.status_code()); });
    Outcome out;
    tx->async_final_response(record(out));
    advance(200);
    reply(0, 180, "b0b");
    EXPECT_EQ(provisionals, (std::vector<int>{180}));
    advance(40000);  // Proceeding: no retransmission, no Timer B
    EXPECT_EQ(channel.times_of("INVITE"), (Times{0}));
    EXPECT_EQ(out.calls, 0);
    reply(0, 486, "b0b");
    run_io();
    ASSERT_EQ(out.calls, 1);
    EXPECT_FALSE(out.error);
    EXPECT_EQ(out.response->status_code(), 486);

    ASSERT_EQ(channel.times_of("ACK").size(), 1U);
    const auto& invite = channel.sent[0].request();
    const auto ack = channel.sent.back().request();
    EXPECT_EQ(ack.method_id(), Method::ack);
    EXPECT_EQ(ack.request_uri_text(), invite.request_uri_text());
    EXPECT_EQ(ack.branch(), tx->branch());
    EXPECT_EQ(ack.count(HeaderId::via), 1U);
    EXPECT_EQ(ack.to_tag(), "b0b");
    EXPECT_EQ(ack.from_tag(), invite.from_tag());
    EXPECT_EQ(ack.call_id(), invite.call_id());
    EXPECT_EQ(ack.cseq()->number, 314159U);
    EXPECT_EQ(ack.cseq()->method, "ACK");
    EXPECT_EQ(
        ack.header_values(HeaderId::route),
        (std::vector<std::string_view>{"<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"}));
    EXPECT_EQ(channel.sent.back().to, udp_peer());
    ASSERT_TRUE(tx->ack());

    // A retransmitted 486 is ACKed again, not passed up again.
    advance(1000);
    reply(0, 486, "b0b");
    run_io();
    EXPECT_EQ(channel.times_of("ACK").size(), 2U);
    EXPECT_EQ(out.calls, 1);
    // Timer D: 32 s after the first 486 (sent at 40200).
    advance(32000 - 1000 - 1);
    EXPECT_EQ(layer.client_count(), 1U);
    advance(1);
    EXPECT_EQ(layer.client_count(), 0U);
}

TEST_F(ClientLayerTest, InviteNon2xxOverTcpTimerDIsZero) {
    auto tx = layer.send_request(make_request(Method::invite), tcp_peer()).value();
    reply(0, 603, "d", tcp_peer());
    EXPECT_EQ(channel.times_of("ACK").size(), 1U);
    EXPECT_EQ(channel.sent.back().to, tcp_peer());
    EXPECT_EQ(tx->state(), ClientState::terminated);
    EXPECT_EQ(layer.client_count(), 0U);
}

// RFC 6026 §7.2: 2xx → Accepted; the ACK for a 2xx is the dialog's job, further 2xx reach the
// TU through on_2xx_retransmission until Timer M.
TEST_F(ClientLayerTest, Invite2xxIsLeftToTheDialog) {
    auto tx = layer.send_request(make_request(Method::invite), udp_peer()).value();
    Outcome out;
    tx->async_final_response(record(out));
    int further = 0;
    tx->on_2xx_retransmission([&](const Response& r) {
        EXPECT_EQ(r.status_code(), 200);
        ++further;
    });
    advance(700);  // one retransmission at 500
    reply(0, 200, "t1");
    run_io();
    ASSERT_EQ(out.calls, 1);
    EXPECT_FALSE(out.error);
    EXPECT_EQ(out.response->status_code(), 200);
    EXPECT_EQ(tx->state(), ClientState::accepted);
    EXPECT_TRUE(channel.times_of("ACK").empty()) << "2xx ACK is left to the dialog";
    advance(5000);
    EXPECT_EQ(channel.times_of("INVITE"), (Times{0, 500}));
    reply(0, 200, "t1");
    reply(0, 200, "fork2");
    run_io();
    EXPECT_EQ(further, 2);
    EXPECT_EQ(out.calls, 1);
    // Timer M = 64*T1 after the first 2xx (at 700).
    advance(32000 - 5000 - 1);
    EXPECT_EQ(layer.client_count(), 1U);
    advance(1);
    EXPECT_EQ(layer.client_count(), 0U);
    // Afterwards a 2xx is stray: the dialog layer's.
    int stray = 0;
    layer.on_stray_response([&](const Response& r, const TransportAddress& from) {
        EXPECT_EQ(r.status_code(), 200);
        EXPECT_EQ(from, udp_peer());
        ++stray;
    });
    reply(0, 200, "t1");
    EXPECT_EQ(stray, 1);
    EXPECT_EQ(further, 2);
}

// asio 1.22 enables co_await only for g++ (clang needs libc++'s <experimental/coroutine>), so
// the coroutine tests are compiled where ASIO_HAS_CO_AWAIT is set (the g++ build runs them).
#if defined(ASIO_HAS_CO_AWAIT)
TEST_F(ClientLayerTest, FinalResponseThroughUseAwaitable) {
    std::optional<Response> final;
    std::optional<std::error_code> failure;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            try {
                final = co_await layer.async_send_request(make_request(Method::invite), udp_peer(),
                                                          asio::use_awaitable);
            } catch (const std::system_error& e) {
                failure = e.code();
            }
        },
        asio::detached);
    run_io();
    ASSERT_EQ(channel.sent.size(), 1U);
    advance(100);
    reply(0, 180, "t1");
    run_io();
    EXPECT_FALSE(final);
    reply(0, 200, "t1");
    run_io();
    ASSERT_TRUE(final);
    EXPECT_FALSE(failure);
    EXPECT_EQ(final->status_code(), 200);
    EXPECT_EQ(final->to_tag(), "t1");
}

TEST_F(ClientLayerTest, TimeoutThroughUseAwaitableThrowsTheTransactionError) {
    std::optional<std::error_code> failure;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            try {
                (void)co_await layer.async_send_request(make_request(Method::bye), udp_peer(),
                                                        asio::use_awaitable);
            } catch (const std::system_error& e) {
                failure = e.code();
            }
        },
        asio::detached);
    run_io();
    advance(31999);
    EXPECT_FALSE(failure);
    advance(1);
    ASSERT_TRUE(failure);
    EXPECT_EQ(*failure, TransactionError::timeout);
}

#endif  // ASIO_HAS_CO_AWAIT

// §17.1.3: CSeq method is part of the match: a CANCEL shares its INVITE's branch but not its
// transaction.
TEST_F(ClientLayerTest, CancelAndInviteAreDistinctTransactions) {
    auto invite = layer.send_request(make_request(Method::invite, 7), udp_peer()).value();
    Outcome invite_out;
    invite->async_final_response(record(invite_out));
    reply(0, 180, "z");
    auto cancel_request = make_cancel(invite->request());
    EXPECT_EQ(cancel_request.branch(), invite->branch());
    EXPECT_EQ(cancel_request.cseq()->number, 7U);
    EXPECT_EQ(cancel_request.cseq()->method, "CANCEL");
    EXPECT_EQ(cancel_request.to_tag(), "") << "§9.1: To of the request, not of the 180";
    auto cancel = layer.send_request(std::move(cancel_request), udp_peer()).value();
    EXPECT_EQ(layer.client_count(), 2U);
    Outcome cancel_out;
    cancel->async_final_response(record(cancel_out));
    reply(1, 200, "z");  // 200 for the CANCEL
    run_io();
    EXPECT_EQ(cancel_out.calls, 1);
    EXPECT_EQ(cancel_out.response->cseq()->method, "CANCEL");
    EXPECT_EQ(invite_out.calls, 0);
    reply(0, 487, "z");
    run_io();
    ASSERT_EQ(invite_out.calls, 1);
    EXPECT_EQ(invite_out.response->status_code(), 487);
}

TEST_F(ClientLayerTest, TransportErrorSurfacesAsError) {
    auto tx = layer.send_request(make_request(Method::options), udp_peer()).value();
    Outcome out;
    tx->async_final_response(record(out));
    channel.fail(0, std::make_error_code(std::errc::connection_refused));
    run_io();
    ASSERT_EQ(out.calls, 1);
    EXPECT_EQ(out.error, TransactionError::transport_error);
    EXPECT_EQ(out.response->status_code(), 503) << "§8.1.3.1: transport failure seen as 503";
    EXPECT_EQ(tx->transport_error_detail(), std::errc::connection_refused);
    EXPECT_EQ(layer.client_count(), 0U);
    advance(60000);
    EXPECT_EQ(channel.sent.size(), 1U);
}

TEST_F(ClientLayerTest, LayerDestructionCompletesWaitersWithTerminated) {
    Outcome out;
    {
        FakeChannel ch;
        ManualTimerService timers;
        TransactionLayer scoped(io.get_executor(), ch, timers);
        auto tx = scoped.send_request(make_request(Method::invite), udp_peer()).value();
        tx->async_final_response(record(out));
    }
    run_io();
    ASSERT_EQ(out.calls, 1);
    EXPECT_EQ(out.error, TransactionError::terminated);
}

TEST_F(ClientLayerTest, ConfiguredT1ScalesEveryTimer) {
    TimerConfig config;
    config.t1 = milliseconds{100};
    config.t2 = milliseconds{400};
    FakeChannel ch(&clock);
    TransactionLayer fast(io.get_executor(), ch, clock, config);
    auto tx = fast.send_request(make_request(Method::options), udp_peer()).value();
    Outcome out;
    tx->async_final_response(record(out));
    advance(6399);
    EXPECT_EQ(ch.times_of("OPTIONS"), (Times{0, 100, 300, 700, 1100, 1500, 1900, 2300, 2700, 3100,
                                             3500, 3900, 4300, 4700, 5100, 5500, 5900, 6300}));
    advance(1);
    EXPECT_EQ(out.error, TransactionError::timeout);
}

TEST_F(ClientLayerTest, ResponsesWithoutViaOrCSeqAreUnmatchable) {
    Response bare(200);
    EXPECT_EQ(layer.receive(bare, udp_peer()).error(), TransactionError::unmatchable_message);
}

}  // namespace
}  // namespace voip::sip::test
