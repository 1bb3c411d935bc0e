// Two rtp::Sessions on two rtp::Multiplexers exchanging SRTP over loopback: directly, then
// through a relay injecting 10% loss and reordering; forged and replayed packets are dropped
// and counted.
#include <voip/rtp/multiplexer.hpp>
#include <voip/rtp/session.hpp>
#include <voip/srtp/context.hpp>
#include <voip/srtp/key_material.hpp>
#include <voip/srtp/transform.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <vector>

#include "rtp/media_test_support.hpp"
#include "rtp/udp_relay.hpp"

namespace {

using namespace std::chrono_literals;
using voip::rtp::Multiplexer;
using voip::rtp::SessionConfig;
using voip::srtp::KeyMaterial;
using voip::srtp::Suite;
using voip::test::numbered_payload;
using voip::test::payload_index;
using voip::test::RecordingSession;
using voip::test::run_until;

Multiplexer::Config config_for(const asio::ip::address& address, std::uint16_t first) {
    Multiplexer::Config c;
    c.address = address;
    c.first_port = first;
    c.last_port = static_cast<std::uint16_t>(first + 99);
    return c;
}

struct Keys {
    explicit Keys(Suite suite)
        : a(KeyMaterial::generate(suite).value()), b(KeyMaterial::generate(suite).value()) {}
    KeyMaterial a;  // A's key: A protects, B unprotects
    KeyMaterial b;
};

// Keys as they would travel through SDP: our key out, the far end's key in.
void key_sessions(RecordingSession& a, RecordingSession& b, const Keys& keys) {
    auto ta = voip::srtp::Transform::create(keys.a, keys.b);
    auto tb = voip::srtp::Transform::create(keys.b, keys.a);
    ASSERT_TRUE(ta && tb);
    a.set_transform(std::move(*ta));
    b.set_transform(std::move(*tb));
}

// Sends `count` packets each way in bursts, letting the receivers keep up (bounded).
void exchange(asio::io_context& io, RecordingSession& a, RecordingSession& b, std::uint32_t count) {
    for (std::uint32_t i = 0; i < count; ++i) {
        ASSERT_TRUE(a.send_packet(numbered_payload(i), 0, false, 160));
        ASSERT_TRUE(b.send_packet(numbered_payload(i), 0, false, 160));
        if (i % 20 == 19) {
            ASSERT_TRUE(run_until(
                io, [&] { return a.packets.size() == i + 1 && b.packets.size() == i + 1; }));
        }
    }
    ASSERT_TRUE(
        run_until(io, [&] { return a.packets.size() == count && b.packets.size() == count; }));
}

void check_in_order(const RecordingSession& receiver, const RecordingSession& sender,
                    std::uint32_t count) {
    ASSERT_EQ(receiver.packets.size(), count);
    for (std::uint32_t i = 0; i < count; ++i) {
        const auto& p = receiver.packets[i];
        ASSERT_EQ(payload_index(p.payload), i);
        ASSERT_EQ(p.payload, numbered_payload(i));
        ASSERT_EQ(p.ssrc, sender.ssrc());
    }
}

class SrtpLoopback
    : public ::testing::TestWithParam<std::tuple<const char*, Suite, std::uint16_t>> {};

TEST_P(SrtpLoopback, ThousandPacketsEachWayWithReportsAndRoundTrip) {
    const auto address = asio::ip::make_address(std::get<0>(GetParam()));
    const Suite suite = std::get<1>(GetParam());
    const std::uint16_t base = std::get<2>(GetParam());
    asio::io_context io;
    Multiplexer mux_a(io, config_for(address, base));
    Multiplexer mux_b(io, config_for(address, static_cast<std::uint16_t>(base + 100)));
    SessionConfig config;
    config.rtcp_interval = 60ms;
    RecordingSession a(mux_a, config), b(mux_b, config);
    ASSERT_TRUE(a.open() && b.open());
    a.set_remote(b.local_ports().rtp, b.local_ports().rtcp);
    b.set_remote(a.local_ports().rtp, a.local_ports().rtcp);
    const Keys keys(suite);
    key_sessions(a, b, keys);
    a.start();
    b.start();

    exchange(io, a, b, 1000);
    check_in_order(b, a, 1000);
    check_in_order(a, b, 1000);

    // Each side's latest report about the other must cover the last packet.
    auto saw_the_end = [](const RecordingSession& s) {
        const auto st = s.stats();
        return st.round_trip_time && st.far_end_report &&
               (st.far_end_report->extended_highest_sequence & 0xFFFFU) ==
                   static_cast<std::uint16_t>(s.next_sequence() - 1);
    };
    ASSERT_TRUE(run_until(io, [&] { return saw_the_end(a) && saw_the_end(b); }));
    for (const auto* s : {&a, &b}) {
        const auto st = s->stats();
        EXPECT_EQ(st.packets_sent, 1000U);
        EXPECT_EQ(st.packets_received, 1000U);
        EXPECT_EQ(st.packets_lost, 0);
        EXPECT_EQ(st.packets_late, 0U);
        EXPECT_EQ(st.authentication_failures, 0U);
        EXPECT_EQ(st.replay_failures, 0U);
        EXPECT_EQ(st.malformed, 0U);
        EXPECT_GE(st.rtcp_received, 1U);  // SRTCP reports got through
        EXPECT_EQ(st.far_end_report->cumulative_lost, 0);
        EXPECT_LT(*st.round_trip_time, 50ms);  // loopback
    }
    EXPECT_EQ(a.stats().far_end_report->ssrc, a.ssrc());

    b.stop();
    a.stop();
}

INSTANTIATE_TEST_SUITE_P(
    Suites, SrtpLoopback,
    ::testing::Values(std::make_tuple("127.0.0.1", Suite::aes_cm_128_hmac_sha1_80, 42000),
                      std::make_tuple("127.0.0.1", Suite::aes_cm_128_hmac_sha1_32, 42200),
                      std::make_tuple("127.0.0.1", Suite::aead_aes_128_gcm, 42400),
                      std::make_tuple("::1", Suite::aes_cm_128_hmac_sha1_80, 42600)),
    [](const auto& info) {
        return std::string(voip::srtp::to_string(std::get<1>(info.param))) +
               (std::get<0>(info.param)[0] == ':' ? "_IPv6" : "_IPv4");
    });

TEST(SrtpLoopbackRelay, LossAndReorderingMatchWhatTheRelayInjected) {
    const auto address = asio::ip::make_address("127.0.0.1");
    asio::io_context io;
    Multiplexer mux_a(io, config_for(address, 43000));
    Multiplexer mux_b(io, config_for(address, 43100));
    SessionConfig config;
    config.rtcp_mux = true;  // one relay socket pair carries RTP and RTCP
    config.rtcp_interval = 150ms;
    RecordingSession a(mux_a, config), b(mux_b, config);
    ASSERT_TRUE(a.open() && b.open());
    voip::test::RelayConfig rc;
    rc.loss = 0.10;
    rc.base_delay = 5ms;   // each way: RTT >= 10 ms
    rc.extra_delay = 6ms;  // packets every 2 ms: plenty of reordering
    rc.seed = 20261122;
    voip::test::UdpRelay relay(io, address, rc);
    relay.connect(a.local_ports().rtp, b.local_ports().rtp);
    a.set_remote(relay.a_facing());
    b.set_remote(relay.b_facing());
    const Keys keys(Suite::aes_cm_128_hmac_sha1_80);
    key_sessions(a, b, keys);
    a.start();
    b.start();

    // 1000 packets each way, one every 2 ms (timestamp advance 16 at 8 kHz).
    constexpr std::uint32_t count = 1000;
    asio::steady_timer pace(io);
    std::uint32_t sent = 0;
    std::function<void()> tick = [&] {
        (void)a.send_packet(numbered_payload(sent), 0, false, 16);
        (void)b.send_packet(numbered_payload(sent), 0, false, 16);
        ++sent;
        if (sent < count) {
            pace.expires_at(pace.expiry() + 2ms);
            pace.async_wait([&](std::error_code ec) {
                if (!ec) tick();
            });
        }
    };
    pace.expires_after(0ms);
    tick();
    ASSERT_TRUE(run_until(
        io,
        [&] {
            return sent == count && relay.a_to_b().settled(count) &&
                   relay.b_to_a().settled(count) &&
                   b.stats().packets_received == relay.a_to_b().forwarded &&
                   a.stats().packets_received == relay.b_to_a().forwarded;
        },
        15s));
    // Let a report round trip after the last packet.
    ASSERT_TRUE(run_until(io, [&] {
        return a.stats().round_trip_time && b.stats().round_trip_time &&
               a.stats().rtcp_received > 3;
    }));

    for (auto [receiver, direction] :
         {std::pair{&b, &relay.a_to_b()}, std::pair{&a, &relay.b_to_a()}}) {
        const auto s = receiver->stats();
        std::printf(
            "relay: dropped %llu of %llu, reordered %llu, jitter %.2f | receiver: lost %lld, "
            "late %llu, jitter %u (%lld us), RTT %lld us, SRTP auth/replay failures %llu/%llu\n",
            static_cast<unsigned long long>(direction->dropped),
            static_cast<unsigned long long>(direction->received),
            static_cast<unsigned long long>(direction->reordered), direction->jitter,
            static_cast<long long>(s.packets_lost), static_cast<unsigned long long>(s.packets_late),
            s.jitter, static_cast<long long>(s.jitter_time.count()),
            static_cast<long long>(s.round_trip_time->count()),
            static_cast<unsigned long long>(s.authentication_failures),
            static_cast<unsigned long long>(s.replay_failures));
        // Injected: about 10% of 1000.
        EXPECT_GT(direction->dropped, 60U);
        EXPECT_LT(direction->dropped, 140U);
        EXPECT_GT(direction->reordered, 50U);
        // Loss: exact against the relay's §A.3 view of what it forwarded; within 5 (stream
        // edges) of what it dropped.
        EXPECT_EQ(s.packets_lost, direction->reference_lost());
        EXPECT_NEAR(static_cast<double>(s.packets_lost), static_cast<double>(direction->dropped),
                    5.0);
        // Reordering: every packet the relay sent behind a later one arrives late.
        EXPECT_EQ(s.packets_late, direction->reordered);
        // Jitter: within 25% + 2 timestamp units (0.25 ms) of the relay's §A.8 figure over
        // its forwarding instants; loopback delivery adds a little.
        EXPECT_NEAR(static_cast<double>(s.jitter), direction->jitter,
                    0.25 * direction->jitter + 2.0);
        // Reordered SRTP within the replay window is not a replay.
        EXPECT_EQ(s.replay_failures, 0U);
        EXPECT_EQ(s.authentication_failures, 0U);
        // RTT: twice the relay's delay (10-22 ms) plus a little.
        EXPECT_GE(*s.round_trip_time, 8ms);
        EXPECT_LT(*s.round_trip_time, 100ms);
        // The far end's report about us agrees with its loss.
        ASSERT_TRUE(s.far_end_report.has_value());
        EXPECT_GT(s.far_end_report->cumulative_lost, 0);
    }
    a.stop();
    b.stop();
}

// A forger: packets of A's SSRC protected with A's key (a replayer) or a stranger's key.
struct Forger {
    explicit Forger(const Keys& keys)
        : replayer(voip::srtp::Context::create(keys.a, voip::srtp::Context::Direction::outbound)
                       .value()),
          stranger(voip::srtp::Context::create(
                       KeyMaterial::generate(Suite::aes_cm_128_hmac_sha1_80).value(),
                       voip::srtp::Context::Direction::outbound)
                       .value()) {}

