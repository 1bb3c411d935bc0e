// Issue 7: STUN (RFC 5389) on the RTP socket of a Session — the public address it learns goes
// into the SDP offer's c= and m=, RTP keeps flowing on the same port (RFC 7983), and with STUN
// off nothing is sent.
#include <voip/rtp/media_error.hpp>
#include <voip/rtp/multiplexer.hpp>
#include <voip/rtp/session.hpp>
#include <voip/sdp/offer_answer.hpp>
#include <voip/stun/binding_responder.hpp>
#include <voip/stun/error.hpp>

#include <asio/use_future.hpp>
#include <gtest/gtest.h>

#include <cstdint>
#include <future>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include "rtp/media_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using asio::ip::udp;
using voip::rtp::MediaErrc;
using voip::rtp::Multiplexer;
using voip::rtp::SessionConfig;
using voip::test::numbered_payload;
using voip::test::RecordingSession;
using voip::test::run_until;

asio::ip::address loopback() {
    return asio::ip::make_address("127.0.0.1");
}
// What the test STUN server reports: a documentation address (RFC 5737), never sent to.
udp::endpoint fake_public() {
    return {asio::ip::make_address("203.0.113.7"), 40000};
}

Multiplexer::Config config_for(std::uint16_t first) {
    Multiplexer::Config c;
    c.address = loopback();
    c.first_port = first;
    c.last_port = static_cast<std::uint16_t>(first + 99);
    return c;
}

// A STUN server on 127.0.0.1 that pretends to sit behind a NAT mapping to fake_public().
struct StunServer {
    explicit StunServer(asio::io_context& io, voip::stun::BindingResponder::Options options = {})
        : socket(io, udp::endpoint(loopback(), 0)),
          responder(socket, with_mapping(std::move(options))) {
        responder.start();
    }
    static voip::stun::BindingResponder::Options with_mapping(
        voip::stun::BindingResponder::Options o) {
        o.reported_address = fake_public();
        return o;
    }
    [[nodiscard]] udp::endpoint endpoint() const { return socket.local_endpoint(); }
    udp::socket socket;
    voip::stun::BindingResponder responder;
};

struct Result {
    std::optional<std::error_code> error;
    udp::endpoint endpoint;
    auto handler() {
        return [this](std::error_code ec, const udp::endpoint& ep) {
            error = ec;
            endpoint = ep;
        };
    }
};

voip::sdp::LocalMedia local_media() {
    voip::sdp::LocalMedia local;
    local.address = "127.0.0.1";
    local.codecs = {voip::sdp::CodecSpec{"PCMU", 8000}};
    return local;
}

TEST(SessionStun, DiscoveredAddressGoesIntoTheOfferWhileRtpFlows) {
    asio::io_context io;
    StunServer server(io);
    Multiplexer mux(io, config_for(41800));
    SessionConfig config;
    config.stun_server = server.endpoint();
    RecordingSession a(mux, config);
    RecordingSession b(mux);
    a.open().value();
    b.open().value();
    a.set_remote(b.local_ports().rtp, b.local_ports().rtcp);
    b.set_remote(a.local_ports().rtp, a.local_ports().rtcp);

    // RTP both ways on a's port before, during and after the STUN transaction.
    for (std::uint32_t i = 0; i < 5; ++i) {
        ASSERT_TRUE(b.send_packet(numbered_payload(i), 0, false, 160));
    }
    Result result;
    a.async_discover_public_address(result.handler());
    for (std::uint32_t i = 5; i < 10; ++i) {
        ASSERT_TRUE(b.send_packet(numbered_payload(i), 0, false, 160));
        ASSERT_TRUE(a.send_packet(numbered_payload(i), 0, false, 160));
    }
    ASSERT_TRUE(run_until(io, [&] { return result.error && a.packets.size() == 10; }));
    ASSERT_FALSE(*result.error) << result.error->message();
    EXPECT_EQ(result.endpoint, fake_public());
    // The request came from the RTP port itself (the mapping is that port's).
    EXPECT_EQ(server.responder.requests_received(), 1U);
    EXPECT_EQ(server.responder.responses_sent(), 1U);
    // Our own Binding response was consumed, not handed to on_stun; RTP was all delivered.
    EXPECT_EQ(a.stun, 0);
    EXPECT_EQ(a.stats().packets_received, 10U);
    ASSERT_TRUE(run_until(io, [&] { return b.packets.size() == 5; }));

    auto local = local_media();
    ASSERT_TRUE(voip::sdp::use_public_address(local, result.endpoint));
    auto offer = voip::sdp::create_offer(local, voip::sdp::SessionOptions{});
    ASSERT_TRUE(offer) << offer.error().message();
    const std::string text = offer->to_string();
    EXPECT_NE(text.find("c=IN IP4 203.0.113.7\r\n"), std::string::npos) << text;
    EXPECT_NE(text.find("m=audio 40000 "), std::string::npos) << text;

    // RTP still flows after discovery; a second discovery reuses the client.
    ASSERT_TRUE(b.send_packet(numbered_payload(10), 0, false, 160));
    Result again;
    a.async_discover_public_address(server.endpoint(), again.handler());
    ASSERT_TRUE(run_until(io, [&] { return again.error && a.packets.size() == 11; }));
    EXPECT_FALSE(*again.error);
    EXPECT_EQ(again.endpoint, fake_public());
    EXPECT_EQ(server.responder.requests_received(), 2U);
}

