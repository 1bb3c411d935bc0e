// Server transactions through the TransactionLayer with a manual clock and a fake channel:
// 100 Trying, Timer G/H/I/J/L at their RFC times, duplicates absorbed, ACK matching, CANCEL
// matching, merged requests, RFC 2543 fallback matching (RFC 4475 inv2543.dat, badbranch.dat).
#include <voip/sip/transaction_layer.hpp>

#include <asio/io_context.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "sip_test_util.hpp"
#include "transaction_test_doubles.hpp"

namespace voip::sip::test {
namespace {

using std::chrono::milliseconds;
using Times = std::vector<long>;

class ServerLayerTest : public ::testing::Test {
protected:
    ServerLayerTest() {
        layer.on_request([this](const IncomingRequest& in) {
            seen.push_back(
                Seen{std::string(in.request.method()), in.transaction, in.merged_with, in.source});
        });
    }
    void advance(long ms) { clock.advance(milliseconds{ms}); }
    // One turn of the executor: what the layer posted runs (a completed transaction lets its
    // request go then).
    void settle() {
        io.restart();
        io.poll();
    }
    void deliver(const Request& request, const TransportAddress& from = udp_peer()) {
        ASSERT_TRUE(layer.receive(request, from));
    }

    struct Seen {
        std::string method;
        std::shared_ptr<ServerTransaction> tx;
        std::shared_ptr<ServerTransaction> merged_with;
        TransportAddress source;
    };

    asio::io_context io;
    ManualTimerService clock;
    FakeChannel channel{&clock};
    TransactionLayer layer{io.get_executor(), channel, clock};
    std::vector<Seen> seen;
};

TEST_F(ServerLayerTest, InviteGets100TryingAfter200msAndRetransmissionsAreAbsorbed) {
    deliver(make_incoming(Method::invite, "z9hG4bK776asdhds"));
    ASSERT_EQ(seen.size(), 1U);
    auto tx = seen[0].tx;
    ASSERT_NE(tx, nullptr);
    EXPECT_TRUE(tx->is_invite());
    EXPECT_EQ(seen[0].source, udp_peer());
    EXPECT_EQ(seen[0].merged_with, nullptr);
    advance(199);
    EXPECT_TRUE(channel.sent.empty());
    advance(1);
    EXPECT_EQ(channel.times_of(100), (Times{200}));
    EXPECT_EQ(channel.sent[0].to, udp_peer());
    EXPECT_EQ(channel.sent[0].response().branch(), "z9hG4bK776asdhds");
    advance(300);
    deliver(make_incoming(Method::invite, "z9hG4bK776asdhds"));  // retransmission
    EXPECT_EQ(seen.size(), 1U) << "no second TU callback";
    EXPECT_EQ(channel.times_of(100), (Times{200, 500})) << "the last response is resent";
    EXPECT_EQ(layer.server_count(), 1U);
}

TEST_F(ServerLayerTest, NoTryingWhenTheTuAnswersWithin200ms) {
    deliver(make_incoming(Method::invite, "z9hG4bKquick"));
    advance(50);
    ASSERT_TRUE(seen[0].tx->respond(180, {}, "t"));
    advance(1000);
    EXPECT_TRUE(channel.times_of(100).empty());
    EXPECT_EQ(channel.times_of(180), (Times{50}));
    deliver(make_incoming(Method::invite, "z9hG4bKquick"));
    EXPECT_EQ(channel.times_of(180), (Times{50, 1050}));
}

// §17.2.1: 300-699 retransmitted by Timer G (T1 doubling, capped at T2) until the ACK or until
// Timer H (64*T1) tells the TU that no ACK came.
TEST_F(ServerLayerTest, InviteNon2xxTimerGCapsAtT2AndTimerHTimesOut) {
    deliver(make_incoming(Method::invite, "z9hG4bKg"));
    auto tx = seen[0].tx;
    std::vector<std::error_code> errors;
    tx->on_error([&](std::error_code ec) { errors.push_back(ec); });
    ASSERT_TRUE(tx->respond(486, {}, "busy1"));
    EXPECT_EQ(tx->state(), ServerState::completed);
    EXPECT_EQ(tx->respond(500).error(), TransactionError::invalid_response);
    advance(31999);
    EXPECT_EQ(channel.times_of(486),
              (Times{0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500}));
    EXPECT_TRUE(errors.empty());
    advance(1);
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0], TransactionError::timeout);
    EXPECT_EQ(layer.server_count(), 0U);
}

