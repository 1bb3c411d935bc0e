// The dialog layer against hand-driven peers built on a bare UserAgent / TransactionLayer:
// a UAC that loses (or never sends) the ACK, out-of-order CSeq, a UAS that challenges with
// 401, and a UAS that answers one INVITE with two 2xx of different forks. UDP and TCP.

#include <voip/sip/dialog_routing.hpp>
#include <voip/sip/digest.hpp>
#include <voip/sip/transaction_requests.hpp>
#include <voip/sip/transport_routing.hpp>

#include <gtest/gtest.h>

#include <algorithm>

#include "dialog/dialog_test_util.hpp"

namespace voip::sip {
namespace {

using namespace std::chrono_literals;
using test::Events;
using test::RecordingDialog;
using test::run_until;

std::string answer_to(std::string_view offer_text, std::uint16_t port) {
    auto offer = sdp::SessionDescription::parse(offer_text).value();
    sdp::LocalMedia local;
    local.address = "127.0.0.1";
    local.port = port;
    local.codecs = {sdp::CodecSpec("PCMU", 8000)};
    return sdp::create_answer(offer, local, sdp::SessionOptions{}).value().description.to_string();
}

std::string offer_sdp() {
    sdp::LocalMedia local;
    local.address = "127.0.0.1";
    local.port = 40000;
    local.codecs = {sdp::CodecSpec("PCMU", 8000)};
    return sdp::create_offer(local, sdp::SessionOptions{}).value().to_string();
}

class Peer : public ::testing::TestWithParam<TransportKind> {
protected:
    Peer()
        : p(io.get_executor(), test::agent_config("peer")),
          b(io.get_executor(), test::agent_config("bob-ua")) {
        layer_b = &enable_calls(b, io, test::call_config());
        b.on_incoming<RecordingDialog>(b_events);
        p.on_request("BYE", [this](const IncomingRequest& in) {
            ++peer_byes;
            (void)in.transaction->respond(200);
        });
    }

    [[nodiscard]] TransportKind kind() const { return GetParam(); }
    [[nodiscard]] std::string transport_param() const {
        return kind() == TransportKind::tcp ? ";transport=tcp" : "";
    }
    [[nodiscard]] Uri bob() const {
        return Uri::parse("sip:bob@127.0.0.1:" + std::to_string(b.local_address(kind()).port) +
                          transport_param())
            .value();
    }
    [[nodiscard]] Request invite() const {
        Request r = p.make_request(Method::invite, bob());
        r.add_header(HeaderId::contact,
                     "<sip:peer@127.0.0.1:" + std::to_string(p.local_address(kind()).port) +
                         transport_param() + ">");
        r.set_body(offer_sdp(), "application/sdp");
        return r;
    }
    // A request inside the dialog the INVITE made (To with B's tag).
    [[nodiscard]] static Request in_dialog(Method method, std::uint32_t cseq, const Request& inv,
                                           const Response& ok) {
        return test::in_dialog(method, cseq, inv, ok);
    }
    void send_ack(const Request& inv, const Response& ok) {
        test::send_ack(p, b.local_address(kind()), inv, ok);
    }