    // One SRTP packet of @p ssrc numbered @p seq, its tag broken if @p tamper.
    static std::vector<std::uint8_t> forge(voip::srtp::Context& ctx, std::uint32_t ssrc,
                                           std::uint16_t seq, bool tamper) {
        std::vector<std::uint8_t> buf(2048);
        voip::rtp::Packet p;
        p.sequence = seq;
        p.timestamp = 1;
        p.ssrc = ssrc;
        const auto payload = numbered_payload(999);
        p.payload = payload;
        const auto n = p.serialize_to(buf).value();
        const auto m = ctx.protect(buf, n).value();
        if (tamper) buf[20] ^= 0x40;
        buf.resize(m);
        return buf;
    }
    // Two replays of sequence numbers B already has, one tampered packet, one wrong key.
    std::vector<std::vector<std::uint8_t>> attack(std::uint32_t ssrc, std::uint16_t first_seq) {
        return {forge(replayer, ssrc, first_seq, false),
                forge(replayer, ssrc, static_cast<std::uint16_t>(first_seq + 1), false),
                forge(replayer, ssrc, static_cast<std::uint16_t>(first_seq + 50), true),
                forge(stranger, ssrc, static_cast<std::uint16_t>(first_seq + 51), false)};
    }

    voip::srtp::Context replayer;
    voip::srtp::Context stranger;
};

// A has sent B five SRTP packets over their own multiplexers; an attacker's socket elsewhere.
struct AttackedPair {
    AttackedPair(std::uint16_t first_port, const SessionConfig& config)
        : mux_a(io, config_for(address, first_port)),
          mux_b(io, config_for(address, static_cast<std::uint16_t>(first_port + 100))),
          a(mux_a, config),
          b(mux_b, config),
          attacker(io, asio::ip::udp::endpoint(address, 0)) {
        if (!a.open() || !b.open()) return;
        a.set_remote(b.local_ports().rtp, b.local_ports().rtcp);
        b.set_remote(a.local_ports().rtp, a.local_ports().rtcp);
        key_sessions(a, b, keys);
        for (std::uint32_t i = 0; i < 5; ++i)
            (void)a.send_packet(numbered_payload(i), 0, false, 160);
        ready = run_until(io, [&] { return b.packets.size() == 5; });
    }