TEST_F(ServerLayerTest, AckForNon2xxMatchesAndTimerIAbsorbsMoreAcks) {
    deliver(make_incoming(Method::invite, "z9hG4bKack"));
    auto tx = seen[0].tx;
    ASSERT_TRUE(tx->respond(404, {}, "nf"));
    advance(700);  // one retransmission at 500
    Request ack = make_incoming(Method::ack, "z9hG4bKack");
    ack.set_header(HeaderId::to, "Bob <sip:bob@biloxi.example.com>;tag=nf");
    deliver(ack);
    EXPECT_EQ(seen.size(), 1U) << "the ACK for a non-2xx is the transaction's, not the TU's";
    EXPECT_EQ(tx->state(), ServerState::confirmed);
    deliver(make_incoming(Method::invite, "z9hG4bKack"));  // late INVITE retransmission
    deliver(ack);
    advance(10000);
    EXPECT_EQ(channel.times_of(404), (Times{0, 500})) << "G stopped; Confirmed absorbs";
    EXPECT_EQ(seen.size(), 1U);
    EXPECT_EQ(layer.server_count(), 0U) << "Timer I (T4) ended it";
}

TEST_F(ServerLayerTest, TimerIFiresAtT4) {
    deliver(make_incoming(Method::invite, "z9hG4bKi"));
    ASSERT_TRUE(seen[0].tx->respond(480, {}, "x"));
    deliver(make_incoming(Method::ack, "z9hG4bKi"));
    advance(4999);
    EXPECT_EQ(layer.server_count(), 1U);
    advance(1);
    EXPECT_EQ(layer.server_count(), 0U);
}

TEST_F(ServerLayerTest, InviteOverTcpNoGAndAckTerminatesAtOnce) {
    deliver(make_incoming(Method::invite, "z9hG4bKtcp"), tcp_peer());
    auto tx = seen[0].tx;
    ASSERT_TRUE(tx->respond(486, {}, "b"));
    advance(20000);
    EXPECT_EQ(channel.times_of(486), (Times{0}));
    EXPECT_EQ(channel.sent.back().to, tcp_peer());
    Request ack = make_incoming(Method::ack, "z9hG4bKtcp");
    deliver(ack, tcp_peer());
    EXPECT_EQ(layer.server_count(), 0U) << "Timer I is zero over TCP";
}

// RFC 6026 §7.1: after a 2xx the INVITE server transaction is Accepted for 64*T1 (Timer L):
// INVITE retransmissions are absorbed (not a new request), the TU retransmits its 2xx.
TEST_F(ServerLayerTest, Invite2xxAcceptedState) {
    deliver(make_incoming(Method::invite, "z9hG4bKok"));
    auto tx = seen[0].tx;
    ASSERT_TRUE(tx->respond(200, {}, "ok1"));
    EXPECT_EQ(tx->state(), ServerState::accepted);
    advance(1000);
    deliver(make_incoming(Method::invite, "z9hG4bKok"));
    EXPECT_EQ(seen.size(), 1U);
    EXPECT_EQ(channel.times_of(200), (Times{0})) << "the transaction does not retransmit 2xx";
    ASSERT_TRUE(tx->respond(200, {}, "ok1"));  // the TU's own retransmission passes
    EXPECT_EQ(channel.times_of(200), (Times{0, 1000}));
    EXPECT_EQ(tx->respond(486).error(), TransactionError::invalid_response);

    // The 2xx ACK (its own branch, §17.1.1.3) matches nothing: to the TU without transaction.
    Request ack = make_incoming(Method::ack, "z9hG4bKnewbranch");
    ack.set_header(HeaderId::to, "Bob <sip:bob@biloxi.example.com>;tag=ok1");
    deliver(ack);
    ASSERT_EQ(seen.size(), 2U);
    EXPECT_EQ(seen[1].method, "ACK");
    EXPECT_EQ(seen[1].tx, nullptr);
    // An ACK that does carry the INVITE's branch goes to on_ack.
    int acks = 0;
    tx->on_ack([&](const Request& r) {
        EXPECT_EQ(r.method_id(), Method::ack);
        ++acks;
    });
    deliver(make_incoming(Method::ack, "z9hG4bKok"));
    EXPECT_EQ(acks, 1);
    EXPECT_EQ(seen.size(), 2U);
    advance(32000 - 1000 - 1);
    EXPECT_EQ(layer.server_count(), 1U);
    advance(1);
    EXPECT_EQ(layer.server_count(), 0U);
}

