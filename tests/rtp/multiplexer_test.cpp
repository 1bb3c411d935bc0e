#include <voip/rtp/media_error.hpp>
#include <voip/rtp/multiplexer.hpp>
#include <voip/rtp/session.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <memory>
#include <set>
#include <vector>

#include "rtp/media_test_support.hpp"

namespace {

using voip::rtp::MediaErrc;
using voip::rtp::Multiplexer;
using voip::test::RecordingSession;

const auto loopback = asio::ip::make_address("127.0.0.1");

Multiplexer::Config range(std::uint16_t first, std::uint16_t last,
                          asio::ip::address address = loopback) {
    Multiplexer::Config c;
    c.address = address;
    c.first_port = first;
    c.last_port = last;
    return c;
}

TEST(Multiplexer, AllocatesEvenRtpPortsWithRtcpAbove) {
    asio::io_context io;
    Multiplexer mux(io, range(40001, 40100));
    RecordingSession a(mux), b(mux);
    auto pa = a.open();
    auto pb = b.open();
    ASSERT_TRUE(pa) << pa.error().message();
    ASSERT_TRUE(pb) << pb.error().message();
    for (const auto& p : {*pa, *pb}) {
        EXPECT_EQ(p.rtp.port() % 2, 0);
        EXPECT_GE(p.rtp.port(), 40002);
        EXPECT_LE(p.rtp.port(), 40098);
        EXPECT_EQ(p.rtcp.port(), p.rtp.port() + 1);
        EXPECT_EQ(p.rtp.address(), loopback);
    }
    EXPECT_NE(pa->rtp.port(), pb->rtp.port());
    EXPECT_EQ(mux.stats().open_sockets, 4U);
}

TEST(Multiplexer, RtcpMuxUsesOnePort) {
    asio::io_context io;
    Multiplexer mux(io, range(40200, 40299));
    voip::rtp::SessionConfig config;
    config.rtcp_mux = true;
    RecordingSession a(mux, config);
    auto p = a.open();
    ASSERT_TRUE(p);
    EXPECT_EQ(p->rtp, p->rtcp);
    EXPECT_EQ(mux.stats().open_sockets, 1U);
}

TEST(Multiplexer, RunsOutOfPortsAndReusesReleasedOnes) {
    asio::io_context io;
    Multiplexer mux(io, range(40300, 40303));  // two pairs: 40300/1, 40302/3
    RecordingSession a(mux), b(mux), c(mux);
    ASSERT_TRUE(a.open());
    ASSERT_TRUE(b.open());
    auto third = c.open();
    ASSERT_FALSE(third);
    EXPECT_EQ(third.error(), MediaErrc::no_free_port);
    const auto freed = a.local_ports().rtp.port();
    a.stop();
    EXPECT_FALSE(a.is_open());
    auto again = c.open();
    ASSERT_TRUE(again) << again.error().message();
    EXPECT_EQ(again->rtp.port(), freed);
}

TEST(Multiplexer, SkipsPortsTakenByOthers) {
    asio::io_context io;
    // Someone else holds 40400 (RTCP port of nothing, but the RTP port of the first pair).
    asio::ip::udp::socket squatter(io, asio::ip::udp::endpoint(loopback, 40400));
    // Two pairs, so wherever the random walk starts, the free one is 40402.
    Multiplexer mux(io, range(40400, 40403));
    RecordingSession a(mux);
    auto p = a.open();
    ASSERT_TRUE(p);
    EXPECT_EQ(p->rtp.port(), 40402);
}

TEST(Multiplexer, StartsAtARandomPairOfTheRange) {
    // Processes sharing a range should not all begin at its first port.
    std::set<unsigned> first_ports;
    for (int i = 0; i < 16; ++i) {
        asio::io_context io;
        Multiplexer mux(io, range(41000, 41999));
        RecordingSession a(mux);
        auto p = a.open();
        ASSERT_TRUE(p);
        EXPECT_EQ(p->rtp.port() % 2, 0);
        first_ports.insert(p->rtp.port());
    }
    // 16 draws from 500 pairs: all equal only with probability 500^-15.
    EXPECT_GT(first_ports.size(), 1U);
}

TEST(Multiplexer, RejectsARangeWithoutAPair) {
    asio::io_context io;
    Multiplexer mux(io, range(40501, 40501));
    RecordingSession a(mux);
    EXPECT_EQ(a.open().error(), MediaErrc::bad_port_range);
}

TEST(Multiplexer, WorksOnIpv6Loopback) {
    asio::io_context io;
    const auto v6 = asio::ip::make_address("::1");
    Multiplexer mux(io, range(40600, 40699, v6));
    RecordingSession a(mux), b(mux);
    auto pa = a.open();
    auto pb = b.open();
    ASSERT_TRUE(pa && pb) << "IPv6 loopback unavailable?";
    EXPECT_TRUE(pa->rtp.address().is_v6());
    a.set_remote(pb->rtp);
    b.set_remote(pa->rtp);
    const auto payload = voip::test::numbered_payload(1);
    ASSERT_TRUE(a.send_packet(payload, 0, false, 160));
    ASSERT_TRUE(voip::test::run_until(io, [&] { return !b.packets.empty(); }));
    EXPECT_EQ(b.packets[0].payload, payload);
}

TEST(Multiplexer, CountsNonMediaAndDropsGarbageWithoutCrashing) {
    asio::io_context io;
    Multiplexer mux(io, range(40700, 40799));
    RecordingSession a(mux);
    auto p = a.open();
    ASSERT_TRUE(p);
    asio::ip::udp::socket peer(io, asio::ip::udp::endpoint(loopback, 0));
    const std::array<std::uint8_t, 4> dtls{22, 0xFE, 0xFD, 0};
    const std::array<std::uint8_t, 5> short_rtp{0x80, 0, 0, 1, 2};
    const std::array<std::uint8_t, 20> stun{0x00, 0x01, 0, 0, 0x21, 0x12, 0xA4, 0x42};
    peer.send_to(asio::buffer(dtls), p->rtp);
    peer.send_to(asio::buffer(short_rtp), p->rtp);
    peer.send_to(asio::buffer(short_rtp), p->rtcp);
    peer.send_to(asio::buffer(stun), p->rtp);
    ASSERT_TRUE(voip::test::run_until(io, [&] { return mux.stats().datagrams_received == 4; }));
    EXPECT_EQ(mux.stats().not_media, 1U);
    EXPECT_EQ(a.stats().malformed, 2U);
    EXPECT_EQ(a.stun, 1);
    EXPECT_TRUE(a.packets.empty());
}

TEST(Multiplexer, SharedPortDispatchesByRemoteAddress) {
    asio::io_context io;
    Multiplexer mux(io, range(40800, 40899));
    voip::rtp::SessionConfig mux_config;
    mux_config.rtcp_mux = true;
    RecordingSession b1(mux, mux_config), b2(mux, mux_config);
    RecordingSession a1(mux, mux_config), a2(mux, mux_config);
    auto pb = b1.open();
    ASSERT_TRUE(pb);
    auto pb2 = b2.open_shared(b1);
    ASSERT_TRUE(pb2);
    EXPECT_EQ(pb2->rtp, pb->rtp);
    auto pa1 = a1.open();
    auto pa2 = a2.open();
    ASSERT_TRUE(pa1 && pa2);
    b1.set_remote(pa1->rtp);
    b2.set_remote(pa2->rtp);
    a1.set_remote(pb->rtp);
    a2.set_remote(pb->rtp);
    for (std::uint32_t i = 0; i < 5; ++i) {
        ASSERT_TRUE(a2.send_packet(voip::test::numbered_payload(200 + i), 0, false, 160));
        ASSERT_TRUE(a1.send_packet(voip::test::numbered_payload(100 + i), 0, false, 160));
    }
    ASSERT_TRUE(
        voip::test::run_until(io, [&] { return b1.packets.size() + b2.packets.size() == 10; }));
    ASSERT_EQ(b1.packets.size(), 5U);
    ASSERT_EQ(b2.packets.size(), 5U);
    for (const auto& p : b1.packets)
        EXPECT_EQ(p.ssrc, a1.ssrc());
    for (const auto& p : b2.packets)
        EXPECT_EQ(p.ssrc, a2.ssrc());
    // The socket stays open until its last session leaves.
    b1.stop();
    ASSERT_TRUE(a2.send_packet(voip::test::numbered_payload(300), 0, false, 160));
    ASSERT_TRUE(voip::test::run_until(io, [&] { return b2.packets.size() == 6; }));
    b2.stop();
    EXPECT_EQ(mux.stats().open_sockets, 2U);  // a1, a2 (rtcp-mux)
}

TEST(Multiplexer, DestroyedBeforeTheIoContextRunsAgain) {
    asio::io_context io;
    {
        Multiplexer mux(io, range(40900, 40999));
        auto s = std::make_unique<RecordingSession>(mux);
        ASSERT_TRUE(s->open());
        s->start();
        s.reset();
    }
    // Queued handlers of the closed sockets must not touch the destroyed objects (ASan
    // builds check that), and nothing may be left pending: no socket, no timer.
    io.restart();
    io.run_for(std::chrono::seconds(2));
    EXPECT_TRUE(io.stopped());
}

}  // namespace
