// Dialog::accept_without_media (issue 10): a call answered with an SDP the application supplies,
// or with no body, and no RTP port opened; confirmed by the ACK, ended by BYE, nothing left.
// The caller is a bare UserAgent so that the 200 can be inspected as it went on the wire.

#include <voip/sip/dialog_routing.hpp>
#include <voip/sip/transaction_requests.hpp>
#include <voip/sip/transport_routing.hpp>

#include <gtest/gtest.h>

#include "dialog/dialog_test_util.hpp"

namespace voip::sip {
namespace {

using namespace std::chrono_literals;
using test::Events;
using test::RecordingDialog;
using test::run_until;

constexpr std::string_view app_sdp =
    "v=0\r\no=media 1 1 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\n"
    "m=audio 30000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

constexpr std::string_view offer =
    "v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

class NoMedia : public ::testing::TestWithParam<TransportKind> {
protected:
    NoMedia()
        : p(io.get_executor(), test::agent_config("peer")),
          b(io.get_executor(), test::agent_config("bob-ua")) {
        layer_b = &enable_calls(b, io, test::call_config());
        b.on_incoming<RecordingDialog>(b_events);
        b_events->plan = Events::Plan::without_media;
    }

    [[nodiscard]] TransportKind kind() const { return GetParam(); }
    [[nodiscard]] std::string transport_param() const {
        return kind() == TransportKind::tcp ? ";transport=tcp" : "";
    }
    [[nodiscard]] Request invite(bool with_offer) const {
        auto bob = Uri::parse("sip:bob@127.0.0.1:" + std::to_string(b.local_address(kind()).port) +
                              transport_param())
                       .value();
        Request r = p.make_request(Method::invite, bob);
        r.add_header(HeaderId::contact,
                     "<sip:peer@127.0.0.1:" + std::to_string(p.local_address(kind()).port) +
                         transport_param() + ">");
        if (with_offer) r.set_body(offer, "application/sdp");
        return r;
    }
    [[nodiscard]] static Request in_dialog(Method method, std::uint32_t cseq, const Request& inv,
                                           const Response& ok) {
        return test::in_dialog(method, cseq, inv, ok);
    }
    void send_ack(const Request& inv, const Response& ok) {
        test::send_ack(p, b.local_address(kind()), inv, ok);
    }
    std::optional<Response> call(const Request& inv) {
        std::optional<Response> ok;
        p.async_send_request(inv, b.local_address(kind()),
                             [&](std::error_code, const Response& r) { ok = r; });
        if (!run_until(io, [&] { return ok.has_value(); })) return std::nullopt;
        return ok;
    }
    // BYE from the caller; its final status.
    int hang_up(const Request& inv, const Response& ok, std::uint32_t cseq = 2) {
        std::optional<int> status;
        p.async_send_request(in_dialog(Method::bye, cseq, inv, ok), b.local_address(kind()),
                             [&](std::error_code, const Response& r) { status = r.status_code(); });
        if (!run_until(io, [&] { return status.has_value(); })) return 0;
        return *status;
    }

