// RFC 3261 §17.1.1 (with RFC 6026) and §17.1.2 client state machines, event by event.
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

const TimerConfig rfc{};  // T1 500 ms, T2 4 s, T4 5 s

TEST(ClientMachine, InviteOverUdpStartsTimersAandB) {
    ClientMachine m(true, false, rfc);
    EXPECT_EQ(m.state(), ClientState::calling);
    EXPECT_EQ(m.start(), (Actions{act(ActionKind::send_request), start(TxTimer::a, 500),
                                  start(TxTimer::b, 32000)}));
    EXPECT_TRUE(m.start().empty()) << "start twice does nothing";
}

TEST(ClientMachine, TimerADoublesWithoutCapUntilB) {
    ClientMachine m(true, false, rfc);
    (void)m.start();
    // §17.1.1.2: 2*T1, 4*T1, ... — INVITE retransmissions are not capped at T2.
    for (long expected : {1000L, 2000L, 4000L, 8000L, 16000L, 32000L}) {
        EXPECT_EQ(m.on_timer(TxTimer::a),
                  (Actions{act(ActionKind::send_request), start(TxTimer::a, expected)}));
    }
    EXPECT_EQ(m.on_timer(TxTimer::b),
              (Actions{act(ActionKind::timeout), act(ActionKind::terminated)}));
    EXPECT_EQ(m.state(), ClientState::terminated);
    EXPECT_TRUE(m.on_timer(TxTimer::a).empty());
}

TEST(ClientMachine, InviteOverTcpHasNoTimerA) {
    ClientMachine m(true, true, rfc);
    EXPECT_EQ(m.start(), (Actions{act(ActionKind::send_request), start(TxTimer::b, 32000)}));
    EXPECT_TRUE(m.on_timer(TxTimer::a).empty());
}

TEST(ClientMachine, ProvisionalStopsRetransmissionsAndTimerB) {
    ClientMachine m(true, false, rfc);
    (void)m.start();
    EXPECT_EQ(m.on_response(180),
              (Actions{stop(TxTimer::a), stop(TxTimer::b), act(ActionKind::deliver_provisional)}));
    EXPECT_EQ(m.state(), ClientState::proceeding);
    EXPECT_EQ(m.on_response(183), (Actions{act(ActionKind::deliver_provisional)}));
    EXPECT_TRUE(m.on_timer(TxTimer::b).empty()) << "B guards only Calling";
}

TEST(ClientMachine, Non2xxFinalIsAckedAndWaitsTimerD) {
    ClientMachine m(true, false, rfc);
    (void)m.start();
    (void)m.on_response(180);
    EXPECT_EQ(m.on_response(486),
              (Actions{act(ActionKind::send_ack), act(ActionKind::deliver_final),
                       start(TxTimer::d, 32000)}));
    EXPECT_EQ(m.state(), ClientState::completed);
    // §17.1.1.2: a retransmitted final response gets the ACK again, not passed up.
    EXPECT_EQ(m.on_response(486), (Actions{act(ActionKind::send_ack)}));
    EXPECT_TRUE(m.on_response(180).empty());
    EXPECT_EQ(m.on_timer(TxTimer::d), (Actions{act(ActionKind::terminated)}));
}

TEST(ClientMachine, Non2xxInCallingStopsTimers) {
    ClientMachine m(true, false, rfc);
    (void)m.start();
    EXPECT_EQ(m.on_response(603),
              (Actions{stop(TxTimer::a), stop(TxTimer::b), act(ActionKind::send_ack),
                       act(ActionKind::deliver_final), start(TxTimer::d, 32000)}));
}

TEST(ClientMachine, TimerDIsZeroOverTcp) {
    ClientMachine m(true, true, rfc);
    (void)m.start();
    EXPECT_EQ(m.on_response(404),
              (Actions{stop(TxTimer::b), act(ActionKind::send_ack), act(ActionKind::deliver_final),
                       act(ActionKind::terminated)}));
}

TEST(ClientMachine, Rfc6026Accepted2xxRetransmissionsGoToTu) {
    ClientMachine m(true, false, rfc);
    (void)m.start();
    EXPECT_EQ(m.on_response(200),
              (Actions{stop(TxTimer::a), stop(TxTimer::b), act(ActionKind::deliver_final),
                       start(TxTimer::m, 32000)}));
    EXPECT_EQ(m.state(), ClientState::accepted);
    EXPECT_EQ(m.on_response(200), (Actions{act(ActionKind::deliver_2xx)}));
    EXPECT_TRUE(m.on_response(486).empty());
    EXPECT_EQ(m.on_timer(TxTimer::m), (Actions{act(ActionKind::terminated)}));
}

