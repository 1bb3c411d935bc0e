// Issue 11 resource limits, each exceeded on purpose: SIP message size and header count on the
// UDP and TCP paths, TCP connections, concurrent server transactions, the per-source rate of
// unauthenticated requests, SDP media sections, RTP sessions per multiplexer. Every excess is
// answered (413 / 400 / 503), dropped or refused with an error, and never grows memory.

#include <voip/log.hpp>
#include <voip/rtp/media_error.hpp>
#include <voip/rtp/multiplexer.hpp>
#include <voip/rtp/session.hpp>
#include <voip/sdp/error.hpp>
#include <voip/sdp/session_description.hpp>
#include <voip/sip/rate_limiter.hpp>
#include <voip/sip/user_agent.hpp>

#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "reliability/raw_udp_peer.hpp"
#include "sip/transport_test_util.hpp"

namespace voip::reliability {
namespace {

using namespace std::chrono_literals;
using sip::test::run_for;
using sip::test::run_until;

sip::UserAgentConfig uas_config(std::vector<std::string> listen = {"udp:127.0.0.1:0"}) {
    sip::UserAgentConfig c;
    c.listen = std::move(listen);
    c.user_agent = "limits-uas";
    return c;
}

// Collects log lines (the limits must say what they refused).
class LogCapture {
public:
    LogCapture() {
        previous_ = log::level();
        log::set_level(log::Level::trace);
        log::set_sink([this](log::Level, std::string_view component, std::string_view message) {
            lines.push_back(std::string(component) + ": " + std::string(message));
        });
    }
    ~LogCapture() {
        log::set_sink(nullptr);
        log::set_level(previous_);
    }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;