TEST(SessionStun, OffByDefaultSendsNothingAndGivesTheLocalEndpoint) {
    asio::io_context io;
    StunServer server(io);
    Multiplexer mux(io, config_for(41800));
    RecordingSession a(mux);  // no stun_server: STUN off
    RecordingSession b(mux);
    EXPECT_FALSE(a.config().stun_server);
    a.open().value();
    b.open().value();
    a.set_remote(b.local_ports().rtp);
    b.set_remote(a.local_ports().rtp);

    Result result;
    a.async_discover_public_address(result.handler());
    ASSERT_TRUE(b.send_packet(numbered_payload(0), 0, false, 160));
    ASSERT_TRUE(run_until(io, [&] { return result.error && a.packets.size() == 1; }));
    EXPECT_FALSE(*result.error);
    EXPECT_EQ(result.endpoint, a.local_ports().rtp);
    // Give a stray request time to arrive: the responder must have seen nothing.
    voip::test::run_for(io, 100ms);
    EXPECT_EQ(server.responder.requests_received(), 0U);
    EXPECT_EQ(a.stats().packets_received, 1U);
}

TEST(SessionStun, UseFutureAndErrors) {
    asio::io_context io;
    Multiplexer mux(io, config_for(41800));
    SessionConfig config;
    // A loopback port where nobody answers: quick retransmissions, then timed_out.
    asio::ip::udp::socket silent(io, udp::endpoint(loopback(), 0));
    config.stun_server = silent.local_endpoint();
    config.stun_options.rto = 10ms;
    config.stun_options.max_transmissions = 3;
    config.stun_options.last_wait_factor = 2;
    RecordingSession a(mux, config);

    // Not open yet.
    auto not_open = a.async_discover_public_address(asio::use_future);
    ASSERT_TRUE(run_until(io, [&] { return not_open.wait_for(0s) == std::future_status::ready; }));
    try {
        (void)not_open.get();
        ADD_FAILURE() << "expected not_open";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), MediaErrc::not_open);
    }

    a.open().value();
    Result timed_out;
    a.async_discover_public_address(timed_out.handler());
    ASSERT_TRUE(run_until(
        io, [&] { return timed_out.error.has_value(); }, 3s));
    EXPECT_EQ(*timed_out.error, voip::stun::Error::timed_out);

    // Stopping the session aborts a pending discovery and frees the port.
    Result aborted;
    a.async_discover_public_address(aborted.handler());
    a.stop();
    ASSERT_TRUE(run_until(io, [&] { return aborted.error.has_value(); }));
    EXPECT_EQ(*aborted.error, asio::error::operation_aborted);
    EXPECT_FALSE(a.is_open());
}

TEST(SessionStun, FutureCarriesTheMappedAddress) {
    asio::io_context io;
    StunServer server(io);
    Multiplexer mux(io, config_for(41800));
    RecordingSession a(mux);
    a.open().value();
    auto future = a.async_discover_public_address(server.endpoint(), asio::use_future);
    ASSERT_TRUE(run_until(io, [&] { return future.wait_for(0s) == std::future_status::ready; }));
    EXPECT_EQ(future.get(), fake_public());
}

}  // namespace
