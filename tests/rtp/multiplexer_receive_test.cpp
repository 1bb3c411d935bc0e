// The multiplexer's receive path: with Config::receive_batch = N a wake-up drains a socket of up to
// N datagrams (recvmmsg), continues a full batch only after the other sockets had their turn, drops
// datagrams larger than max_datagram; receive_batch = 0 (the default) keeps one read per socket
// queued (one datagram each, tried at once and else when epoll reports the socket readable).
// Each behaviour is checked on both paths where it applies.

#include <voip/rtp/multiplexer.hpp>
#include <voip/rtp/session.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <asio/version.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "rtp/media_test_support.hpp"

namespace {

using voip::rtp::Multiplexer;
using voip::test::RecordingSession;

asio::ip::address loopback() {
    return asio::ip::make_address("127.0.0.1");
}

Multiplexer::Config config(std::uint16_t first, std::size_t batch) {
    Multiplexer::Config c;
    c.address = loopback();
    c.first_port = first;
    c.last_port = static_cast<std::uint16_t>(first + 99);
    c.receive_batch = batch;
    return c;
}

voip::rtp::SessionConfig rtcp_mux() {
    voip::rtp::SessionConfig c;
    c.rtcp_mux = true;
    return c;
}

// Appends its tag to a shared log for every packet, to see the order across sockets.
class TaggedSession : public RecordingSession {
public:
    TaggedSession(Multiplexer& mux, std::vector<int>& log, int tag)
        : RecordingSession(mux, rtcp_mux()), log_(log), tag_(tag) {}

protected:
    void on_packet(const voip::rtp::PacketView& p) override {
        log_.push_back(tag_);
        RecordingSession::on_packet(p);
    }

private:
    std::vector<int>& log_;
    int tag_;
};

class ReceivePath : public ::testing::TestWithParam<std::size_t> {};

// A sender `a` on one multiplexer and a receiver `b` on another (ports first.. and first+100..),
// on loopback, each the other's remote.
template <class Receiver = RecordingSession>
struct Link {
    Link(std::uint16_t first, std::size_t batch)
        : tx_mux(io, config(first, batch)),
          rx_mux(io, config(static_cast<std::uint16_t>(first + 100), batch)),
          a(tx_mux, rtcp_mux()),
          b(rx_mux, rtcp_mux()) {
        auto pa = a.open();
        auto pb = b.open();
        open = pa && pb;
        if (!open) return;
        a.set_remote(pb->rtp);
        b.set_remote(pa->rtp);
    }
    asio::io_context io;
    Multiplexer tx_mux;
    Multiplexer rx_mux;
    RecordingSession a;
    Receiver b;
    bool open = false;
};

TEST_P(ReceivePath, AQueuedBurstArrivesWholeAndInOrder) {
    Link<> link(41000, GetParam());
    ASSERT_TRUE(link.open);
    // 100 datagrams queue in b's socket before the loop runs: several full batches.
    constexpr std::uint32_t count = 100;
    for (std::uint32_t i = 0; i < count; ++i)
        ASSERT_TRUE(link.a.send_packet(voip::test::numbered_payload(i), 0, false, 160));
    ASSERT_TRUE(voip::test::run_until(link.io, [&] { return link.b.packets.size() == count; }));
    for (std::uint32_t i = 0; i < count; ++i)
        EXPECT_EQ(voip::test::payload_index(link.b.packets[i].payload), i) << i;
    EXPECT_EQ(link.rx_mux.stats().datagrams_received, count);
    EXPECT_EQ(link.rx_mux.stats().receive_errors, 0U);
    // And the socket is still armed afterwards: one more, sent while idle, arrives too.
    voip::test::run_for(link.io, std::chrono::milliseconds(20));
    ASSERT_TRUE(link.a.send_packet(voip::test::numbered_payload(count), 0, false, 160));
    ASSERT_TRUE(voip::test::run_until(link.io, [&] { return link.b.packets.size() == count + 1; }));
    EXPECT_EQ(link.b.stats().packets_lost, 0);
}

// One datagram at a time, each sent once the previous one arrived: the read queued after each one
// finds the socket empty and waits, so each arrival must wake it through the reactor.
TEST_P(ReceivePath, EachDatagramArrivingAloneWakesTheQueuedRead) {
    Link<> link(41700, GetParam());
    ASSERT_TRUE(link.open);
    constexpr std::uint32_t count = 20;
    for (std::uint32_t i = 0; i < count; ++i) {
        ASSERT_TRUE(link.a.send_packet(voip::test::numbered_payload(i), 0, false, 160));
        ASSERT_TRUE(voip::test::run_until(link.io, [&] { return link.b.packets.size() == i + 1; }))
            << i;
        EXPECT_EQ(voip::test::payload_index(link.b.packets[i].payload), i);
    }
    EXPECT_EQ(link.rx_mux.stats().datagrams_received, count);
    EXPECT_EQ(link.rx_mux.stats().receive_errors, 0U);
}

TEST_P(ReceivePath, ADatagramLargerThanTheBufferIsDroppedAndCounted) {
    const std::size_t batch = GetParam();
    asio::io_context io;
    auto c = config(41200, batch);
    c.max_datagram = 256;
    Multiplexer mux(io, c);
    RecordingSession b(mux, rtcp_mux());
    auto pb = b.open();
    ASSERT_TRUE(pb);
    asio::ip::udp::socket peer(io, asio::ip::udp::endpoint(loopback(), 0));
    std::vector<std::uint8_t> big(600, 0);
    big[0] = 0x80;  // looks like RTP
    peer.send_to(asio::buffer(big), pb->rtp);
    std::vector<std::uint8_t> rtp(172, 0);
    rtp[0] = 0x80;
    rtp[11] = 7;  // SSRC 7
    peer.send_to(asio::buffer(rtp), pb->rtp);
    ASSERT_TRUE(voip::test::run_until(
        io, [&] { return !b.packets.empty() && b.packets.back().ssrc == 7U; }));
    if (batch > 0) {
        // The batch path sees MSG_TRUNC and drops it; the per-datagram path (Asio) cannot
        // tell and hands on the first 256 bytes (here a valid RTP header of SSRC 0).
        EXPECT_EQ(b.packets.size(), 1U);
        EXPECT_EQ(mux.stats().receive_errors, 1U);
        EXPECT_EQ(mux.stats().datagrams_received, 1U);
    }
}

// Two sockets with 100 datagrams queued each: a wake-up takes at most one batch from a socket,
// then the other socket gets its turn (bounded unfairness), and nothing is lost.
TEST(MultiplexerReceive, AFullBatchLetsTheOtherSocketsGoFirst) {
    asio::io_context io;
    constexpr std::size_t batch = 16;
    Multiplexer tx_mux(io, config(41300, batch));
    Multiplexer rx_mux(io, config(41400, batch));
    std::vector<int> order;
    RecordingSession a1(tx_mux, rtcp_mux());
    RecordingSession a2(tx_mux, rtcp_mux());
    TaggedSession b1(rx_mux, order, 1);
    TaggedSession b2(rx_mux, order, 2);
    auto pa1 = a1.open();
    auto pa2 = a2.open();
    auto pb1 = b1.open();
    auto pb2 = b2.open();
    ASSERT_TRUE(pa1 && pa2 && pb1 && pb2);
    a1.set_remote(pb1->rtp);
    a2.set_remote(pb2->rtp);
    b1.set_remote(pa1->rtp);
    b2.set_remote(pa2->rtp);
    constexpr std::uint32_t count = 100;
    for (std::uint32_t i = 0; i < count; ++i) {
        ASSERT_TRUE(a1.send_packet(voip::test::numbered_payload(i), 0, false, 160));
        ASSERT_TRUE(a2.send_packet(voip::test::numbered_payload(i), 0, false, 160));
    }
    ASSERT_TRUE(voip::test::run_until(
        io, [&] { return b1.packets.size() == count && b2.packets.size() == count; }));
    // The longest run of one socket while the other still had datagrams waiting.
    std::size_t longest = 0;
    std::size_t run = 0;
    std::size_t seen[3] = {0, 0, 0};
    for (std::size_t i = 0; i < order.size(); ++i) {
        run = (i > 0 && order[i] == order[i - 1]) ? run + 1 : 1;
        ++seen[order[i]];
        const int other = 3 - order[i];
        if (seen[other] < count) longest = std::max(longest, run);
    }
    EXPECT_LE(longest, batch);
    EXPECT_GE(longest, 1U);
    for (std::uint32_t i = 0; i < count; ++i) {
        EXPECT_EQ(voip::test::payload_index(b1.packets[i].payload), i);
        EXPECT_EQ(voip::test::payload_index(b2.packets[i].payload), i);
    }
}

// Eight sockets with datagrams queued in all of them before the loop runs, so that one wake-up
// reports several: each session gets exactly its own datagrams, whole and in order. (With
// receive_batch 0 the sockets share one receive buffer; a read completing after another socket's
// read had overwritten it would show here as a foreign or corrupted payload.)
TEST_P(ReceivePath, SocketsReadyTogetherEachGetTheirOwnBytes) {
    asio::io_context io;
    Multiplexer tx_mux(io, config(45000, GetParam()));
    Multiplexer rx_mux(io, config(45100, GetParam()));
    constexpr std::size_t sockets = 8;
    constexpr std::uint32_t count = 12;
    std::vector<std::unique_ptr<RecordingSession>> senders;
    std::vector<std::unique_ptr<RecordingSession>> receivers;
    for (std::size_t k = 0; k < sockets; ++k) {
        auto& a = *senders.emplace_back(std::make_unique<RecordingSession>(tx_mux, rtcp_mux()));
        auto& b = *receivers.emplace_back(std::make_unique<RecordingSession>(rx_mux, rtcp_mux()));
        auto pa = a.open();
        auto pb = b.open();
        ASSERT_TRUE(pa && pb);
        a.set_remote(pb->rtp);
        b.set_remote(pa->rtp);
    }
    // Socket k's i-th payload is numbered k * 100 + i; sent round-robin across the sockets.
    for (std::uint32_t i = 0; i < count; ++i) {
        for (std::size_t k = 0; k < sockets; ++k) {
            const auto number = static_cast<std::uint32_t>(k * 100 + i);
            ASSERT_TRUE(
                senders[k]->send_packet(voip::test::numbered_payload(number), 0, false, 160));
        }
    }
    ASSERT_TRUE(voip::test::run_until(io, [&] {
        return std::all_of(receivers.begin(), receivers.end(),
                           [&](const auto& b) { return b->packets.size() >= count; });
    }));
    voip::test::run_for(io, std::chrono::milliseconds(20));
    for (std::size_t k = 0; k < sockets; ++k) {
        const auto& got = receivers[k]->packets;
        ASSERT_EQ(got.size(), count) << "socket " << k;
        for (std::uint32_t i = 0; i < count; ++i) {
            const auto number = static_cast<std::uint32_t>(k * 100 + i);
            EXPECT_EQ(got[i].payload, voip::test::numbered_payload(number))
                << "socket " << k << " datagram " << i;
        }
    }
    EXPECT_EQ(rx_mux.stats().datagrams_received, sockets * count);
    EXPECT_EQ(rx_mux.stats().receive_errors, 0U);  // none dropped as overwritten
}

// A session that closes its port from inside its callback with more datagrams queued (in the
// middle of a batch, or between reads with receive_batch 0): the rest is dropped with the socket,
// no read is queued again and nothing touches freed state (ASan builds check).
TEST_P(ReceivePath, ASessionStoppingInsideABatchStopsTheDrain) {
    class StopAfterThree : public RecordingSession {
    public:
        using RecordingSession::RecordingSession;

    protected:
        void on_packet(const voip::rtp::PacketView& p) override {
            RecordingSession::on_packet(p);
            if (packets.size() == 3) stop();
        }
    };
    Link<StopAfterThree> link(41500, GetParam());
    ASSERT_TRUE(link.open);
    for (std::uint32_t i = 0; i < 10; ++i)
        ASSERT_TRUE(link.a.send_packet(voip::test::numbered_payload(i), 0, false, 160));
    ASSERT_TRUE(voip::test::run_until(link.io, [&] { return link.b.packets.size() == 3; }));
    voip::test::run_for(link.io, std::chrono::milliseconds(50));
    EXPECT_EQ(link.b.packets.size(), 3U);
    EXPECT_FALSE(link.b.is_open());
    EXPECT_EQ(link.rx_mux.stats().open_sockets, 0U);
}

// The default read asks the session to prefetch its receiving state (its own lines, then the
// subclass's through prefetch_receive_state) before it reads each datagram for it.
TEST(MultiplexerReceive, TheSessionsReceiveHintRunsBeforeEachDatagram) {
    class Hinted : public RecordingSession {
    public:
        using RecordingSession::RecordingSession;
        mutable std::size_t hints = 0;
        std::vector<std::size_t> hints_at_packet;  // hints seen when each packet arrived

    protected:
        void prefetch_receive_state() const noexcept override { ++hints; }
        void on_packet(const voip::rtp::PacketView& p) override {
            hints_at_packet.push_back(hints);
            RecordingSession::on_packet(p);
        }
    };
    asio::io_context io;
    Multiplexer tx_mux(io, config(45600, 0));
    Multiplexer rx_mux(io, config(45700, 0));
    RecordingSession a(tx_mux, rtcp_mux());
    Hinted b(rx_mux, rtcp_mux());
    auto pa = a.open();
    auto pb = b.open();
    ASSERT_TRUE(pa && pb);
    a.set_remote(pb->rtp);
    for (std::uint32_t i = 0; i < 5; ++i)
        ASSERT_TRUE(a.send_packet(voip::test::numbered_payload(i), 0, false, 160));
    ASSERT_TRUE(voip::test::run_until(io, [&] { return b.packets.size() == 5; }));
#if defined(__linux__) && ASIO_VERSION / 100 == 1022
    // The packet of the k-th read follows the k-th hint (Asio 1.22's reactor: one read each).
    for (std::size_t k = 0; k < b.hints_at_packet.size(); ++k)
        EXPECT_GE(b.hints_at_packet[k], k + 1) << k;
    EXPECT_GE(b.hints, 5U);
#else
    EXPECT_EQ(b.hints_at_packet.size(), 5U);  // other reactors: no hint, nothing else changes
#endif
}

INSTANTIATE_TEST_SUITE_P(Batch, ReceivePath,
                         ::testing::Values(std::size_t{32}, std::size_t{1}, std::size_t{0}),
                         [](const auto& info) { return "batch" + std::to_string(info.param); });

}  // namespace
