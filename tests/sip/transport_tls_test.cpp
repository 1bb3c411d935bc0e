// SIP over TLS: the client verifies the server certificate (chain and host name) by default,
// SNI, the explicit verify_peer=false opt-out, and clear errors when verification fails.

#include <voip/sip/transport_error.hpp>
#include <voip/sip/transport_layer.hpp>

#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/write.hpp>
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <memory>
#include <optional>
#include <vector>

#include "sip/transport_test_util.hpp"

namespace voip::sip {
namespace {

using test::run_until;
using Inbox = std::vector<AnyMessage>;
using test::tls_file;
using namespace std::chrono_literals;

struct TlsFixture : ::testing::Test {
    asio::io_context io;
    TransportConfig server_config = [] {
        TransportConfig c;
        c.tls = test::tls_server_config();
        return c;
    }();
    TransportLayer server{io.get_executor(), server_config};
    TransportAddress server_v4 = server.listen("tls:127.0.0.1:0").value();

    // Connect a client with @p tls to @p to, expecting @p server_name; returns the outcome.
    std::error_code connect(const TlsConfig& tls, const std::string& server_name,
                            const std::optional<TransportAddress>& to = std::nullopt) {
        TransportConfig config;
        config.tls = tls;
        TransportLayer client(io.get_executor(), config);
        std::optional<std::error_code> result;
        client.connect(to.value_or(server_v4), server_name,
                       [&](std::error_code ec, FlowId) { result = ec; });
        EXPECT_TRUE(run_until(io, [&] { return result.has_value(); }));
        return result.value_or(make_error_code(std::errc::timed_out));
    }
};

TlsConfig trusting(const char* ca) {
    TlsConfig tls;
    tls.ca_file = tls_file(ca);
    return tls;
}

TEST_F(TlsFixture, VerifiesAgainstTheTestCaAndHostName) {
    EXPECT_FALSE(connect(trusting("ca.pem"), "localhost"));
    // No name: the certificate must name the IP address (SAN IP:127.0.0.1).
    EXPECT_FALSE(connect(trusting("ca.pem"), ""));
    EXPECT_FALSE(connect(trusting("ca.pem"), "127.0.0.1"));
}

TEST_F(TlsFixture, VerifiesOverIpv6) {
    const auto v6 = server.listen("tls:[::1]:0").value();
    EXPECT_FALSE(connect(trusting("ca.pem"), "localhost", v6));
    EXPECT_FALSE(connect(trusting("ca.pem"), "", v6));  // SAN IP:::1
}

TEST_F(TlsFixture, ResolveRecordsTheUriHostForVerification) {
    TransportConfig config;
    config.tls = trusting("ca.pem");
    TransportLayer client(io.get_executor(), config);
    Inbox in;
    server.on_message([&](ReceivedMessage& m) { in.push_back(std::move(m.message)); });
    // sips:localhost resolves to a loopback address; the certificate is checked for
    // "localhost". The server listens on 127.0.0.1 only, so resolve the numeric form too.
    auto by_name =
        client.resolve(Uri::parse("sips:bob@localhost:" + std::to_string(server_v4.port)).value());
    ASSERT_TRUE(by_name) << by_name.error().message();
    EXPECT_EQ(by_name->kind, TransportKind::tls);
    const TransportAddress to{TransportKind::tls, server_v4.address, server_v4.port};
    if (by_name->address != server_v4.address) client.set_server_name(to, "localhost");
    client.send(test::make_options(client, to, "resolved"), to, nullptr);
    ASSERT_TRUE(run_until(io, [&] { return in.size() == 1; }));

    // A server name the certificate does not carry makes the on-demand connection fail.
    TransportLayer other(io.get_executor(), config);
    other.set_server_name(to, "pbx.example.com");
    std::optional<std::error_code> error;
    other.send(test::make_options(other, to, "wrongname"), to,
               [&](std::error_code ec) { error = ec; });
    ASSERT_TRUE(run_until(io, [&] { return error.has_value(); }));
    EXPECT_EQ(*error, make_error_code(TransportError::tls_hostname_mismatch));
}

TEST_F(TlsFixture, WrongHostNameFails) {
    EXPECT_EQ(connect(trusting("ca.pem"), "pbx.example.com"),
              make_error_code(TransportError::tls_hostname_mismatch));
    // An IP the certificate does not name.
    EXPECT_EQ(connect(trusting("ca.pem"), "127.0.0.2"),
              make_error_code(TransportError::tls_hostname_mismatch));
}

TEST_F(TlsFixture, UntrustedCaFails) {
    const auto ec = connect(trusting("other_ca.pem"), "localhost");
    EXPECT_EQ(ec, make_error_code(TransportError::tls_certificate_untrusted));
    EXPECT_NE(ec.message().find("not trusted"), std::string::npos);
    // The default: the system trust store, which does not hold our test CA.
    EXPECT_EQ(connect(TlsConfig{}, "localhost"),
              make_error_code(TransportError::tls_certificate_untrusted));
}

TEST_F(TlsFixture, OptOutAcceptsAnyCertificate) {
    TlsConfig no_verify;
    no_verify.verify_peer = false;
    EXPECT_FALSE(connect(no_verify, "pbx.example.com"));
    no_verify.ca_file = tls_file("other_ca.pem");
    EXPECT_FALSE(connect(no_verify, "localhost"));
}

TEST_F(TlsFixture, FailedHandshakeFailsQueuedSends) {
    TransportConfig config;
    config.tls = trusting("other_ca.pem");
    TransportLayer client(io.get_executor(), config);
    std::optional<std::error_code> error;
    Request request = test::make_options(client, server_v4, "tlsfail");
    client.send(request, server_v4, [&](std::error_code ec) { error = ec; });
    ASSERT_TRUE(run_until(io, [&] { return error.has_value(); }));
    EXPECT_EQ(*error, make_error_code(TransportError::tls_certificate_untrusted));
    EXPECT_EQ(client.connection_count(), 0U);
}

TEST_F(TlsFixture, PlainTcpToTlsListenerIsClosed) {
    std::vector<std::error_code> closed;
    server.on_flow_closed(
        [&](FlowId, const TransportAddress&, std::error_code ec) { closed.push_back(ec); });
    asio::ip::tcp::socket raw(io);
    raw.connect({server_v4.address, server_v4.port});
    asio::write(raw, asio::buffer(std::string_view("OPTIONS sip:a@b SIP/2.0\r\n\r\n")));
    ASSERT_TRUE(run_until(io, [&] { return !closed.empty(); }));
    EXPECT_EQ(closed[0], make_error_code(TransportError::tls_handshake_failed));
    EXPECT_EQ(server.connection_count(), 0U);
    // Still serving TLS.
    EXPECT_FALSE(connect(trusting("ca.pem"), "localhost"));
}

// A bare asio::ssl server that records the SNI each client hello carried.
struct SniRecorder {
    asio::io_context& io;
    asio::ssl::context ctx{asio::ssl::context::tls_server};
    asio::ip::tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
    std::vector<std::shared_ptr<asio::ssl::stream<asio::ip::tcp::socket>>> streams;
    std::vector<std::string> seen;

