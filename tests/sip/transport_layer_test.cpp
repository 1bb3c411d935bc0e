// Loopback integration tests of TransportLayer with real sockets: UDP, TCP and TLS over IPv4
// and IPv6, connection reuse, stream framing, keep-alives, §18.1.1, bad input and limits.

#include <voip/sip/transport_error.hpp>
#include <voip/sip/transport_layer.hpp>

#include <asio/connect.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>
#include <gtest/gtest.h>

#include <optional>
#include <thread>
#include <vector>

#include "sip/transport_test_util.hpp"

namespace voip::sip {
namespace {

using test::make_options;
using test::run_for;
using test::run_until;
using namespace std::chrono_literals;

struct Received {
    AnyMessage message;
    TransportAddress source;
    TransportAddress local;
    FlowId flow;
};

// Records what a TransportLayer receives.
struct Inbox {
    std::vector<Received> items;
    void attach(TransportLayer& layer) {
        layer.on_message([this](ReceivedMessage& m) {
            items.push_back(Received{std::move(m.message), m.source, m.local, m.flow});
        });
    }
    [[nodiscard]] const Request& request(std::size_t i) const {
        return std::get<Request>(items.at(i).message);
    }
    [[nodiscard]] const Response& response(std::size_t i) const {
        return std::get<Response>(items.at(i).message);
    }
};

TransportConfig config_for(TransportKind kind) {
    TransportConfig config;
    if (kind == TransportKind::tls) config.tls = test::tls_server_config();
    return config;
}

std::string listen_text(TransportKind kind, bool v6) {
    return std::string(to_string(kind)) + (v6 ? ":[::1]:0" : ":127.0.0.1:0");
}

bool has_ipv6_loopback() {
    asio::io_context io;
    asio::ip::udp::socket s(io);
    std::error_code ec;
    s.open(asio::ip::udp::v6(), ec);
    if (!ec) s.bind(asio::ip::udp::endpoint(asio::ip::address_v6::loopback(), 0), ec);
    return !ec;
}

struct Case {
    TransportKind kind;
    bool v6;
};

class TransportLoopback : public ::testing::TestWithParam<Case> {};

TEST_P(TransportLoopback, RequestArrivesAndResponseComesBackOnTheSameFlow) {
    const auto [kind, v6] = GetParam();
    ASSERT_TRUE(!v6 || has_ipv6_loopback()) << "IPv6 loopback (::1) is needed by this test";
    asio::io_context io;
    TransportLayer server(io.get_executor(), config_for(kind));
    TransportLayer client(io.get_executor(), config_for(kind));
    const auto server_at = server.listen(listen_text(kind, v6)).value();
    const auto client_at = client.listen(listen_text(kind, v6)).value();
    EXPECT_NE(server_at.port, 0);
    EXPECT_EQ(server.local_addresses(), std::vector<TransportAddress>{server_at});
    Inbox server_in;
    Inbox client_in;
    server_in.attach(server);
    client_in.attach(client);
    if (kind == TransportKind::tls) {
        // The certificate names localhost, 127.0.0.1 and ::1.
        std::error_code connect_ec = make_error_code(std::errc::timed_out);
        client.connect(server_at, "localhost",
                       [&](std::error_code ec, FlowId) { connect_ec = ec; });
        ASSERT_TRUE(run_until(io, [&] { return connect_ec != std::errc::timed_out; }));
        ASSERT_FALSE(connect_ec) << connect_ec.message();
    }

    std::optional<std::error_code> send_error;
    auto request = make_options(client, server_at, "loop1");
    client.send(request, server_at, [&](std::error_code ec) { send_error = ec; });
    ASSERT_TRUE(run_until(io, [&] { return !server_in.items.empty(); }));
    const auto& got = server_in.items[0];
    EXPECT_EQ(server_in.request(0).method_id(), Method::options);
    EXPECT_EQ(server_in.request(0).call_id(), "call-loop1");
    EXPECT_EQ(got.source.kind, kind);
    EXPECT_EQ(got.source.address, client_at.address);
    EXPECT_EQ(got.local.port, server_at.port);
    if (kind == TransportKind::udp) {
        EXPECT_EQ(got.flow, 0U);
        EXPECT_EQ(got.source, client_at);  // UDP replies come from the bound socket
        // RFC 3581 §4: rport filled with the source port, received added.
        auto via = server_in.request(0).top_via().value();
        EXPECT_EQ(via.rport(), got.source.port);
        EXPECT_EQ(parse_ip_host(via.received().value()), got.source.address);
    } else {
        EXPECT_NE(got.flow, 0U);
        EXPECT_EQ(server.flow_remote(got.flow), got.source);
        EXPECT_EQ(server.connection_count(), 1U);
    }

    auto response = Response::make_for(server_in.request(0), 200, {}, "totag");
    server.send(response, got.source, [&](std::error_code ec) { send_error = ec; });
    ASSERT_TRUE(run_until(io, [&] { return !client_in.items.empty(); }));
    EXPECT_EQ(client_in.response(0).status_code(), 200);
    EXPECT_EQ(client_in.response(0).branch(), "z9hG4bKloop1");
    if (kind == TransportKind::udp) {
        EXPECT_EQ(client_in.items[0].source, server_at);
    } else {
        // Same flow: the client still has exactly one connection, the one it opened.
        EXPECT_EQ(client_in.items[0].flow, client.flow_to(server_at).value());
        EXPECT_EQ(client.connection_count(), 1U);
        EXPECT_EQ(server.connection_count(), 1U);
    }
    EXPECT_FALSE(send_error.has_value());
}

INSTANTIATE_TEST_SUITE_P(
    AllTransports, TransportLoopback,
    ::testing::Values(Case{TransportKind::udp, false}, Case{TransportKind::udp, true},
                      Case{TransportKind::tcp, false}, Case{TransportKind::tcp, true},
                      Case{TransportKind::tls, false}, Case{TransportKind::tls, true}),
    [](const auto& info) {
        return std::string(to_string(info.param.kind)) + (info.param.v6 ? "_v6" : "_v4");
    });

TEST(TransportLayer, TcpConnectionIsReusedForTwoRequests) {
    asio::io_context io;
    TransportLayer server(io.get_executor());
    TransportLayer client(io.get_executor());
    const auto server_at = server.listen("tcp:127.0.0.1:0").value();
    Inbox in;
    in.attach(server);
    client.send(make_options(client, server_at, "r1"), server_at, nullptr);
    client.send(make_options(client, server_at, "r2"), server_at, nullptr);
    ASSERT_TRUE(run_until(io, [&] { return in.items.size() == 2; }));
    EXPECT_EQ(in.items[0].flow, in.items[1].flow);
    EXPECT_EQ(in.items[0].source, in.items[1].source);
    EXPECT_EQ(server.connection_count(), 1U);
    EXPECT_EQ(client.connection_count(), 1U);
    // A request back to the peer reuses its inbound connection (RFC 5626 flow).
    Inbox client_in;
    client_in.attach(client);
    server.send(make_options(server, in.items[0].source, "back"), in.items[0].source, nullptr);
    ASSERT_TRUE(run_until(io, [&] { return client_in.items.size() == 1; }));
    EXPECT_EQ(client_in.request(0).call_id(), "call-back");
    EXPECT_EQ(server.connection_count(), 1U);
    EXPECT_EQ(client.connection_count(), 1U);
}

TEST(TransportLayer, TcpMessageInOneByteChunksArrivesWhole) {
    asio::io_context io;
    TransportLayer server(io.get_executor());
    TransportLayer helper(io.get_executor());
    const auto server_at = server.listen("tcp:127.0.0.1:0").value();
    Inbox in;
    in.attach(server);
    const std::string wire = make_options(helper, server_at, "chunks", 40).to_string();
    asio::ip::tcp::socket raw(io);
    raw.connect({server_at.address, server_at.port});
    raw.set_option(asio::ip::tcp::no_delay(true));
    for (std::size_t i = 0; i < wire.size(); ++i) {
        asio::write(raw, asio::buffer(wire.data() + i, 1));
        io.restart();
        io.poll();
        EXPECT_TRUE(in.items.empty() || i + 1 == wire.size()) << i;
    }
    ASSERT_TRUE(run_until(io, [&] { return in.items.size() == 1; }));
    EXPECT_EQ(in.request(0).call_id(), "call-chunks");
    EXPECT_EQ(in.request(0).body(), std::string(40, 'x'));
    run_for(io, 50ms);
    EXPECT_EQ(in.items.size(), 1U);
}

// Reads from a raw socket until @p want bytes or EOF; returns what was read and whether EOF.
struct RawReader {
    std::string data;
    bool eof = false;
    std::array<char, 512> buffer{};
    void start(asio::ip::tcp::socket& socket) {
        socket.async_read_some(asio::buffer(buffer),
                               [this, &socket](std::error_code ec, std::size_t n) {
                                   if (ec) {
                                       eof = true;
                                       return;
                                   }
                                   data.append(buffer.data(), n);
                                   start(socket);
                               });
    }
};

TEST(TransportLayer, CrlfPingGetsPong) {
    asio::io_context io;
    TransportLayer server(io.get_executor());
    const auto server_at = server.listen("tcp:[::1]:0").value();
    asio::ip::tcp::socket raw(io);
    raw.connect({server_at.address, server_at.port});
    RawReader reader;
    reader.start(raw);
    asio::write(raw, asio::buffer(std::string_view("\r\n\r\n")));
    ASSERT_TRUE(run_until(io, [&] { return reader.data.size() >= 2; }));
    EXPECT_EQ(reader.data, "\r\n");  // RFC 5626 §4.4.1: CRLF pong
    EXPECT_FALSE(reader.eof);
}

TEST(TransportLayer, SendKeepaliveGetsPongOrTimesOut) {
    asio::io_context io;
    TransportLayer server(io.get_executor());
    TransportLayer client(io.get_executor());
    const auto server_at = server.listen("tcp:127.0.0.1:0").value();
    std::optional<FlowId> flow;
    client.connect(server_at, "", [&](std::error_code ec, FlowId id) {
        EXPECT_FALSE(ec) << ec.message();
        flow = id;
    });
    ASSERT_TRUE(run_until(io, [&] { return flow.has_value(); }));
    std::optional<std::error_code> result;
    client.send_keepalive(*flow, 2s, [&](std::error_code ec) { result = ec; });
    ASSERT_TRUE(run_until(io, [&] { return result.has_value(); }));
    EXPECT_FALSE(*result) << result->message();

    // A peer that never answers: the keep-alive times out.
    asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
    asio::ip::tcp::socket accepted(io);
    silent.async_accept(accepted, [](std::error_code) {});
    const TransportAddress silent_at{TransportKind::tcp, asio::ip::make_address("127.0.0.1"),
                                     silent.local_endpoint().port()};
    std::optional<FlowId> silent_flow;
    client.connect(silent_at, "", [&](std::error_code, FlowId id) { silent_flow = id; });
    ASSERT_TRUE(run_until(io, [&] { return silent_flow.has_value(); }));
    result.reset();
    client.send_keepalive(*silent_flow, 150ms, [&](std::error_code ec) { result = ec; });
    ASSERT_TRUE(run_until(io, [&] { return result.has_value(); }));
    EXPECT_EQ(*result, make_error_code(TransportError::keepalive_timeout));

    result.reset();
    client.send_keepalive(9999, 150ms, [&](std::error_code ec) { result = ec; });
    ASSERT_TRUE(run_until(io, [&] { return result.has_value(); }));
    EXPECT_EQ(*result, make_error_code(TransportError::unknown_flow));
}

TEST(TransportLayer, LargeUdpRequestGoesOverTcp) {
    asio::io_context io;
    TransportLayer server(io.get_executor());
    TransportLayer client(io.get_executor());
    const auto server_udp = server.listen("udp:127.0.0.1:0").value();
    ASSERT_TRUE(
        server.listen(TransportAddress{TransportKind::tcp, server_udp.address, server_udp.port}));
    ASSERT_TRUE(client.listen("udp:127.0.0.1:0"));
    const auto client_tcp = client.listen("tcp:127.0.0.1:0").value();
    Inbox in;
    in.attach(server);

    // Small: UDP as asked.
    client.send(make_options(client, server_udp, "small", 100), server_udp, nullptr);
    ASSERT_TRUE(run_until(io, [&] { return in.items.size() == 1; }));
    EXPECT_EQ(in.items[0].source.kind, TransportKind::udp);

    // RFC 3261 §18.1.1: 2000 bytes > 1300: TCP, and the Via says so.
    client.send(make_options(client, server_udp, "big", 2000), server_udp, nullptr);
    ASSERT_TRUE(run_until(io, [&] { return in.items.size() == 2; }));
    EXPECT_EQ(in.items[1].source.kind, TransportKind::tcp);
    EXPECT_NE(in.items[1].flow, 0U);
    auto via = in.request(1).top_via().value();
    EXPECT_EQ(via.transport, "TCP");
    EXPECT_EQ(via.port, client_tcp.port);
    EXPECT_EQ(via.branch(), "z9hG4bKbig");
    EXPECT_EQ(in.request(1).body().size(), 2000U);
}

TEST(TransportLayer, LargeUdpRequestFallsBackToUdpWhenTcpIsRefused) {
    asio::io_context io;
    TransportLayer server(io.get_executor());
    TransportLayer client(io.get_executor());
    const auto server_udp = server.listen("udp:127.0.0.1:0").value();  // no TCP listener
    ASSERT_TRUE(client.listen("udp:127.0.0.1:0"));
    ASSERT_TRUE(client.listen("tcp:127.0.0.1:0"));
    Inbox in;
    in.attach(server);
    std::optional<std::error_code> error;
    client.send(make_options(client, server_udp, "fallback", 2000), server_udp,
                [&](std::error_code ec) { error = ec; });
    ASSERT_TRUE(run_until(io, [&] { return in.items.size() == 1; }));
    EXPECT_EQ(in.items[0].source.kind, TransportKind::udp);
    EXPECT_EQ(in.request(0).body().size(), 2000U);
    EXPECT_FALSE(error.has_value());
}

TEST(TransportLayer, ThresholdIsConfigurable) {
    asio::io_context io;
    TransportConfig config;
    config.udp_size_threshold = 60000;
    TransportLayer server(io.get_executor());
    TransportLayer client(io.get_executor(), config);
    const auto server_udp = server.listen("udp:127.0.0.1:0").value();
    ASSERT_TRUE(
        server.listen(TransportAddress{TransportKind::tcp, server_udp.address, server_udp.port}));
    ASSERT_TRUE(client.listen("udp:127.0.0.1:0"));
    ASSERT_TRUE(client.listen("tcp:127.0.0.1:0"));
    Inbox in;
    in.attach(server);
    client.send(make_options(client, server_udp, "big", 2000), server_udp, nullptr);
    ASSERT_TRUE(run_until(io, [&] { return in.items.size() == 1; }));
    EXPECT_EQ(in.items[0].source.kind, TransportKind::udp);
}

TEST(TransportLayer, GarbageOnTcpClosesTheConnectionOnly) {
    asio::io_context io;
    TransportLayer server(io.get_executor());
    const auto server_at = server.listen("tcp:127.0.0.1:0").value();
    Inbox in;
    in.attach(server);
    std::vector<std::error_code> closed;
    server.on_flow_closed(
        [&](FlowId, const TransportAddress&, std::error_code ec) { closed.push_back(ec); });
    asio::ip::tcp::socket raw(io);
    raw.connect({server_at.address, server_at.port});
    RawReader reader;
    reader.start(raw);
    asio::write(raw, asio::buffer(std::string_view("\x01\x02garbage\xff\r\n\r\n")));
    ASSERT_TRUE(run_until(io, [&] { return reader.eof; }));
    ASSERT_TRUE(run_until(io, [&] { return !closed.empty(); }));
    EXPECT_EQ(closed[0], make_error_code(TransportError::bad_stream));
    EXPECT_EQ(server.connection_count(), 0U);
    EXPECT_TRUE(in.items.empty());

    // Still serving.
    TransportLayer client(io.get_executor());
    client.send(make_options(client, server_at, "after"), server_at, nullptr);
    ASSERT_TRUE(run_until(io, [&] { return in.items.size() == 1; }));
}

TEST(TransportLayer, OversizeStreamMessageClosesTheConnection) {
    asio::io_context io;
    TransportConfig config;
    config.limits.max_message_bytes = 2000;
    TransportLayer server(io.get_executor(), config);
    const auto server_at = server.listen("tcp:127.0.0.1:0").value();
    asio::ip::tcp::socket raw(io);
    raw.connect({server_at.address, server_at.port});
    RawReader reader;
    reader.start(raw);
    // Headers that never end: bounded by the limit, then the connection goes.
    std::string endless = "OPTIONS sip:a@127.0.0.1 SIP/2.0\r\n";
    for (int i = 0; i < 200 && !reader.eof; ++i) {
        std::string line = "X-Filler-" + std::to_string(i) + ": " + std::string(60, 'y') + "\r\n";
        std::error_code ec;
        asio::write(raw, asio::buffer(i == 0 ? endless + line : line), ec);
        if (ec) break;
        io.restart();
        io.poll();
    }
    ASSERT_TRUE(run_until(io, [&] { return reader.eof; }));
    EXPECT_EQ(server.connection_count(), 0U);
}

TEST(TransportLayer, SlowPartialMessageAndIdleConnectionsTimeOut) {
    asio::io_context io;
    TransportConfig config;
    config.message_timeout = 200ms;
    config.idle_timeout = 400ms;
    TransportLayer server(io.get_executor(), config);
    const auto server_at = server.listen("tcp:127.0.0.1:0").value();
    std::vector<std::error_code> closed;
    server.on_flow_closed(
        [&](FlowId, const TransportAddress&, std::error_code ec) { closed.push_back(ec); });

    asio::ip::tcp::socket partial(io);
    partial.connect({server_at.address, server_at.port});
    asio::write(partial, asio::buffer(std::string_view("OPTIONS sip:a@127.0.0.1 SIP/2.0\r\n")));
    RawReader partial_reader;
    partial_reader.start(partial);
    ASSERT_TRUE(run_until(
        io, [&] { return partial_reader.eof; }, 3s));
    ASSERT_TRUE(run_until(io, [&] { return closed.size() == 1; }));
    EXPECT_EQ(closed[0], make_error_code(TransportError::message_timeout));

    asio::ip::tcp::socket idle(io);
    idle.connect({server_at.address, server_at.port});
    RawReader idle_reader;
    idle_reader.start(idle);
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(run_until(
        io, [&] { return idle_reader.eof; }, 3s));
    EXPECT_GE(std::chrono::steady_clock::now() - start, 350ms);
    ASSERT_TRUE(run_until(io, [&] { return closed.size() == 2; }));
    EXPECT_EQ(closed[1], make_error_code(TransportError::idle_timeout));
}

TEST(TransportLayer, ConnectionLimitClosesOldestIdle) {
    asio::io_context io;
    TransportConfig config;
    config.max_connections = 2;
    TransportLayer server(io.get_executor(), config);
    const auto server_at = server.listen("tcp:127.0.0.1:0").value();
    std::vector<std::unique_ptr<asio::ip::tcp::socket>> raws;
    std::vector<std::unique_ptr<RawReader>> readers;
    for (int i = 0; i < 3; ++i) {
        raws.push_back(std::make_unique<asio::ip::tcp::socket>(io));
        raws.back()->connect({server_at.address, server_at.port});
        readers.push_back(std::make_unique<RawReader>());
        readers.back()->start(*raws.back());
        ASSERT_TRUE(run_until(
            io, [&] { return server.connection_count() >= std::min<std::size_t>(i + 1, 2); }));
        run_for(io, 20ms);  // distinct last-activity times
    }
    ASSERT_TRUE(run_until(io, [&] { return readers[0]->eof; }));
    EXPECT_FALSE(readers[1]->eof);
    EXPECT_FALSE(readers[2]->eof);
    EXPECT_EQ(server.connection_count(), 2U);

    // Outbound side: the limit applies too (here: both slots busy connecting is not idle).
    TransportConfig one;
    one.max_connections = 1;
    one.connect_timeout = 2s;
    TransportLayer client(io.get_executor(), one);
    asio::ip::tcp::acceptor other(io, {asio::ip::make_address("127.0.0.1"), 0});
    const TransportAddress other_at{TransportKind::tcp, asio::ip::make_address("127.0.0.1"),
                                    other.local_endpoint().port()};
    std::optional<std::error_code> first;
    std::optional<std::error_code> second;
    client.send(make_options(client, server_at, "l1", 60000), server_at,
                [&](std::error_code ec) { first = ec; });
    client.connect(other_at, "", [&](std::error_code ec, FlowId) { second = ec; });
    ASSERT_TRUE(run_until(io, [&] { return second.has_value(); }));
    EXPECT_EQ(*second, make_error_code(TransportError::connection_limit));
}

TEST(TransportLayer, BadUdpRequestIsHandedUpAndBadResponseDropped) {
    asio::io_context io;
    TransportLayer server(io.get_executor());
    const auto server_at = server.listen("udp:127.0.0.1:0").value();
    Inbox in;
    in.attach(server);
    std::vector<BadMessage> bad;
    server.on_bad_message([&](const BadMessage& m) { bad.push_back(m); });
    asio::ip::udp::socket raw(io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const asio::ip::udp::endpoint to(server_at.address, server_at.port);
    // Max-Forwards is not a number: a 400 can still be built from Via/From/To/Call-ID/CSeq.
    const std::string bad_request =
        "OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKq\r\n"
        "From: <sip:x@y>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: bad1\r\nCSeq: 1 OPTIONS\r\n"
        "Max-Forwards: many\r\nContent-Length: 0\r\n\r\n";
    raw.send_to(asio::buffer(bad_request), to);
    ASSERT_TRUE(run_until(io, [&] { return bad.size() == 1; }));
    EXPECT_EQ(bad[0].error, make_error_code(ParseError::bad_max_forwards));
    EXPECT_EQ(bad[0].bytes, bad_request);
    EXPECT_EQ(bad[0].source.port, raw.local_endpoint().port());
    EXPECT_EQ(bad[0].flow, 0U);

    raw.send_to(asio::buffer(std::string_view("SIP/2.0 200 OK\r\nVia: junk\r\n\r\n")), to);
    raw.send_to(asio::buffer(std::string_view("\x16\x03\x01 not sip at all")), to);
    raw.send_to(asio::buffer(std::string_view("\r\n\r\n")), to);  // keep-alive: ignored
    run_for(io, 100ms);
    EXPECT_EQ(bad.size(), 1U);
    EXPECT_TRUE(in.items.empty());
    // Still serving.
    TransportLayer client(io.get_executor());
    ASSERT_TRUE(client.listen("udp:127.0.0.1:0"));
    client.send(make_options(client, server_at, "ok"), server_at, nullptr);
    ASSERT_TRUE(run_until(io, [&] { return in.items.size() == 1; }));
}

TEST(TransportLayer, ResponseOverClosedConnectionOpensOneToViaSentBy) {
    asio::io_context io;
    TransportLayer server(io.get_executor());
    TransportLayer client(io.get_executor());
    const auto server_at = server.listen("tcp:127.0.0.1:0").value();
    const auto client_at = client.listen("tcp:127.0.0.1:0").value();
    Inbox server_in;
    Inbox client_in;
    server_in.attach(server);
    client_in.attach(client);
    client.send(make_options(client, server_at, "reopen"), server_at, nullptr);
    ASSERT_TRUE(run_until(io, [&] { return server_in.items.size() == 1; }));
    const auto source = server_in.items[0].source;
    server.close_flow(server_in.items[0].flow);
    ASSERT_TRUE(run_until(io, [&] { return client.connection_count() == 0; }));
    // §18.2.2: the connection is gone: a new one to the Via sent-by (the client's listener).
    server.send(Response::make_for(server_in.request(0), 200), source, nullptr);
    ASSERT_TRUE(run_until(io, [&] { return client_in.items.size() == 1; }));
    EXPECT_EQ(client_in.response(0).status_code(), 200);
    EXPECT_EQ(client_in.items[0].local.port, client_at.port);
}

TEST(TransportLayer, SentByUsesTheListenerOrTheRouteSource) {
    asio::io_context io;
    TransportLayer layer(io.get_executor());
    const auto udp = layer.listen("udp:0.0.0.0:0").value();
    const auto tcp = layer.listen("tcp:[::1]:0").value();
    const TransportAddress to_v4{TransportKind::udp, asio::ip::make_address("127.0.0.1"), 5060};
    EXPECT_EQ(layer.sent_by(to_v4), "127.0.0.1:" + std::to_string(udp.port));
    const TransportAddress to_v6{TransportKind::tcp, asio::ip::make_address("::1"), 5060};
    EXPECT_EQ(layer.sent_by(to_v6), "[::1]:" + std::to_string(tcp.port));
    EXPECT_EQ(layer.listen("sctp:1.2.3.4:5").error(),
              make_error_code(TransportError::bad_local_address));
    // Binding the same UDP port twice fails with the socket's error.
    EXPECT_FALSE(layer.listen(udp));
}

TEST(TransportLayer, UdpWithoutSocketOfTheFamilyFails) {
    asio::io_context io;
    TransportLayer layer(io.get_executor());
    ASSERT_TRUE(layer.listen("udp:127.0.0.1:0"));
    std::optional<std::error_code> error;
    const TransportAddress to{TransportKind::udp, asio::ip::make_address("::1"), 5060};
    layer.send(make_options(layer, to, "nofamily"), to, [&](std::error_code ec) { error = ec; });
    EXPECT_FALSE(error.has_value());  // never from inside send()
    ASSERT_TRUE(run_until(io, [&] { return error.has_value(); }));
    EXPECT_EQ(*error, make_error_code(TransportError::no_transport));
}

TEST(TransportLayer, ConnectionRefusedIsReported) {
    asio::io_context io;
    TransportLayer layer(io.get_executor());
    // A port that was just free: nothing listens there.
    std::uint16_t port = 0;
    {
        asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
        port = probe.local_endpoint().port();
    }
    const TransportAddress to{TransportKind::tcp, asio::ip::make_address("127.0.0.1"), port};
    std::optional<std::error_code> error;
    layer.send(make_options(layer, to, "refused"), to, [&](std::error_code ec) { error = ec; });
    ASSERT_TRUE(run_until(io, [&] { return error.has_value(); }));
    EXPECT_EQ(*error, asio::error::connection_refused);
    EXPECT_EQ(layer.connection_count(), 0U);
}

TEST(TransportLayer, DestroyedWithPendingWorkCallsNothing) {
    asio::io_context io;
    bool called = false;
    {
        TransportLayer server(io.get_executor());
        const auto at = server.listen("tcp:127.0.0.1:0").value();
        server.on_message([&](ReceivedMessage&) { called = true; });
        TransportLayer client(io.get_executor());
        client.send(make_options(client, at, "gone"), at, [&](std::error_code) { called = true; });
    }
    run_for(io, 50ms);
    EXPECT_FALSE(called);
}

}  // namespace
}  // namespace voip::sip