// §17.2.2: the non-INVITE server transaction resends its last response for each retransmitted
// request and keeps that up for Timer J (64*T1 over UDP, zero over TCP).
TEST_F(ServerLayerTest, NonInviteRetransmissionGetsLastResponseUntilTimerJ) {
    deliver(make_incoming(Method::options, "z9hG4bKopt"));
    auto tx = seen[0].tx;
    EXPECT_FALSE(tx->is_invite());
    deliver(make_incoming(Method::options, "z9hG4bKopt"));  // Trying: absorbed silently
    EXPECT_TRUE(channel.sent.empty());
    ASSERT_TRUE(tx->respond(200, {}, "o"));
    advance(3000);
    EXPECT_EQ(channel.times_of(200), (Times{0})) << "no retransmission timer for non-INVITE";
    deliver(make_incoming(Method::options, "z9hG4bKopt"));
    EXPECT_EQ(channel.times_of(200), (Times{0, 3000}));
    EXPECT_EQ(channel.sent.back().response().to_tag(), "o");
    EXPECT_EQ(seen.size(), 1U);
    advance(32000 - 3000 - 1);
    EXPECT_EQ(layer.server_count(), 1U);
    advance(1);
    EXPECT_EQ(layer.server_count(), 0U);
    // After Timer J the same branch is a new request again.
    deliver(make_incoming(Method::options, "z9hG4bKopt"));
    EXPECT_EQ(seen.size(), 2U);
}

TEST_F(ServerLayerTest, NonInviteOverTcpTimerJIsZero) {
    deliver(make_incoming(Method::register_, "z9hG4bKreg"), tcp_peer());
    ASSERT_TRUE(seen[0].tx->respond(200, {}, "r"));
    EXPECT_EQ(layer.server_count(), 0U);
}

TEST_F(ServerLayerTest, MethodAndSentByArePartOfTheKey) {
    deliver(make_incoming(Method::invite, "z9hG4bKsame"));
    deliver(make_incoming(Method::cancel, "z9hG4bKsame"));
    EXPECT_EQ(seen.size(), 2U) << "CANCEL is a transaction of its own";
    Request other_host = make_incoming(Method::options, "z9hG4bKsame");
    deliver(other_host);
    Request moved = make_incoming(Method::options, "z9hG4bKsame");
    moved.set_header(HeaderId::via, "SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKsame");
    deliver(moved);
    EXPECT_EQ(seen.size(), 4U) << "a different sent-by is a different transaction";
}

// §9.2: a CANCEL matches the INVITE server transaction it cancels.
TEST_F(ServerLayerTest, FindInviteForCancel) {
    deliver(make_incoming(Method::invite, "z9hG4bKcan"));
    auto invite_tx = seen[0].tx;
    Request cancel = make_incoming(Method::cancel, "z9hG4bKcan");
    deliver(cancel);
    ASSERT_EQ(seen.size(), 2U);
    EXPECT_EQ(seen[1].method, "CANCEL");
    EXPECT_NE(seen[1].tx, invite_tx);
    EXPECT_EQ(layer.find_invite_for_cancel(cancel), invite_tx);
    EXPECT_EQ(layer.find_invite_for_cancel(make_incoming(Method::cancel, "z9hG4bKother")), nullptr);
    // The UAS answers 200 to the CANCEL and 487 to the INVITE.
    ASSERT_TRUE(seen[1].tx->respond(200));
    ASSERT_TRUE(invite_tx->respond(487, {}, "c"));
    EXPECT_EQ(channel.times_of(487).size(), 1U);
}

// §8.2.2.2: same From tag, Call-ID and CSeq as a live transaction, different branch, no To
// tag: a merged request. The layer flags it; the TU answers 482.
TEST_F(ServerLayerTest, MergedRequestIsFlagged) {
    deliver(make_incoming(Method::invite, "z9hG4bKpath1"));
    deliver(make_incoming(Method::invite, "z9hG4bKpath2"));
    ASSERT_EQ(seen.size(), 2U);
    EXPECT_EQ(seen[0].merged_with, nullptr);
    EXPECT_EQ(seen[1].merged_with, seen[0].tx);
    ASSERT_TRUE(seen[1].tx->respond(482, {}, "loop"));
    EXPECT_EQ(channel.times_of(482).size(), 1U);
    // A different CSeq is not merged.
    deliver(make_incoming(Method::invite, "z9hG4bKpath3", 2));
    EXPECT_EQ(seen[2].merged_with, nullptr);
    // A request with a To tag (in-dialog) is never checked.
    Request in_dialog = make_incoming(Method::invite, "z9hG4bKpath4");
    in_dialog.set_header(HeaderId::to, "Bob <sip:bob@biloxi.example.com>;tag=dlg");
    deliver(in_dialog);
    EXPECT_EQ(seen[3].merged_with, nullptr);
}

