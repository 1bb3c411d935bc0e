// RFC 3261 §17.2.1 (with RFC 6026) and §17.2.2 server state machines, event by event.
#include <voip/sip/transaction_machine.hpp>

#include <gtest/gtest.h>

#include <chrono>

namespace voip::sip {
namespace {

using std::chrono::milliseconds;

Action act(ActionKind kind) {
    return Action{kind, TxTimer::a, milliseconds{0}};
}
Action start(TxTimer timer, long ms) {
    return Action{ActionKind::start_timer, timer, milliseconds{ms}};
}
Action stop(TxTimer timer) {
    return Action{ActionKind::stop_timer, timer, milliseconds{0}};
}

const TimerConfig rfc{};

TEST(ServerMachine, InviteSends100TryingAfter200ms) {
    ServerMachine m(true, false, rfc);
    EXPECT_EQ(m.state(), ServerState::proceeding);
    EXPECT_EQ(m.start(), (Actions{start(TxTimer::trying, 200)}));
    EXPECT_TRUE(m.on_request_retransmission().empty()) << "nothing sent yet to resend";
    EXPECT_EQ(m.on_timer(TxTimer::trying), (Actions{act(ActionKind::send_trying)}));
    EXPECT_TRUE(m.trying_sent());
    EXPECT_EQ(m.on_request_retransmission(), (Actions{act(ActionKind::send_response)}));
    EXPECT_TRUE(m.on_timer(TxTimer::trying).empty());
}

TEST(ServerMachine, TuAnsweringWithin200msSuppresses100) {
    ServerMachine m(true, false, rfc);
    (void)m.start();
    EXPECT_EQ(m.on_tu_response(180),
              (Actions{stop(TxTimer::trying), act(ActionKind::send_response)}));
    EXPECT_TRUE(m.on_timer(TxTimer::trying).empty());
    EXPECT_EQ(m.on_tu_response(183), (Actions{act(ActionKind::send_response)}));
}

TEST(ServerMachine, ZeroTryingDelaySends100AtOnce) {
    TimerConfig c;
    c.trying_delay = milliseconds{0};
    ServerMachine m(true, false, c);
    EXPECT_EQ(m.start(), (Actions{act(ActionKind::send_trying)}));
}

TEST(ServerMachine, InviteNon2xxRetransmitsWithGCappedAtT2UntilH) {
    ServerMachine m(true, false, rfc);
    (void)m.start();
    EXPECT_EQ(m.on_tu_response(486), (Actions{stop(TxTimer::trying), act(ActionKind::send_response),
                                              start(TxTimer::g, 500), start(TxTimer::h, 32000)}));
    EXPECT_EQ(m.state(), ServerState::completed);
    for (long expected : {1000L, 2000L, 4000L, 4000L, 4000L}) {
        EXPECT_EQ(m.on_timer(TxTimer::g),
                  (Actions{act(ActionKind::send_response), start(TxTimer::g, expected)}));
    }
    EXPECT_EQ(m.on_request_retransmission(), (Actions{act(ActionKind::send_response)}));
    EXPECT_FALSE(m.can_respond(500));
    EXPECT_EQ(m.on_timer(TxTimer::h),
              (Actions{act(ActionKind::timeout), act(ActionKind::terminated)}));
}

TEST(ServerMachine, AckConfirmsThenTimerI) {
    ServerMachine m(true, false, rfc);
    (void)m.start();
    (void)m.on_tu_response(404);
    EXPECT_EQ(m.on_ack(), (Actions{stop(TxTimer::g), stop(TxTimer::h), start(TxTimer::i, 5000)}));
    EXPECT_EQ(m.state(), ServerState::confirmed);
    EXPECT_TRUE(m.on_ack().empty()) << "further ACKs absorbed";
    EXPECT_TRUE(m.on_request_retransmission().empty());
    EXPECT_TRUE(m.on_timer(TxTimer::g).empty());
    EXPECT_EQ(m.on_timer(TxTimer::i), (Actions{act(ActionKind::terminated)}));
}

TEST(ServerMachine, InviteOverTcpNoGAndIZero) {
    ServerMachine m(true, true, rfc);
    (void)m.start();
    EXPECT_EQ(m.on_tu_response(486), (Actions{stop(TxTimer::trying), act(ActionKind::send_response),
                                              start(TxTimer::h, 32000)}));
    EXPECT_EQ(m.on_ack(), (Actions{stop(TxTimer::h), act(ActionKind::terminated)}));
}

TEST(ServerMachine, Rfc6026Accepted) {
    ServerMachine m(true, false, rfc);
    (void)m.start();
    EXPECT_EQ(m.on_tu_response(200), (Actions{stop(TxTimer::trying), act(ActionKind::send_response),
                                              start(TxTimer::l, 32000)}));
    EXPECT_EQ(m.state(), ServerState::accepted);
    EXPECT_TRUE(m.can_respond(200)) << "the TU retransmits its 2xx";
    EXPECT_FALSE(m.can_respond(486));
    EXPECT_FALSE(m.can_respond(180));
    EXPECT_EQ(m.on_tu_response(200), (Actions{act(ActionKind::send_response)}));
    EXPECT_TRUE(m.on_request_retransmission().empty()) << "INVITE retransmission absorbed";
    EXPECT_EQ(m.on_ack(), (Actions{act(ActionKind::deliver_ack)}));
    EXPECT_EQ(m.on_transport_error(), (Actions{act(ActionKind::transport_error)}));
    EXPECT_EQ(m.state(), ServerState::accepted);
    EXPECT_EQ(m.on_timer(TxTimer::l), (Actions{act(ActionKind::terminated)}));
}

TEST(ServerMachine, NonInviteStates) {
    ServerMachine m(false, false, rfc);
    EXPECT_EQ(m.state(), ServerState::trying);
    EXPECT_TRUE(m.start().empty());
    EXPECT_TRUE(m.on_request_retransmission().empty()) << "Trying: absorbed";
    EXPECT_EQ(m.on_tu_response(100), (Actions{act(ActionKind::send_response)}));
    EXPECT_EQ(m.state(), ServerState::proceeding);
    EXPECT_EQ(m.on_request_retransmission(), (Actions{act(ActionKind::send_response)}));
    EXPECT_EQ(m.on_tu_response(200),
              (Actions{act(ActionKind::send_response), start(TxTimer::j, 32000)}));
    EXPECT_EQ(m.state(), ServerState::completed);
    EXPECT_FALSE(m.can_respond(200));
    EXPECT_EQ(m.on_request_retransmission(), (Actions{act(ActionKind::send_response)}));
    EXPECT_TRUE(m.on_ack().empty());
    EXPECT_EQ(m.on_timer(TxTimer::j), (Actions{act(ActionKind::terminated)}));
}

TEST(ServerMachine, NonInviteOverTcpJZero) {
    ServerMachine m(false, true, rfc);
    (void)m.start();
    EXPECT_EQ(m.on_tu_response(200),
              (Actions{act(ActionKind::send_response), act(ActionKind::terminated)}));
}

TEST(ServerMachine, TransportErrorTerminates) {
    ServerMachine m(false, false, rfc);
    (void)m.start();
    (void)m.on_tu_response(200);
    EXPECT_EQ(m.on_transport_error(),
              (Actions{act(ActionKind::transport_error), act(ActionKind::terminated)}));
}

TEST(ServerMachine, RejectsInvalidStatus) {
    ServerMachine m(true, false, rfc);
    EXPECT_FALSE(m.can_respond(99));
    EXPECT_FALSE(m.can_respond(700));
    EXPECT_TRUE(m.on_tu_response(700).empty());
}

}  // namespace
}  // namespace voip::sip
