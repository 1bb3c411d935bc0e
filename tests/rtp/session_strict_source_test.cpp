// SessionConfig::strict_source: once a session latched to its far end's real address, its
// socket is connected there and takes nobody else's datagrams, until a new SDP address, a
// second session on the port, or STUN on the port opens it again.
#include <voip/rtp/multiplexer.hpp>
#include <voip/rtp/rtcp.hpp>
#include <voip/rtp/session.hpp>
#include <voip/stun/binding_responder.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "rtp/media_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using asio::ip::udp;
using voip::rtp::Multiplexer;
using voip::rtp::SessionConfig;
using voip::test::numbered_payload;
using voip::test::RecordingSession;
using voip::test::run_for;
using voip::test::run_until;

const auto loopback = asio::ip::make_address("127.0.0.1");

Multiplexer::Config config_for(std::uint16_t first, const asio::ip::address& address = loopback) {
    Multiplexer::Config c;
    c.address = address;
    c.first_port = first;
    c.last_port = static_cast<std::uint16_t>(first + 99);
    return c;
}

// A plain RTP packet of @p ssrc, as anybody can make one.
std::vector<std::uint8_t> rtp_packet(std::uint32_t ssrc, std::uint16_t sequence,
                                     std::uint32_t index) {
    voip::rtp::Packet p;
    p.sequence = sequence;
    p.timestamp = sequence * 160U;
    p.ssrc = ssrc;
    const auto payload = numbered_payload(index);
    p.payload = payload;
    std::vector<std::uint8_t> buf(2048);
    buf.resize(p.serialize_to(buf).value());
    return buf;
}

// A local port as the far end reaches it (a port bound to the any-address: at 127.0.0.1).
udp::endpoint at_loopback(const udp::endpoint& local) {
    return {loopback, local.port()};
}

// A and B wired to each other, B latched to A by A's first packets; a stranger elsewhere.
struct Latched {
    explicit Latched(std::uint16_t first_port, SessionConfig config = {},
                     const asio::ip::address& bound = loopback)
        : mux(io, config_for(first_port, bound)),
          a(mux, config),
          b(mux, config),
          stranger(io, udp::endpoint(loopback, 0)) {
        a.open().value();
        b.open().value();
        a.set_remote(at_loopback(b.local_ports().rtp), at_loopback(b.local_ports().rtcp));
        b.set_remote(at_loopback(a.local_ports().rtp), at_loopback(a.local_ports().rtcp));
        for (std::uint32_t i = 0; i < 3; ++i)
            (void)a.send_packet(numbered_payload(i), 0, false, 160);
        latched = run_until(io, [&] { return b.packets.size() == 3; });
    }
    // The stranger sends B the next packet of A's stream (A's SSRC and sequence).
    void stranger_sends(std::uint32_t index) {
        const auto datagram = rtp_packet(a.ssrc(), a.next_sequence(), index);
        stranger.send_to(asio::buffer(datagram), at_loopback(b.local_ports().rtp));
    }

    asio::io_context io;
    Multiplexer mux;
    RecordingSession a;
    RecordingSession b;
    udp::socket stranger;
    bool latched = false;
};

TEST(StrictSource, ALatchedSessionTakesOnlyItsSource) {
    Latched p(44000);
    ASSERT_TRUE(p.latched);
    EXPECT_TRUE(p.b.config().strict_source);  // the default
    const auto received_before = p.mux.stats().datagrams_received;
    p.stranger_sends(100);
    // A's next packet: when it is in, the stranger's (sent first) had its chance.
    ASSERT_TRUE(p.a.send_packet(numbered_payload(3), 0, false, 160));
    ASSERT_TRUE(run_until(p.io, [&] { return p.b.packets.size() == 4; }));
    run_for(p.io, 30ms);
    EXPECT_EQ(p.b.packets.size(), 4U);
    EXPECT_EQ(p.b.packets.back().payload, numbered_payload(3));
    EXPECT_EQ(p.mux.stats().datagrams_received, received_before + 1);
    EXPECT_EQ(*p.b.stats().remote_rtp_source, p.a.local_ports().rtp);
    // B's own packets still go out, to A.
    ASSERT_TRUE(p.b.send_packet(numbered_payload(7), 0, false, 160));
    ASSERT_TRUE(run_until(p.io, [&] { return p.a.packets.size() == 1; }));
    EXPECT_EQ(p.a.packets[0].payload, numbered_payload(7));
    EXPECT_EQ(p.b.stats().send_failures, 0U);
}

TEST(StrictSource, WhatWasQueuedBeforeTheLockIsDroppedAndCounted) {
    asio::io_context io;
    Multiplexer mux(io, config_for(44700));
    RecordingSession a(mux), b(mux);
    a.open().value();
    b.open().value();
    a.set_remote(b.local_ports().rtp);
    b.set_remote(a.local_ports().rtp);
    udp::socket stranger(io, udp::endpoint(loopback, 0));
    // Both queued at B before it reads either: A's packet latches and locks B, the stranger's
    // is already in the socket's queue, where connect(2) leaves it.
    ASSERT_TRUE(a.send_packet(numbered_payload(0), 0, false, 160));
    const auto datagram = rtp_packet(a.ssrc(), a.next_sequence(), 100);
    stranger.send_to(asio::buffer(datagram), b.local_ports().rtp);
    ASSERT_TRUE(run_until(io, [&] { return mux.stats().foreign_source == 1; }));
    EXPECT_EQ(b.packets.size(), 1U);
    EXPECT_EQ(b.packets[0].payload, numbered_payload(0));
}

