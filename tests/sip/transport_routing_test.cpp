// RFC 3261 §18 routing helpers: sent-by and Via text, §18.2.1 received/rport stamping,
// §18.2.2 / RFC 3581 response targets, URI → transport address.

#include <voip/sip/transport_error.hpp>
#include <voip/sip/transport_routing.hpp>

#include <gtest/gtest.h>

namespace voip::sip {
namespace {

Request request_with_via(std::string_view via) {
    auto text = std::string("OPTIONS sip:bob@example.com SIP/2.0\r\nVia: ") + std::string(via) +
                "\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\n"
                "Call-ID: c1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    return Request::parse(text).value();
}

Response response_with_via(std::string_view via) {
    return Response::make_for(request_with_via(via), 200);
}

TransportAddress addr(std::string_view text) {
    return TransportAddress::parse(text).value();
}

TEST(TransportRouting, SentByAndVia) {
    EXPECT_EQ(format_sent_by(asio::ip::make_address("192.0.2.4"), 5060), "192.0.2.4:5060");
    EXPECT_EQ(format_sent_by(asio::ip::make_address("2001:db8::9"), 5061), "[2001:db8::9]:5061");
    EXPECT_EQ(format_sent_by(asio::ip::make_address("192.0.2.4"), std::nullopt), "192.0.2.4");
    EXPECT_EQ(make_via(TransportKind::tls, "[::1]:5061", "z9hG4bKx"),
              "SIP/2.0/TLS [::1]:5061;branch=z9hG4bKx;rport");
    EXPECT_EQ(make_via(TransportKind::udp, "h:1", "z9hG4bKy", false),
              "SIP/2.0/UDP h:1;branch=z9hG4bKy");
    EXPECT_EQ(default_port(TransportKind::tls), 5061);
    EXPECT_EQ(default_port(TransportKind::tcp), 5060);
}

TEST(TransportRouting, ParseIpHost) {
    EXPECT_EQ(parse_ip_host("[::1]"), asio::ip::make_address("::1"));
    EXPECT_EQ(parse_ip_host("10.0.0.1"), asio::ip::make_address("10.0.0.1"));
    EXPECT_FALSE(parse_ip_host("pbx.example.com"));
    EXPECT_FALSE(parse_ip_host(""));
}

TEST(TransportRouting, StampReceivedLeavesMatchingViaAlone) {
    auto request = request_with_via("SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK1");
    ASSERT_TRUE(stamp_received(request, addr("udp:192.0.2.4:5060")));
    EXPECT_EQ(request.header(HeaderId::via).value(), "SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK1");
}

TEST(TransportRouting, StampReceivedForHostNameOrOtherAddress) {
    // RFC 3261 §18.2.1 example: sent-by is a name, the packet came from 192.0.2.4.
    auto request = request_with_via("SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bK1");
    ASSERT_TRUE(stamp_received(request, addr("udp:192.0.2.4:5060")));
    auto via = request.top_via().value();
    EXPECT_EQ(via.host, "bobspc.biloxi.com");
    EXPECT_EQ(via.received(), "192.0.2.4");
    EXPECT_EQ(via.branch(), "z9hG4bK1");
    EXPECT_FALSE(via.has_rport());
}

TEST(TransportRouting, StampRportFillsSourcePortAndReceived) {
    // RFC 3581 §4: rport gets the source port, received is added even when equal.
    auto request = request_with_via("SIP/2.0/UDP 10.1.1.1:4540;rport;branch=z9hG4bK1");
    ASSERT_TRUE(stamp_received(request, addr("udp:10.1.1.1:9988")));
    auto via = request.top_via().value();
    EXPECT_EQ(via.rport(), 9988);
    EXPECT_EQ(via.received(), "10.1.1.1");
    EXPECT_EQ(via.port, 4540);
    EXPECT_EQ(request.count(HeaderId::via), 1U);
}

TEST(TransportRouting, StampKeepsLowerVias) {
    auto request = request_with_via(
        "SIP/2.0/UDP a.example.com;rport;branch=z9hG4bK1, SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK0");
    ASSERT_TRUE(stamp_received(request, addr("udp:[2001:db8::1]:7000")));
    auto vias = request.vias().value();
    ASSERT_EQ(vias.size(), 2U);
    EXPECT_EQ(vias[0].rport(), 7000);
    EXPECT_EQ(parse_ip_host(vias[0].received().value()), asio::ip::make_address("2001:db8::1"));
    EXPECT_EQ(vias[1].host, "10.0.0.9");
}

TEST(TransportRouting, ViaResponseTarget) {
    auto r = response_with_via("SIP/2.0/UDP 10.1.1.1:4540;received=192.0.2.1;rport=9988;branch=b");
    auto target = via_response_target(r.top_via().value());
    ASSERT_TRUE(target);
    EXPECT_EQ(*target, addr("udp:192.0.2.1:9988"));
    // Without rport use (reliable transports): the sent-by port.
    EXPECT_EQ(via_response_target(r.top_via().value(), false).value(), addr("udp:192.0.2.1:4540"));

    r = response_with_via("SIP/2.0/UDP 10.1.1.1;received=192.0.2.1;branch=b");
    EXPECT_EQ(via_response_target(r.top_via().value()).value(), addr("udp:192.0.2.1:5060"));
    r = response_with_via("SIP/2.0/TLS [2001:db8::5];branch=b");
    EXPECT_EQ(via_response_target(r.top_via().value()).value(), addr("tls:[2001:db8::5]:5061"));
    r = response_with_via("SIP/2.0/UDP pc.example.com:5070;branch=b");
    EXPECT_EQ(via_response_target(r.top_via().value()).error(),
              make_error_code(TransportError::no_response_route));
    r = response_with_via("SIP/2.0/SCTP 10.0.0.1;branch=b");
    EXPECT_EQ(via_response_target(r.top_via().value()).error(),
              make_error_code(TransportError::unsupported_transport));
}

TEST(TransportRouting, ResponseDestination) {
    auto r = response_with_via("SIP/2.0/TCP 10.1.1.1:5060;received=192.0.2.1;branch=b");
    // RFC 3261 §18.2.2: reliable → back where the request came from (its connection).
    EXPECT_EQ(response_destination(r, addr("tcp:192.0.2.1:40000")).value(),
              addr("tcp:192.0.2.1:40000"));
    r = response_with_via("SIP/2.0/UDP 10.1.1.1:5062;received=192.0.2.1;branch=b");
    EXPECT_EQ(response_destination(r, addr("udp:192.0.2.1:40000")).value(),
              addr("udp:192.0.2.1:5062"));
}

TEST(TransportRouting, RewriteTopVia) {
    auto request = request_with_via("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK7;rport");
    ASSERT_TRUE(rewrite_top_via(request, TransportKind::tcp, "10.0.0.1:5062"));
    auto via = request.top_via().value();
    EXPECT_EQ(via.transport, "TCP");
    EXPECT_EQ(via.port, 5062);
    EXPECT_EQ(via.branch(), "z9hG4bK7");
    EXPECT_TRUE(via.has_rport());
}

TEST(TransportRouting, UriTargets) {
    auto target = [](std::string_view text) { return uri_target(Uri::parse(text).value()); };
    auto t = target("sip:alice@192.0.2.1").value();
    EXPECT_EQ(t.kind, TransportKind::udp);
    EXPECT_EQ(t.port, 5060);
    t = target("sips:alice@example.com").value();
    EXPECT_EQ(t.kind, TransportKind::tls);
    EXPECT_EQ(t.port, 5061);
    EXPECT_EQ(t.host, "example.com");
    t = target("sip:alice@[::1]:5070;transport=TCP").value();
    EXPECT_EQ(t.kind, TransportKind::tcp);
    EXPECT_EQ(t.host, "::1");
    EXPECT_EQ(t.port, 5070);
    t = target("sip:alice@example.com;transport=tls").value();
    EXPECT_EQ(t.kind, TransportKind::tls);
    EXPECT_EQ(t.port, 5061);
    t = target("sips:alice@example.com;transport=tcp").value();
    EXPECT_EQ(t.kind, TransportKind::tls);
    t = target("sip:alice@example.com;maddr=10.0.0.7").value();
    EXPECT_EQ(t.host, "10.0.0.7");
    EXPECT_EQ(target("sip:a@example.com;transport=sctp").error(),
              make_error_code(TransportError::unsupported_transport));
    EXPECT_EQ(target("sips:a@example.com;transport=udp").error(),
              make_error_code(TransportError::unsupported_transport));
    EXPECT_EQ(target("tel:+15551234").error(),
              make_error_code(TransportError::unsupported_transport));
}

TEST(TransportRouting, ResolveTarget) {
    EXPECT_EQ(resolve_target(Uri::parse("sip:a@127.0.0.1:5099;transport=tcp").value()).value(),
              addr("tcp:127.0.0.1:5099"));
    EXPECT_EQ(resolve_target(Uri::parse("sips:a@[::1]").value()).value(), addr("tls:[::1]:5061"));
    // "localhost" resolves through the system resolver (/etc/hosts), no network needed.
    auto local = resolve_target(Uri::parse("sip:a@localhost:5070").value());
    ASSERT_TRUE(local) << local.error().message();
    EXPECT_TRUE(local->address.is_loopback());
    EXPECT_EQ(local->port, 5070);
    EXPECT_EQ(resolve_target(Uri::parse("sip:a@no-such-host.invalid").value()).error(),
              make_error_code(TransportError::host_not_found));
}

TEST(TransportRouting, ErrorCategory) {
    const std::error_code ec = TransportError::tls_hostname_mismatch;
    EXPECT_STREQ(ec.category().name(), "voip.sip.transport");
    EXPECT_NE(ec.message().find("host name"), std::string::npos);
    for (int v = 1; v <= static_cast<int>(TransportError::shut_down); ++v)
        EXPECT_NE(transport_category().message(v), "unknown transport error") << v;
}

}  // namespace
}  // namespace voip::sip