    asio::io_context io;
    UserAgent p;
    UserAgent b;
    DialogLayer* layer_b = nullptr;
    std::shared_ptr<Events> b_events = std::make_shared<Events>();
};

TEST_P(NoMedia, AnswersWithTheApplicationsSdpAndOpensNoPort) {
    b_events->media_body = std::string(app_sdp);
    const Request inv = invite(true);
    auto ok = call(inv);
    ASSERT_TRUE(ok);
    ASSERT_EQ(ok->status_code(), 200);
    EXPECT_TRUE(b_events->accepted_without_media);
    EXPECT_EQ(ok->body(), app_sdp);  // as given, not negotiated
    EXPECT_EQ(ok->content_type(), "application/sdp");
    EXPECT_TRUE(ok->contact_uri().has_value());
    EXPECT_EQ(layer_b->multiplexer().stats().sessions, 0U);
    EXPECT_EQ(layer_b->multiplexer().stats().open_sockets, 0U);
    ASSERT_TRUE(b_events->dialog);
    EXPECT_EQ(b_events->dialog->session(), nullptr);

    send_ack(inv, *ok);
    ASSERT_TRUE(run_until(io, [&] { return b_events->confirmed == 1; }));
    EXPECT_EQ(b_events->dialog->state(), DialogState::confirmed);

    EXPECT_EQ(hang_up(inv, *ok), 200);
    ASSERT_TRUE(run_until(io, [&] { return b_events->ended.has_value(); }));
    EXPECT_EQ(b_events->byes, 1);
    EXPECT_EQ(*b_events->ended, EndReason::remote_bye);
    EXPECT_EQ(b_events->terminated_calls, 1);
    EXPECT_EQ(layer_b->count(), 0U);
    EXPECT_EQ(layer_b->multiplexer().stats().sessions, 0U);
    // Only the test's Events holds the ended dialog now.
    EXPECT_EQ(b_events->dialog.use_count(), 1);
}

TEST_P(NoMedia, SignallingOnlyAnswerHasNoBody) {
    const Request inv = invite(false);
    auto ok = call(inv);
    ASSERT_TRUE(ok);
    ASSERT_EQ(ok->status_code(), 200);
    EXPECT_TRUE(b_events->accepted_without_media);
    EXPECT_TRUE(ok->body().empty());
    EXPECT_EQ(ok->header(HeaderId::content_length).value_or("0"), "0");
    send_ack(inv, *ok);
    ASSERT_TRUE(run_until(io, [&] { return b_events->confirmed == 1; }));

    // No session to update: a re-INVITE gets 488 and the call stays up.
    Request reinvite = in_dialog(Method::invite, 2, inv, *ok);
    reinvite.add_header(HeaderId::contact, std::string(*inv.header(HeaderId::contact)));
    reinvite.set_body(offer, "application/sdp");
    auto refused = call(reinvite);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status_code(), 488);
    EXPECT_EQ(b_events->dialog->state(), DialogState::confirmed);

    EXPECT_EQ(hang_up(inv, *ok, 3), 200);
    ASSERT_TRUE(run_until(io, [&] { return b_events->ended.has_value(); }));
    EXPECT_EQ(*b_events->ended, EndReason::remote_bye);
    EXPECT_EQ(layer_b->count(), 0U);
    EXPECT_EQ(layer_b->multiplexer().stats().open_sockets, 0U);
}

TEST_P(NoMedia, RefusedOnceAnswered) {
    const Request inv = invite(true);
    auto ok = call(inv);
    ASSERT_TRUE(ok);
    ASSERT_EQ(ok->status_code(), 200);
    ASSERT_TRUE(b_events->dialog);
    // A second answer to the same INVITE is a programming error reported as wrong_state.
    EXPECT_EQ(b_events->dialog->accept_without_media().error(), DialogErrc::wrong_state);
    send_ack(inv, *ok);
    ASSERT_TRUE(run_until(io, [&] { return b_events->confirmed == 1; }));
    EXPECT_EQ(hang_up(inv, *ok), 200);
    ASSERT_TRUE(run_until(io, [&] { return b_events->ended.has_value(); }));
    EXPECT_EQ(layer_b->count(), 0U);
}

// UserAgentConfig::contact_address: the Contact of our 2xx names the advertised host:port.
TEST_P(NoMedia, ContactAddressIsAdvertisedInThe2xx) {
    auto config = test::agent_config("advertised-ua");
    config.contact_address = "203.0.113.5:5999";
    UserAgent c(io.get_executor(), config);
    enable_calls(c, io, test::call_config());
    auto c_events = std::make_shared<Events>();
    c_events->plan = Events::Plan::without_media;
    c.on_incoming<RecordingDialog>(c_events);
    auto uri = Uri::parse("sip:carol@127.0.0.1:" + std::to_string(c.local_address(kind()).port) +
                          transport_param())
                   .value();
    Request inv = p.make_request(Method::invite, uri);
    inv.add_header(HeaderId::contact, std::string(*invite(false).header(HeaderId::contact)));
    std::optional<Response> ok;
    p.async_send_request(inv, c.local_address(kind()),
                         [&](std::error_code, const Response& r) { ok = r; });
    ASSERT_TRUE(run_until(io, [&] { return ok.has_value(); }));
    ASSERT_EQ(ok->status_code(), 200);
    auto contact = remote_target_of(*ok);
    ASSERT_TRUE(contact);
    EXPECT_EQ(contact->host(), "203.0.113.5");
    EXPECT_EQ(contact->port(), 5999);
    c_events->dialog.reset();  // the call is left unconfirmed; the layer ends it with c
}

INSTANTIATE_TEST_SUITE_P(Transports, NoMedia,
                         ::testing::Values(TransportKind::udp, TransportKind::tcp),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace voip::sip