TEST(ClientMachine, InviteTransportErrors) {
    ClientMachine calling(true, false, rfc);
    (void)calling.start();
    EXPECT_EQ(calling.on_transport_error(),
              (Actions{act(ActionKind::transport_error), act(ActionKind::terminated)}));
    ClientMachine completed(true, false, rfc);
    (void)completed.start();
    (void)completed.on_response(500);
    EXPECT_EQ(completed.on_transport_error(), (Actions{act(ActionKind::terminated)}));
    ClientMachine accepted(true, false, rfc);
    (void)accepted.start();
    (void)accepted.on_response(200);
    EXPECT_TRUE(accepted.on_transport_error().empty());
}

TEST(ClientMachine, NonInviteTimerEDoublesThenCapsAtT2) {
    ClientMachine m(false, false, rfc);
    EXPECT_EQ(m.state(), ClientState::trying);
    EXPECT_EQ(m.start(), (Actions{act(ActionKind::send_request), start(TxTimer::e, 500),
                                  start(TxTimer::f, 32000)}));
    for (long expected : {1000L, 2000L, 4000L, 4000L, 4000L}) {
        EXPECT_EQ(m.on_timer(TxTimer::e),
                  (Actions{act(ActionKind::send_request), start(TxTimer::e, expected)}));
    }
    EXPECT_EQ(m.on_timer(TxTimer::f),
              (Actions{act(ActionKind::timeout), act(ActionKind::terminated)}));
}

TEST(ClientMachine, NonInviteProceedingRetransmitsEveryT2) {
    ClientMachine m(false, false, rfc);
    (void)m.start();
    EXPECT_EQ(m.on_response(100), (Actions{act(ActionKind::deliver_provisional)}));
    EXPECT_EQ(m.state(), ClientState::proceeding);
    EXPECT_EQ(m.on_timer(TxTimer::e),
              (Actions{act(ActionKind::send_request), start(TxTimer::e, 4000)}));
    EXPECT_EQ(m.on_timer(TxTimer::f),
              (Actions{act(ActionKind::timeout), act(ActionKind::terminated)}));
}

TEST(ClientMachine, NonInviteFinalWaitsTimerK) {
    ClientMachine m(false, false, rfc);
    (void)m.start();
    EXPECT_EQ(m.on_response(200),
              (Actions{stop(TxTimer::e), stop(TxTimer::f), act(ActionKind::deliver_final),
                       start(TxTimer::k, 5000)}));
    EXPECT_TRUE(m.on_response(200).empty()) << "retransmission absorbed";
    EXPECT_TRUE(m.on_timer(TxTimer::e).empty());
    EXPECT_EQ(m.on_timer(TxTimer::k), (Actions{act(ActionKind::terminated)}));
}

TEST(ClientMachine, NonInviteOverTcpNoEAndKZero) {
    ClientMachine m(false, true, rfc);
    EXPECT_EQ(m.start(), (Actions{act(ActionKind::send_request), start(TxTimer::f, 32000)}));
    EXPECT_EQ(m.on_response(401), (Actions{stop(TxTimer::f), act(ActionKind::deliver_final),
                                           act(ActionKind::terminated)}));
}

TEST(ClientMachine, ConfiguredT1AndT2) {
    TimerConfig c;
    c.t1 = milliseconds{100};
    c.t2 = milliseconds{400};
    ClientMachine m(false, false, c);
    EXPECT_EQ(m.start(), (Actions{act(ActionKind::send_request), start(TxTimer::e, 100),
                                  start(TxTimer::f, 6400)}));
    for (long expected : {200L, 400L, 400L}) {
        EXPECT_EQ(m.on_timer(TxTimer::e),
                  (Actions{act(ActionKind::send_request), start(TxTimer::e, expected)}));
    }
}

TEST(ClientMachine, IgnoresInvalidStatus) {
    ClientMachine m(true, false, rfc);
    (void)m.start();
    EXPECT_TRUE(m.on_response(99).empty());
    EXPECT_TRUE(m.on_response(700).empty());
    EXPECT_EQ(m.state(), ClientState::calling);
}

TEST(TransactionMachineNames, AreReadable) {
    EXPECT_EQ(to_string(TxTimer::g), "G");
    EXPECT_EQ(to_string(ActionKind::send_ack), "send_ack");
    EXPECT_EQ(to_string(ClientState::accepted), "Accepted");
    EXPECT_EQ(to_string(ServerState::confirmed), "Confirmed");
}

}  // namespace
}  // namespace voip::sip