TEST_F(ServerLayerTest, RequestWithoutViaIsUnmatchable) {
    Request r(Method::options, Uri::parse("sip:bob@192.0.2.1").value());
    r.add_header(HeaderId::cseq, "1 OPTIONS");
    EXPECT_EQ(layer.receive(r, udp_peer()).error(), TransactionError::unmatchable_message);
    EXPECT_TRUE(seen.empty());
}

TEST_F(ServerLayerTest, WithoutHandlerNewRequestsGet503) {
    FakeChannel ch(&clock);
    TransactionLayer bare(io.get_executor(), ch, clock);
    ASSERT_TRUE(bare.receive(make_incoming(Method::options, "z9hG4bKnone"), udp_peer()));
    EXPECT_EQ(ch.times_of(503).size(), 1U);
}

TEST_F(ServerLayerTest, TransportErrorReachesTheTu) {
    deliver(make_incoming(Method::options, "z9hG4bKerr"));
    auto tx = seen[0].tx;
    std::error_code error;
    tx->on_error([&](std::error_code ec) { error = ec; });
    ASSERT_TRUE(tx->respond(200));
    channel.fail(0);
    EXPECT_EQ(error, TransactionError::transport_error);
    EXPECT_EQ(layer.server_count(), 0U);
}

std::string conformance(const char* name) {
    return read_file(std::filesystem::path(VOIP_SHARED_DIR) / "conformance" / "rfc4475" / name);
}

// RFC 4475 §3.4.1 inv2543.dat: no branch at all. §17.2.3 fallback: Request-URI, From tag,
// Call-ID, CSeq, top Via, To tag; the ACK matches with the To tag of our response.
TEST_F(ServerLayerTest, Rfc2543InviteMatchesByDialogFieldsAndVia) {
    const std::string bytes = conformance("inv2543.dat");
    auto invite = Request::parse(bytes);
    ASSERT_TRUE(invite) << invite.error().message();
    EXPECT_TRUE(invite->branch().empty());
    deliver(*invite);
    ASSERT_EQ(seen.size(), 1U);
    auto tx = seen[0].tx;
    deliver(Request::parse(bytes).value());  // retransmission: absorbed
    EXPECT_EQ(seen.size(), 1U);
    ASSERT_TRUE(tx->respond(486, {}, "2543tag"));
    deliver(Request::parse(bytes).value());
    EXPECT_EQ(channel.times_of(486), (Times{0, 0})) << "retransmission gets the 486 again";

    // A different CSeq is a different transaction.
    std::string other = bytes;
    other.replace(other.find("CSeq: 56"), 8, "CSeq: 57");
    deliver(Request::parse(other).value());
    EXPECT_EQ(seen.size(), 2U);

    // The RFC 2543 ACK: same Request-URI, Call-ID, From, CSeq number, Via; To with our tag.
    Request ack(Method::ack, Uri::parse("sip:UserB@example.com").value());
    ack.add_header(HeaderId::via, "SIP/2.0/UDP iftgw.example.com");
    ack.add_header(HeaderId::from, "<sip:+13035551111@ift.client.example.net;user=phone>");
    ack.add_header(HeaderId::to, "sip:+16505552222@ss1.example.net;user=phone;tag=wrong");
    ack.add_header(HeaderId::call_id, "inv2543.1717@ift.client.example.com");
    ack.add_header(HeaderId::cseq, "56 ACK");
    deliver(ack);  // wrong To tag: matches nothing → TU
    EXPECT_EQ(tx->state(), ServerState::completed);
    EXPECT_EQ(seen.size(), 3U);
    EXPECT_EQ(seen[2].tx, nullptr);
    ack.set_header(HeaderId::to, "sip:+16505552222@ss1.example.net;user=phone;tag=2543tag");
    deliver(ack);
    EXPECT_EQ(tx->state(), ServerState::confirmed);
    EXPECT_EQ(seen.size(), 3U);
    // CANCEL matching in the same fallback.
    std::string cancel_bytes = bytes;
    cancel_bytes.replace(0, 6, "CANCEL");
    cancel_bytes.replace(cancel_bytes.find("56 INVITE"), 9, "56 CANCEL");
    auto cancel = Request::parse(cancel_bytes);
    ASSERT_TRUE(cancel) << cancel.error().message();
    EXPECT_EQ(layer.find_invite_for_cancel(*cancel), tx);
}