    asio::io_context io;
    UserAgent p;
    UserAgent b;
    DialogLayer* layer_b = nullptr;
    std::shared_ptr<Events> b_events = std::make_shared<Events>();
    int peer_byes = 0;
};

TEST_P(Peer, LostAckMeans2xxRetransmittedUntilTheAck) {
    const Request inv = invite();
    auto tx = p.transactions().send_request(inv, b.local_address(kind())).value();
    int retransmissions = 0;
    std::optional<Response> ok;
    tx->on_2xx_retransmission([&](const Response&) { ++retransmissions; });
    tx->async_final_response([&](std::error_code, const Response& r) { ok = r; });
    ASSERT_TRUE(run_until(io, [&] { return ok.has_value(); }));
    ASSERT_EQ(ok->status_code(), 200);
    // The first ACK(s) "lost": we do not send any; B retransmits its 2xx (RFC 3261 §13.3.1.4).
    ASSERT_TRUE(run_until(io, [&] { return retransmissions >= 2; }));
    EXPECT_EQ(b_events->confirmed, 0);
    ASSERT_TRUE(b_events->dialog);
    EXPECT_EQ(b_events->dialog->state(), DialogState::confirmed);
    send_ack(inv, *ok);
    ASSERT_TRUE(run_until(io, [&] { return b_events->confirmed == 1; }));
    const int after_ack = retransmissions;
    test::run_for(io, 300ms);                   // T1 = 30 ms: several would have come by now
    EXPECT_LE(retransmissions, after_ack + 1);  // at most one already in flight

    // RFC 3261 §12.2.2: a CSeq lower than the last one → 500.
    Request stale = in_dialog(Method::info, 0, inv, *ok);
    std::optional<int> stale_status;
    p.async_send_request(
        std::move(stale), b.local_address(kind()),
        [&](std::error_code, const Response& r) { stale_status = r.status_code(); });
    ASSERT_TRUE(run_until(io, [&] { return stale_status.has_value(); }));
    EXPECT_EQ(*stale_status, 500);

    Request bye = in_dialog(Method::bye, 2, inv, *ok);
    std::optional<int> bye_status;
    p.async_send_request(std::move(bye), b.local_address(kind()),
                         [&](std::error_code, const Response& r) { bye_status = r.status_code(); });
    ASSERT_TRUE(run_until(io, [&] { return bye_status.has_value(); }));
    EXPECT_EQ(*bye_status, 200);
    EXPECT_EQ(b_events->byes, 1);
    EXPECT_EQ(b_events->ended, EndReason::remote_bye);
    EXPECT_EQ(layer_b->count(), 0U);
    EXPECT_EQ(layer_b->multiplexer().stats().open_sockets, 0U);
}

TEST_P(Peer, NoAckEndsTheCallWithBye) {
    const Request inv = invite();
    std::optional<Response> ok;
    p.async_send_request(inv, b.local_address(kind()),
                         [&](std::error_code, const Response& r) { ok = r; });
    ASSERT_TRUE(run_until(io, [&] { return ok.has_value(); }));
    ASSERT_EQ(ok->status_code(), 200);
    // 64*T1 without an ACK: B ends the session with a BYE.
    ASSERT_TRUE(run_until(
        io, [&] { return b_events->ended.has_value(); }, 15s));
    EXPECT_EQ(peer_byes, 1);
    EXPECT_EQ(b_events->ended, EndReason::failed);
    EXPECT_EQ(b_events->end_detail, make_error_code(DialogErrc::no_ack));
    EXPECT_EQ(b_events->confirmed, 0);
    EXPECT_EQ(layer_b->count(), 0U);
    EXPECT_EQ(layer_b->multiplexer().stats().open_sockets, 0U);
}

TEST_P(Peer, ReinviteForAnEndingDialogIsRefused) {
    b_events->plan = Events::Plan::accept;
    const Request inv = invite();
    std::optional<Response> ok;
    p.async_send_request(inv, b.local_address(kind()),
                         [&](std::error_code, const Response& r) { ok = r; });
    ASSERT_TRUE(run_until(io, [&] { return ok.has_value(); }));
    send_ack(inv, *ok);
    ASSERT_TRUE(run_until(io, [&] { return b_events->confirmed == 1; }));
    // B hangs up; the peer does not answer the BYE at once... it sends a re-INVITE instead.
    p.on_request("BYE", [](const IncomingRequest&) {});  // BYE left unanswered for now
    b_events->dialog->async_bye([](std::error_code) {});
    test::run_for(io, 50ms);
    EXPECT_EQ(b_events->dialog->state(), DialogState::terminating);
    Request reinvite = in_dialog(Method::invite, 2, inv, *ok);
    reinvite.add_header(HeaderId::contact, std::string(*inv.header(HeaderId::contact)));
    reinvite.set_body(offer_sdp(), "application/sdp");
    std::optional<int> status;
    p.async_send_request(std::move(reinvite), b.local_address(kind()),
                         [&](std::error_code, const Response& r) { status = r.status_code(); });
    ASSERT_TRUE(run_until(io, [&] { return status.has_value(); }));
    EXPECT_EQ(*status, 481);
}

TEST_P(Peer, OfferlessInviteGetsTheOfferIn200AndTheAnswerInTheAck) {
    Request inv = invite();
    inv.set_body("", "");
    inv.remove_header(HeaderId::content_type);
    std::optional<Response> ok;
    p.async_send_request(inv, b.local_address(kind()),
                         [&](std::error_code, const Response& r) { ok = r; });
    ASSERT_TRUE(run_until(io, [&] { return ok.has_value(); }));
    ASSERT_EQ(ok->status_code(), 200);
    ASSERT_FALSE(ok->body().empty());  // B's offer (RFC 3264 §4)
    EXPECT_FALSE(b_events->call->media_started());
    Request ack = in_dialog(Method::ack, 1, inv, *ok);
    ack.set_body(answer_to(ok->body(), 40004), "application/sdp");
    const auto to = b.local_address(kind());
    ack.prepend_header(HeaderId::via,
                       make_via(kind(), p.transports().sent_by(to), generate_branch()));
    p.transports().send(ack, to, [](std::error_code) {});
    ASSERT_TRUE(run_until(io, [&] { return b_events->confirmed == 1; }));
    EXPECT_TRUE(b_events->call->media_started());
    ASSERT_TRUE(b_events->dialog->negotiated());
    EXPECT_EQ(b_events->dialog->negotiated()->codec.name, "PCMU");
    EXPECT_EQ(b_events->dialog->negotiated()->remote_port, 40004);
    b_events->dialog->async_bye([](std::error_code) {});
    ASSERT_TRUE(run_until(io, [&] { return peer_byes == 1 && layer_b->count() == 0; }));
}

TEST_P(Peer, CancelIsNotSentBeforeAProvisional) {
    // A UAS whose transaction never sends 100 Trying and that never answers.
    auto config = test::agent_config("silent");
    config.timers.trying_delay = 60s;
    UserAgent silent(io.get_executor(), config);
    struct Silent : DialogHandler {
        void on_invite(const IncomingRequest&) override { ++invites; }
        bool on_dialog_request(const IncomingRequest&) override { return false; }
        void on_cancelled(const std::shared_ptr<ServerTransaction>&) override { ++cancels; }
        int invites = 0;
        int cancels = 0;
    };
    auto handler = std::make_shared<Silent>();
    silent.set_dialog_handler(handler);
    enable_calls(p, io, test::call_config());
    auto dialog = p.make_dialog();
    std::optional<std::error_code> dialled;
    std::optional<std::error_code> cancelled;
    const Uri target =
        Uri::parse("sip:x@127.0.0.1:" + std::to_string(silent.local_address(kind()).port) +
                   transport_param())
            .value();
    dialog->async_dial<AudioCall>(
        target, [&](std::error_code ec, std::shared_ptr<AudioCall>) { dialled = ec; });
    dialog->async_cancel([&](std::error_code ec) { cancelled = ec; });
    // RFC 3261 §9.1: no provisional response, no CANCEL; Timer B (64*T1) ends the INVITE.
    ASSERT_TRUE(run_until(
        io, [&] { return dialled.has_value(); }, 15s));
    EXPECT_EQ(*dialled, make_error_code(TransactionError::timeout));
    EXPECT_EQ(handler->invites, 1);
    EXPECT_EQ(handler->cancels, 0);
    ASSERT_TRUE(run_until(io, [&] { return cancelled.has_value(); }));
    EXPECT_EQ(p.active_dialogs(), 0U);
}

INSTANTIATE_TEST_SUITE_P(Transports, Peer,
                         ::testing::Values(TransportKind::udp, TransportKind::tcp),
                         [](const auto& info) { return std::string(to_string(info.param)); });

// A caller with an account against an in-test UAS that challenges (RFC 3261 §22.2).
class Challenged : public ::testing::TestWithParam<TransportKind> {
protected:
    Challenged()
        : a(io.get_executor(), alice_config()), s(io.get_executor(), test::agent_config("uas")) {
        enable_calls(a, io, test::call_config());
        s.on_request("INVITE", [this](const IncomingRequest& in) { on_invite(in); });
    }
    static UserAgentConfig alice_config() {
        auto c = test::agent_config("alice-ua");
        AccountConfig account;
        account.aor = Uri::parse("sip:alice@127.0.0.1").value();
        account.password = "secret";
        c.account = std::move(account);
        return c;
    }
    void on_invite(const IncomingRequest& in) {
        invites.push_back(in.request);
        const auto answers = in.request.authorization();
        if (!answers.empty() && !always_challenge) {
            auto answer = DigestResponse::parse(answers.front());
            verified = answer && server.verify(*answer, "INVITE",
                                               DigestCredentials::from_password("alice", "secret"));
            (void)in.transaction->respond(603, {}, make_tag());
            return;
        }
        Response challenge = Response::make_for(in.request, 401, {}, make_tag());
        challenge.add_header(HeaderId::www_authenticate,
                             server.challenge(DigestAlgorithm::md5).value().to_string());
        (void)in.transaction->respond(std::move(challenge));
    }
    [[nodiscard]] Uri uas() const {
        return Uri::parse(
                   "sip:service@127.0.0.1:" + std::to_string(s.local_address(GetParam()).port) +
                   (GetParam() == TransportKind::tcp ? ";transport=tcp" : ""))
            .value();
    }
    std::error_code dial() {
        auto dialog = a.make_dialog();
        std::optional<std::error_code> result;
        dialog->async_dial<AudioCall>(
            uas(), [&](std::error_code ec, std::shared_ptr<AudioCall>) { result = ec; });
        EXPECT_TRUE(run_until(io, [&] { return result.has_value(); }));
        return result.value_or(std::error_code{});
    }