    explicit SniRecorder(asio::io_context& context) : io(context) {
        ctx.use_certificate_chain_file(tls_file("server.pem"));
        ctx.use_private_key_file(tls_file("server.key"), asio::ssl::context::pem);
        SSL_CTX_set_tlsext_servername_arg(ctx.native_handle(), &seen);
        SSL_CTX_set_tlsext_servername_callback(
            ctx.native_handle(), +[](SSL* ssl, int*, void* arg) -> int {
                const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
                static_cast<std::vector<std::string>*>(arg)->emplace_back(name ? name : "");
                return SSL_TLSEXT_ERR_OK;
            });
    }
    void serve_one() {
        auto stream = std::make_shared<asio::ssl::stream<asio::ip::tcp::socket>>(io, ctx);
        streams.push_back(stream);
        acceptor.async_accept(stream->next_layer(), [stream](std::error_code ec) {
            if (!ec) stream->async_handshake(asio::ssl::stream_base::server, [](auto) {});
        });
    }
    [[nodiscard]] TransportAddress address() const {
        return {TransportKind::tls, asio::ip::make_address("127.0.0.1"),
                acceptor.local_endpoint().port()};
    }
};

TEST(TlsSni, SentForHostNamesNotForIpLiterals) {
    asio::io_context io;
    SniRecorder server(io);
    TransportConfig config;
    config.tls = trusting("ca.pem");
    TransportLayer client(io.get_executor(), config);
    std::optional<std::error_code> result;
    server.serve_one();
    client.connect(server.address(), "localhost", [&](std::error_code ec, FlowId) { result = ec; });
    ASSERT_TRUE(run_until(io, [&] { return result.has_value(); }));
    EXPECT_FALSE(*result) << result->message();
    ASSERT_EQ(server.seen.size(), 1U);
    EXPECT_EQ(server.seen[0], "localhost");

    // RFC 6066 §3: no IP literals in SNI; the certificate is still checked for the IP.
    TransportLayer by_ip(io.get_executor(), config);
    result.reset();
    server.serve_one();
    by_ip.connect(server.address(), "", [&](std::error_code ec, FlowId) { result = ec; });
    ASSERT_TRUE(run_until(io, [&] { return result.has_value(); }));
    EXPECT_FALSE(*result) << result->message();
    ASSERT_EQ(server.seen.size(), 2U);
    EXPECT_EQ(server.seen[1], "");
}

TEST(TlsConfigErrors, ListenerNeedsCertificateAndBadCaFileThrows) {
    asio::io_context io;
    TransportLayer layer(io.get_executor());
    EXPECT_EQ(layer.listen("tls:127.0.0.1:0").error(),
              make_error_code(TransportError::tls_not_configured));
    TransportConfig bad;
    bad.tls.ca_file = tls_file("does-not-exist.pem");
    EXPECT_THROW(TransportLayer(io.get_executor(), bad), std::system_error);
    TransportConfig bad_key;
    bad_key.tls.certificate_file = tls_file("server.pem");
    bad_key.tls.private_key_file = tls_file("ca.pem");  // not a key
    TransportLayer server(io.get_executor(), bad_key);
    EXPECT_FALSE(server.listen("tls:127.0.0.1:0"));
}

}  // namespace
}  // namespace voip::sip