// §17.2.3: the To tag is part of the RFC 2543 match: two requests that differ only there are
// two live transactions, each absorbing its own retransmissions.
TEST_F(ServerLayerTest, Rfc2543ToTagSeparatesTransactions) {
    const std::string bytes = conformance("inv2543.dat");
    std::string tagged = bytes;
    tagged.replace(tagged.find("user=phone\r\nCall-ID"), 10, "user=phone;tag=dlg9");
    deliver(Request::parse(bytes).value());
    deliver(Request::parse(tagged).value());
    ASSERT_EQ(seen.size(), 2U);
    EXPECT_NE(seen[0].tx, seen[1].tx);
    EXPECT_EQ(layer.server_count(), 2U);
    deliver(Request::parse(bytes).value());
    deliver(Request::parse(tagged).value());
    EXPECT_EQ(seen.size(), 2U);
    // The in-dialog one is answered; its ACK carries the same tag and matches it.
    ASSERT_TRUE(seen[1].tx->respond(488));
    Request ack = Request::parse(tagged).value();
    EXPECT_EQ(ack.to_tag(), "dlg9");
    EXPECT_EQ(seen[1].tx->last_response()->to_tag(), "dlg9");
    std::string ack_bytes = tagged;
    ack_bytes.replace(0, 6, "ACK");
    ack_bytes.replace(ack_bytes.find("56 INVITE"), 9, "56 ACK");
    auto parsed_ack = Request::parse(ack_bytes);
    ASSERT_TRUE(parsed_ack) << parsed_ack.error().message();
    deliver(*parsed_ack);
    EXPECT_EQ(seen[1].tx->state(), ServerState::confirmed);
    EXPECT_EQ(seen[0].tx->state(), ServerState::proceeding);
}

// RFC 4475 §3.2.1 badbranch.dat: branch is the bare cookie: still RFC 2543 matching, so
// another request with the same bare branch but different Call-ID is a new transaction.
TEST_F(ServerLayerTest, BareCookieBranchFallsBackToRfc2543Matching) {
    const std::string bytes = conformance("badbranch.dat");
    auto options = Request::parse(bytes);
    ASSERT_TRUE(options) << options.error().message();
    EXPECT_EQ(options->branch(), "z9hG4bK");
    deliver(*options);
    deliver(Request::parse(bytes).value());
    EXPECT_EQ(seen.size(), 1U) << "its retransmission is absorbed";
    std::string other = bytes;
    other.replace(other.find("badbranch.sadonfo"), 9, "otherxxxx");
    deliver(Request::parse(other).value());
    EXPECT_EQ(seen.size(), 2U) << "an RFC 3261 match on the bare cookie would merge these";
}

// Issue 10: after its final response a transaction keeps only its key, the response's bytes and
// its timer. The request stays readable while the TU's handler runs, and goes at the next turn
// of the executor; the RFC behaviour afterwards is the same (below and the tests above).
TEST_F(ServerLayerTest, RequestStaysForTheHandlerAndGoesAtTheNextTurn) {
    std::string method_after_respond;
    layer.on_request([&](const IncomingRequest& in) {
        seen.push_back(Seen{std::string(in.request.method()), in.transaction, nullptr, in.source});
        ASSERT_TRUE(in.transaction->respond(200, {}, "b1"));
        method_after_respond = std::string(in.request.method());  // still there
    });
    deliver(make_incoming(Method::bye, "z9hG4bKbye1"));
    EXPECT_EQ(method_after_respond, "BYE");
    auto tx = seen[0].tx;
    EXPECT_FALSE(tx->request_released());
    EXPECT_EQ(tx->last_status(), 200);
    settle();
    EXPECT_TRUE(tx->request_released());
    EXPECT_EQ(tx->request().method(), "RELEASED");
    EXPECT_EQ(tx->respond(200, {}, "b1").error(), TransactionError::invalid_response);
    ASSERT_TRUE(tx->last_response());
    EXPECT_EQ(tx->last_response()->to_tag(), "b1");
    EXPECT_EQ(tx->last_status(), 200);
}