TEST(StrictSource, APortBoundToTheAnyAddressIsNeverLocked) {
    Latched p(44600, {}, asio::ip::address_v4::any());
    ASSERT_TRUE(p.latched);
    p.stranger_sends(100);
    ASSERT_TRUE(run_until(p.io, [&] { return p.b.packets.size() == 4; }));
    EXPECT_EQ(p.b.packets.back().payload, numbered_payload(100));
}

TEST(StrictSource, OffTheSessionFollowsANewSource) {
    SessionConfig following;
    following.strict_source = false;
    Latched p(44100, following);
    ASSERT_TRUE(p.latched);
    p.stranger_sends(100);
    ASSERT_TRUE(run_until(p.io, [&] { return p.b.packets.size() == 4; }));
    EXPECT_EQ(p.b.packets.back().payload, numbered_payload(100));
    // RFC 4961: B now answers to where the valid packets came from.
    EXPECT_EQ(*p.b.stats().remote_rtp_source, p.stranger.local_endpoint());
    ASSERT_TRUE(p.b.send_packet(numbered_payload(7), 0, false, 160));
    std::vector<std::uint8_t> buffer(2048);
    udp::endpoint from;
    p.stranger.non_blocking(false);
    const auto n = p.stranger.receive_from(asio::buffer(buffer), from);
    EXPECT_GE(n, 12U);
    EXPECT_EQ(from, p.b.local_ports().rtp);
}

TEST(StrictSource, ANewRemoteAddressUnlocks) {
    Latched p(44200);
    ASSERT_TRUE(p.latched);
    // A re-INVITE moves B's far end to the stranger's address.
    p.b.set_remote(p.stranger.local_endpoint());
    p.stranger_sends(100);
    ASSERT_TRUE(run_until(p.io, [&] { return p.b.packets.size() == 4; }));
    EXPECT_EQ(p.b.packets.back().payload, numbered_payload(100));
    EXPECT_EQ(*p.b.stats().remote_rtp_source, p.stranger.local_endpoint());
}

TEST(StrictSource, RtcpOnItsOwnPortIsLockedToo) {
    SessionConfig config;
    config.rtcp_interval = 100ms;
    Latched p(44300, config);
    ASSERT_TRUE(p.latched);
    p.a.start();
    p.b.start();
    ASSERT_TRUE(run_until(p.io, [&] { return p.b.rtcp >= 1; }));
    ASSERT_NE(p.b.local_ports().rtcp, p.b.local_ports().rtp);
    // A stranger's RTCP BYE in A's name, to B's RTCP port: kept out.
    std::vector<std::uint8_t> buffer(512);
    voip::rtp::RtcpCompoundBuilder builder(buffer);
    voip::rtp::ReceiverReport rr;
    rr.ssrc = p.a.ssrc();
    ASSERT_TRUE(builder.append(rr));
    voip::rtp::Bye bye;
    bye.ssrcs = {p.a.ssrc()};
    ASSERT_TRUE(builder.append(bye));
    p.stranger.send_to(asio::buffer(builder.bytes().data(), builder.size()),
                       p.b.local_ports().rtcp);
    run_for(p.io, 100ms);
    EXPECT_EQ(p.b.byes, 0);
    // A's own BYE gets in.
    p.a.stop();
    ASSERT_TRUE(run_until(p.io, [&] { return p.b.byes == 1; }));
}

TEST(StrictSource, ASecondSessionOnThePortUnlocksIt) {
    Latched p(44400);
    ASSERT_TRUE(p.latched);
    // C shares B's port, its far end not known yet (no set_remote, which would unlock too):
    // the stranger's stream, not B's source nor SSRC, is C's.
    RecordingSession c(p.mux);
    ASSERT_TRUE(c.open_shared(p.b));
    const auto datagram = rtp_packet(0x5eed, 1, 100);
    p.stranger.send_to(asio::buffer(datagram), p.b.local_ports().rtp);
    ASSERT_TRUE(run_until(p.io, [&] { return c.packets.size() == 1; }));
    EXPECT_EQ(c.packets[0].payload, numbered_payload(100));
    EXPECT_EQ(p.b.packets.size(), 3U);
}

TEST(StrictSource, StunOnTheLatchedPortUnlocksIt) {
    Latched p(44500);
    ASSERT_TRUE(p.latched);
    // A STUN server elsewhere must be able to answer on B's port.
    udp::socket server_socket(p.io, udp::endpoint(loopback, 0));
    voip::stun::BindingResponder responder(server_socket);
    responder.start();
    std::optional<std::error_code> result;
    udp::endpoint mapped;
    p.b.async_discover_public_address(server_socket.local_endpoint(),
                                      [&](std::error_code ec, const udp::endpoint& ep) {
                                          result = ec;
                                          mapped = ep;
                                      });
    ASSERT_TRUE(run_until(
        p.io, [&] { return result.has_value(); }, 10s));
    ASSERT_FALSE(*result) << result->message();
    EXPECT_EQ(mapped, p.b.local_ports().rtp);
    // And the port stays open to every sender from then on (no lock while STUN may talk).
    ASSERT_TRUE(p.a.send_packet(numbered_payload(3), 0, false, 160));
    ASSERT_TRUE(run_until(p.io, [&] { return p.b.packets.size() == 4; }));
    p.stranger_sends(100);
    ASSERT_TRUE(run_until(p.io, [&] { return p.b.packets.size() == 5; }));
}

}  // namespace