    asio::io_context io;
    UserAgent a;
    UserAgent s;
    DigestServer server{"127.0.0.1"};
    std::vector<Request> invites;
    bool always_challenge = false;
    bool verified = false;
};

TEST_P(Challenged, InviteAnsweredWithCredentialsOnce) {
    const auto ec = dial();
    EXPECT_EQ(status_of(ec), 603) << ec.message();
    ASSERT_EQ(invites.size(), 2U);
    EXPECT_TRUE(verified);
    EXPECT_EQ(invites[0].call_id(), invites[1].call_id());
    EXPECT_EQ(invites[0].from_tag(), invites[1].from_tag());
    EXPECT_EQ(invites[1].cseq()->number, invites[0].cseq()->number + 1);
    EXPECT_NE(invites[0].branch(), invites[1].branch());
    EXPECT_EQ(invites[0].body(), invites[1].body());
    EXPECT_EQ(a.active_dialogs(), 0U);
}

TEST_P(Challenged, SecondChallengeIsAnError) {
    always_challenge = true;
    const auto ec = dial();
    EXPECT_EQ(status_of(ec), 401);
    EXPECT_EQ(invites.size(), 2U);  // never a loop
}

INSTANTIATE_TEST_SUITE_P(Transports, Challenged,
                         ::testing::Values(TransportKind::udp, TransportKind::tcp),
                         [](const auto& info) { return std::string(to_string(info.param)); });

// A UAS that answers one INVITE with the 2xx of two forks (as a forking proxy would pass
// them on): the caller keeps the first and ends the second with ACK + BYE (§13.2.2.4).
class Forker : public DialogHandler {
public:
    explicit Forker(UserAgent& ua) : ua_(ua) {}
    void on_invite(const IncomingRequest& in) override {
        const std::string contact =
            "<sip:fork@127.0.0.1:" + std::to_string(ua_.local_address(in.source.kind).port) +
            (in.source.kind == TransportKind::tcp ? ";transport=tcp>" : ">");
        for (const char* tag : {"fork-one", "fork-two"}) {
            Response ok = Response::make_for(in.request, 200, {}, tag);
            ok.add_header(HeaderId::contact, contact);
            ok.set_body(answer_to(in.request.body(), 40010), "application/sdp");
            (void)in.transaction->respond(std::move(ok));
        }
    }
    bool on_dialog_request(const IncomingRequest& in) override {
        const std::string tag(in.request.to_tag());
        if (in.request.method_id() == Method::ack) acks.push_back(tag);
        if (in.request.method_id() == Method::bye) {
            byes.push_back(tag);
            (void)in.transaction->respond(200);
        }
        return true;
    }
    std::vector<std::string> acks;
    std::vector<std::string> byes;

private:
    UserAgent& ua_;
};

class Forked : public ::testing::TestWithParam<TransportKind> {
protected:
    Forked()
        : a(io.get_executor(), test::agent_config("alice-ua")),
          f(io.get_executor(), test::agent_config("forker")) {
        enable_calls(a, io, test::call_config());
        f.set_dialog_handler(forker);
    }
    asio::io_context io;
    UserAgent a;
    UserAgent f;
    std::shared_ptr<Forker> forker = std::make_shared<Forker>(f);
};

bool contains(const std::vector<std::string>& v, std::string_view s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

TEST_P(Forked, SecondForkIsAckedAndHungUp) {
    const Uri target =
        Uri::parse("sip:x@127.0.0.1:" + std::to_string(f.local_address(GetParam()).port) +
                   (GetParam() == TransportKind::tcp ? ";transport=tcp" : ""))
            .value();
    auto dialog = a.make_dialog();
    std::optional<std::error_code> result;
    std::shared_ptr<AudioCall> call;
    dialog->async_dial<AudioCall>(target, [&](std::error_code ec, std::shared_ptr<AudioCall> c) {
        result = ec;
        call = std::move(c);
    });
    ASSERT_TRUE(run_until(io, [&] { return result.has_value(); }));
    ASSERT_EQ(*result, std::error_code{}) << result->message();
    EXPECT_EQ(dialog->remote_tag(), "fork-one");
    ASSERT_TRUE(run_until(io, [&] {
        return contains(forker->acks, "fork-one") && contains(forker->acks, "fork-two") &&
               contains(forker->byes, "fork-two");
    }));
    EXPECT_FALSE(contains(forker->byes, "fork-one"));
    EXPECT_EQ(dialog->state(), DialogState::confirmed);
    std::optional<std::error_code> bye;
    call->hang_up([&](std::error_code ec) { bye = ec; });
    ASSERT_TRUE(run_until(io, [&] { return bye.has_value(); }));
    EXPECT_EQ(*bye, std::error_code{});
    EXPECT_TRUE(contains(forker->byes, "fork-one"));
    EXPECT_EQ(a.active_dialogs(), 0U);
}

INSTANTIATE_TEST_SUITE_P(Transports, Forked,
                         ::testing::Values(TransportKind::udp, TransportKind::tcp),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace voip::sip