TEST_F(ServerLayerTest, NoReleaseBeforeTheFinalResponse) {
    deliver(make_incoming(Method::invite, "z9hG4bKring"));
    auto tx = seen[0].tx;
    ASSERT_TRUE(tx->respond(180, {}, "r1"));
    settle();
    EXPECT_FALSE(tx->request_released());
    EXPECT_EQ(tx->request().method(), "INVITE");
    EXPECT_EQ(tx->last_status(), 180);
    ASSERT_TRUE(tx->respond(486, {}, "r1"));  // the shorthand still has its request
    settle();
    EXPECT_TRUE(tx->request_released());
}

// §17.2.2 after the release: each retransmitted request gets the same bytes again, until
// Timer J exactly.
TEST_F(ServerLayerTest, ReleasedNonInviteResendsTheSameBytesUntilTimerJ) {
    deliver(make_incoming(Method::bye, "z9hG4bKbye2"));
    ASSERT_TRUE(seen[0].tx->respond(200, {}, "b2"));
    settle();
    ASSERT_TRUE(seen[0].tx->request_released());
    advance(700);
    deliver(make_incoming(Method::bye, "z9hG4bKbye2"));
    advance(9000);
    deliver(make_incoming(Method::bye, "z9hG4bKbye2"));
    ASSERT_EQ(channel.times_of(200), (Times{0, 700, 9700}));
    EXPECT_EQ(channel.sent[1].wire, channel.sent[0].wire);
    EXPECT_EQ(channel.sent[2].wire, channel.sent[0].wire);
    EXPECT_EQ(channel.sent[2].to, udp_peer());
    EXPECT_EQ(seen.size(), 1U);
    advance(32000 - 9700 - 1);
    EXPECT_EQ(layer.server_count(), 1U);
    advance(1);
    EXPECT_EQ(layer.server_count(), 0U);
}

// RFC 6026 §7.1 after the release: INVITE retransmissions absorbed, the ACK to on_ack, the
// TU's 2xx retransmission (resend_2xx) the same bytes, Timer L exactly.
TEST_F(ServerLayerTest, ReleasedAcceptedInviteAbsorbsAndPassesTheAck) {
    deliver(make_incoming(Method::invite, "z9hG4bKacc"));
    auto tx = seen[0].tx;
    EXPECT_EQ(tx->resend_2xx().error(), TransactionError::invalid_response);  // not Accepted
    ASSERT_TRUE(tx->respond(200, {}, "a1"));
    int acks = 0;
    tx->on_ack([&](const Request&) { ++acks; });
    settle();
    ASSERT_TRUE(tx->request_released());
    advance(500);
    deliver(make_incoming(Method::invite, "z9hG4bKacc"));
    EXPECT_EQ(channel.times_of(200), (Times{0})) << "absorbed";
    EXPECT_EQ(seen.size(), 1U);
    ASSERT_TRUE(tx->resend_2xx());
    ASSERT_EQ(channel.times_of(200), (Times{0, 500}));
    EXPECT_EQ(channel.sent[1].wire, channel.sent[0].wire);
    deliver(make_incoming(Method::ack, "z9hG4bKacc"));
    EXPECT_EQ(acks, 1);
    advance(32000 - 500 - 1);
    EXPECT_EQ(layer.server_count(), 1U);
    advance(1);
    EXPECT_EQ(layer.server_count(), 0U);
    EXPECT_EQ(tx->resend_2xx().error(), TransactionError::terminated);
}

// §17.2.1 after the release: Timer G resends the same non-2xx bytes, the ACK confirms, Timer I
// absorbs, then the transaction ends.
TEST_F(ServerLayerTest, ReleasedNon2xxInviteRetransmitsUntilTheAck) {
    deliver(make_incoming(Method::invite, "z9hG4bKbusy"));
    auto tx = seen[0].tx;
    ASSERT_TRUE(tx->respond(486, {}, "x1"));
    settle();
    ASSERT_TRUE(tx->request_released());
    advance(500 + 1000);
    ASSERT_EQ(channel.times_of(486), (Times{0, 500, 1500}));
    EXPECT_EQ(channel.sent[2].wire, channel.sent[0].wire);
    deliver(make_incoming(Method::ack, "z9hG4bKbusy"));
    EXPECT_EQ(tx->state(), ServerState::confirmed);
    advance(5000 - 1);
    EXPECT_EQ(layer.server_count(), 1U);
    EXPECT_EQ(channel.times_of(486).size(), 3U);
    advance(1);
    EXPECT_EQ(layer.server_count(), 0U);
}

}  // namespace
}  // namespace voip::sip::test