    const asio::ip::address address = asio::ip::make_address("127.0.0.1");
    const Keys keys{Suite::aes_cm_128_hmac_sha1_80};
    asio::io_context io;
    Multiplexer mux_a;
    Multiplexer mux_b;
    RecordingSession a;
    RecordingSession b;
    asio::ip::udp::socket attacker;
    bool ready = false;
};

// Attack from another address with the session following its source wherever valid packets
// come from (strict_source off): everything reaches the session and fails SRTP, counted.
TEST(SrtpLoopbackAttack, ForgedAndReplayedPacketsNeverReachTheSession) {
    SessionConfig following;
    following.strict_source = false;
    AttackedPair p(43200, following);
    ASSERT_TRUE(p.ready);
    auto& a = p.a;
    auto& b = p.b;
    auto& io = p.io;

    // An attacker elsewhere: with A's key it replays a sequence number B already has; without
    // it, or tampering, it fails authentication.
    Forger forger(p.keys);
    for (const auto& datagram : forger.attack(a.ssrc(), b.packets.front().sequence))
        p.attacker.send_to(asio::buffer(datagram), b.local_ports().rtp);
    ASSERT_TRUE(run_until(io, [&] { return b.stats().unprotect_failures == 4; }));
    const auto s = b.stats();
    EXPECT_EQ(s.replay_failures, 2U);
    EXPECT_EQ(s.authentication_failures, 2U);
    EXPECT_EQ(b.packets.size(), 5U);  // nothing reached on_packet
    EXPECT_EQ(s.packets_received, 5U);
    // And B did not latch onto the attacker.
    ASSERT_TRUE(s.remote_rtp_source.has_value());
    EXPECT_EQ(*s.remote_rtp_source, a.local_ports().rtp);

    // Genuine traffic still flows.
    ASSERT_TRUE(a.send_packet(numbered_payload(5), 0, false, 160));
    ASSERT_TRUE(run_until(io, [&] { return b.packets.size() == 6; }));
    EXPECT_EQ(b.packets.back().payload, numbered_payload(5));
}

// The default, strict source: once B latched to A, B's socket takes A's datagrams only. The
// same attack from elsewhere never gets in (not even to be counted); sent from A's own port,
// it is rejected by SRTP and counted as before.
TEST(SrtpLoopbackAttack, StrictSourceKeepsOtherAddressesOut) {
    AttackedPair p(43400, SessionConfig{});
    ASSERT_TRUE(p.ready);
    ASSERT_TRUE(p.a.config().strict_source && p.b.config().strict_source);
    auto& a = p.a;
    auto& b = p.b;
    auto& io = p.io;

    Forger forger(p.keys);
    const std::uint16_t first_seq = b.packets.front().sequence;
    for (const auto& datagram : forger.attack(a.ssrc(), first_seq))
        p.attacker.send_to(asio::buffer(datagram), b.local_ports().rtp);
    // A genuine packet after the attack: once it is in, the attack had its chance.
    ASSERT_TRUE(a.send_packet(numbered_payload(5), 0, false, 160));
    ASSERT_TRUE(run_until(io, [&] { return b.packets.size() == 6; }));
    voip::test::run_for(io, 50ms);
    auto s = b.stats();
    EXPECT_EQ(s.unprotect_failures, 0U);
    EXPECT_EQ(s.packets_received, 6U);
    EXPECT_EQ(p.mux_b.stats().datagrams_received, 6U);  // the kernel kept the attack out
    EXPECT_EQ(b.packets.back().payload, numbered_payload(5));

    // From A's own port the same forgeries get in, and SRTP drops and counts them. (A fresh
    // forger: libsrtp2 refuses to protect a sequence number twice.)
    Forger again(p.keys);
    for (const auto& datagram : again.attack(a.ssrc(), first_seq))
        ASSERT_TRUE(a.send_raw(datagram, b.local_ports().rtp));
    ASSERT_TRUE(run_until(io, [&] { return b.stats().unprotect_failures == 4; }));
    s = b.stats();
    EXPECT_EQ(s.replay_failures, 2U);
    EXPECT_EQ(s.authentication_failures, 2U);
    EXPECT_EQ(b.packets.size(), 6U);

    // A new SDP address unlocks: what the attacker's port sends gets in again.
    b.set_remote(p.attacker.local_endpoint());
    Forger third(p.keys);
    const auto replay = Forger::forge(third.replayer, a.ssrc(), first_seq, false);
    p.attacker.send_to(asio::buffer(replay), b.local_ports().rtp);
    ASSERT_TRUE(run_until(io, [&] { return b.stats().replay_failures == 3U; }));
    EXPECT_EQ(p.mux_b.stats().datagrams_received, 11U);
}

}  // namespace