    [[nodiscard]] bool contains(std::string_view text) const {
        for (const auto& line : lines) {
            if (line.find(text) != std::string::npos) return true;
        }
        return false;
    }
    std::vector<std::string> lines;

private:
    log::Level previous_;
};

TEST(SipLimits, UdpRequestOverMaxMessageBytesGets413) {
    asio::io_context io;
    auto config = uas_config();
    config.transport.limits.max_message_bytes = 2000;
    sip::UserAgent ua{io.get_executor(), config};
    const auto to = ua.local_address(sip::TransportKind::udp);
    RawUdpPeer peer(io);
    peer.send(peer.request("OPTIONS", to, 1, {}, std::string(3000, 'x')), to);
    ASSERT_TRUE(run_until(
        io, [&] { return !peer.responses.empty(); }, 10s));
    EXPECT_EQ(peer.responses.front().status_code(), 413);
    EXPECT_EQ(peer.responses.front().call_id(), "raw-1@127.0.0.1");
    // The UA is unharmed: a normal request still gets its 200.
    peer.send(peer.request("OPTIONS", to, 2), to);
    ASSERT_TRUE(run_until(
        io, [&] { return peer.responses.size() == 2; }, 10s));
    EXPECT_EQ(peer.responses.back().status_code(), 200);
}

TEST(SipLimits, UdpRequestWithTooManyHeadersGets400) {
    asio::io_context io;
    auto config = uas_config();
    config.transport.limits.max_headers = 20;
    sip::UserAgent ua{io.get_executor(), config};
    const auto to = ua.local_address(sip::TransportKind::udp);
    RawUdpPeer peer(io);
    std::string padding;
    for (int i = 0; i < 40; ++i)
        padding += "X-Pad-" + std::to_string(i) + ": v\r\n";
    peer.send(peer.request("OPTIONS", to, 1, padding), to);
    ASSERT_TRUE(run_until(
        io, [&] { return !peer.responses.empty(); }, 10s));
    EXPECT_EQ(peer.responses.front().status_code(), 400);
}

TEST(SipLimits, TcpMessageOverMaxMessageBytesClosesTheConnection) {
    asio::io_context io;
    auto config = uas_config({"tcp:127.0.0.1:0"});
    config.transport.limits.max_message_bytes = 2000;
    sip::UserAgent ua{io.get_executor(), config};
    const auto to = ua.local_address(sip::TransportKind::tcp);
    asio::ip::tcp::socket client(io);
    client.connect(asio::ip::tcp::endpoint(to.address, to.port));
    ASSERT_TRUE(run_until(io, [&] { return ua.transports().connection_count() == 1; }));
    // Only the header section is sent: its Content-Length already exceeds the limit.
    const std::string head =
        "OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\n"
        "Via: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKbig\r\n"
        "From: <sip:m@127.0.0.1>;tag=1\r\nTo: <sip:bob@127.0.0.1>\r\n"
        "Call-ID: big\r\nCSeq: 1 OPTIONS\r\nContent-Length: 100000\r\n\r\n";
    asio::write(client, asio::buffer(head));
    std::error_code read_error;
    std::array<char, 256> buffer{};
    bool closed = false;
    client.async_read_some(asio::buffer(buffer), [&](std::error_code ec, std::size_t) {
        read_error = ec;
        closed = true;
    });
    ASSERT_TRUE(run_until(
        io, [&] { return closed; }, 10s));
    EXPECT_TRUE(read_error == asio::error::eof || read_error == asio::error::connection_reset)
        << read_error.message();
    EXPECT_TRUE(run_until(io, [&] { return ua.transports().connection_count() == 0; }));
}

TEST(SipLimits, ConnectionLimitClosesTheOldestIdleConnectionAndLogs) {
    LogCapture logs;
    asio::io_context io;
    auto config = uas_config({"tcp:127.0.0.1:0"});
    config.transport.max_connections = 2;
    sip::UserAgent ua{io.get_executor(), config};
    const auto to = ua.local_address(sip::TransportKind::tcp);
    std::vector<std::unique_ptr<asio::ip::tcp::socket>> clients;
    for (std::size_t i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<asio::ip::tcp::socket>(io));
        clients.back()->connect(asio::ip::tcp::endpoint(to.address, to.port));
        // Accepted (or, for the third, accepted after the oldest made room).
        run_for(io, 100ms);
        ASSERT_LE(ua.transports().connection_count(), 2U);
    }
    EXPECT_EQ(ua.transports().connection_count(), 2U);
    // The first (oldest idle) connection was closed by the UA.
    std::error_code first_error;
    bool done = false;
    std::array<char, 16> buffer{};
    clients.front()->async_read_some(asio::buffer(buffer), [&](std::error_code ec, std::size_t) {
        first_error = ec;
        done = true;
    });
    ASSERT_TRUE(run_until(
        io, [&] { return done; }, 5s));
    EXPECT_TRUE(first_error == asio::error::eof || first_error == asio::error::connection_reset);
    EXPECT_TRUE(logs.contains("connection limit"));
}

TEST(SipLimits, ServerTransactionsBeyondTheLimitGet503WithRetryAfter) {
    LogCapture logs;
    asio::io_context io;
    auto config = uas_config();
    config.max_server_transactions = 3;
    sip::UserAgent ua{io.get_executor(), config};
    int handed_up = 0;
    // A TU that never answers keeps its transactions alive (as slow call set-ups would).
    ua.on_request("MESSAGE", [&](const sip::IncomingRequest&) { ++handed_up; });
    const auto to = ua.local_address(sip::TransportKind::udp);
    RawUdpPeer peer(io);
    for (int i = 1; i <= 5; ++i)
        peer.send(peer.request("MESSAGE", to, i), to);
    ASSERT_TRUE(run_until(
        io, [&] { return peer.count_status(503) == 2; }, 10s));
    EXPECT_EQ(handed_up, 3);
    EXPECT_EQ(ua.transactions().server_count(), 3U);
    EXPECT_EQ(ua.transactions().refused_requests(), 2U);
    for (const auto& r : peer.responses) {
        EXPECT_EQ(r.header(sip::HeaderId::retry_after), "5");
        EXPECT_FALSE(r.to_tag().empty());
    }
    // A retransmission of a live transaction is still absorbed by it, not refused.
    peer.send(peer.request("MESSAGE", to, 1), to);
    run_for(io, 200ms);
    EXPECT_EQ(peer.count_status(503), 2);
    EXPECT_EQ(ua.transactions().refused_requests(), 2U);
    EXPECT_TRUE(logs.contains("refusing MESSAGE"));
}

TEST(SipLimits, UnauthenticatedFloodFromOneSourceGets503AndOthersPass) {
    asio::io_context io;
    auto config = uas_config({"udp:127.0.0.1:0", "udp:[::1]:0"});
    config.unauthenticated_rate.requests_per_second = 0.5;
    config.unauthenticated_rate.burst = 3;
    sip::UserAgent ua{io.get_executor(), config};
    const auto to = ua.local_addresses()[0];
    RawUdpPeer flooder(io);
    for (int i = 1; i <= 8; ++i)
        flooder.send(flooder.request("OPTIONS", to, i), to);
    ASSERT_TRUE(run_until(
        io, [&] { return flooder.responses.size() == 8; }, 10s));
    EXPECT_EQ(flooder.count_status(200), 3);
    EXPECT_EQ(flooder.count_status(503), 5);
    for (const auto& r : flooder.responses) {
        if (r.status_code() == 503) {
            EXPECT_EQ(r.header(sip::HeaderId::retry_after), "1");
        }
    }
    // Requests with credentials are not metered (the registrar's digest decides about them).
    flooder.send(flooder.request("OPTIONS", to, 20,
                                 "Authorization: Digest username=\"a\", realm=\"r\", "
                                 "nonce=\"n\", uri=\"sip:bob@127.0.0.1\", response=\"0\"\r\n"),
                 to);
    ASSERT_TRUE(run_until(
        io, [&] { return flooder.responses.size() == 9; }, 10s));
    EXPECT_EQ(flooder.responses.back().status_code(), 200);
    // Another source has its own bucket.
    RawUdpPeer other(io, "::1");
    const auto to6 = ua.local_addresses()[1];
    other.send(other.request("OPTIONS", to6, 30), to6);
    ASSERT_TRUE(run_until(
        io, [&] { return !other.responses.empty(); }, 10s));
    EXPECT_EQ(other.responses.front().status_code(), 200);
}

TEST(SipLimits, RateLimiterCanDropInsteadOfAnswering) {
    asio::io_context io;
    auto config = uas_config();
    config.unauthenticated_rate.requests_per_second = 0.5;
    config.unauthenticated_rate.burst = 2;
    config.unauthenticated_rate.answer_503 = false;
    sip::UserAgent ua{io.get_executor(), config};
    const auto to = ua.local_address(sip::TransportKind::udp);
    RawUdpPeer flooder(io);
    for (int i = 1; i <= 6; ++i)
        flooder.send(flooder.request("OPTIONS", to, i), to);
    ASSERT_TRUE(run_until(
        io, [&] { return flooder.responses.size() >= 2; }, 10s));
    run_for(io, 300ms);  // the dropped four must stay unanswered
    EXPECT_EQ(flooder.responses.size(), 2U);
    EXPECT_EQ(flooder.count_status(200), 2);
    EXPECT_EQ(ua.transactions().server_count(), 2U);  // no transaction spent on the rest
}

TEST(SourceRateLimiter, RefillsAtTheConfiguredRateAndBoundsItsTable) {
    sip::SourceRateLimiter limiter({.requests_per_second = 10, .burst = 2, .max_sources = 3});
    const auto t0 = sip::SourceRateLimiter::Clock::time_point{} + 1h;
    const auto a = asio::ip::make_address("192.0.2.1");
    EXPECT_TRUE(limiter.allow(a, t0));
    EXPECT_TRUE(limiter.allow(a, t0));
    EXPECT_FALSE(limiter.allow(a, t0));
    EXPECT_FALSE(limiter.allow(a, t0 + 50ms));  // half a token
    EXPECT_TRUE(limiter.allow(a, t0 + 100ms));  // one token per 100 ms
    EXPECT_EQ(limiter.refused(), 2U);
    // Many sources: the table never exceeds max_sources.
    for (int i = 0; i < 100; ++i) {
        const auto source = asio::ip::make_address("198.51.100." + std::to_string(i + 1));
        EXPECT_TRUE(limiter.allow(source, t0 + 100ms));
        EXPECT_LE(limiter.tracked(), 3U);
    }
    sip::SourceRateLimiter off;
    EXPECT_FALSE(off.enabled());
    for (int i = 0; i < 1000; ++i)
        ASSERT_TRUE(off.allow(a, t0));
}

TEST(SdpLimits, MoreMediaSectionsThanTheLimitIsAParseError) {
    std::string text = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n";
    const sdp::ParseLimits limits;  // defaults: 16 media sections
    for (std::size_t i = 0; i < limits.max_media; ++i)
        text += "m=audio " + std::to_string(4000 + 2 * i) + " RTP/AVP 0\r\n";
    EXPECT_TRUE(sdp::SessionDescription::parse(text, limits));
    text += "m=audio 5000 RTP/AVP 0\r\n";
    auto parsed = sdp::SessionDescription::parse(text, limits);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error(), sdp::Errc::too_many_media);
}

TEST(RtpLimits, SessionsBeyondMaxSessionsAreRefused) {
    asio::io_context io;
    rtp::Multiplexer::Config config;
    config.address = asio::ip::make_address("127.0.0.1");
    config.first_port = 42000;
    config.last_port = 42999;
    config.max_sessions = 2;
    rtp::Multiplexer mux(io, config);
    rtp::Session a(mux), b(mux), c(mux), d(mux);
    ASSERT_TRUE(a.open());
    ASSERT_TRUE(b.open_shared(a));
    auto refused = c.open();
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error(), rtp::MediaErrc::too_many_sessions);
    EXPECT_EQ(d.open_shared(a).error(), rtp::MediaErrc::too_many_sessions);
    EXPECT_EQ(mux.stats().sessions, 2U);
    EXPECT_EQ(mux.stats().refused_sessions, 2U);
    // Releasing one makes room again.
    b.stop();
    EXPECT_EQ(mux.stats().sessions, 1U);
    EXPECT_TRUE(c.open());
    EXPECT_EQ(mux.stats().sessions, 2U);
}

}  // namespace
}  // namespace voip::reliability
