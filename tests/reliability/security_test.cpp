// Security checks of issue 11: TLS verification on by default (chain and host name), TLS older
// than 1.2 refused both ways, SIPS only over TLS, and no password or SRTP key in the log at the
// highest verbosity during a digest registration and an SDES offer/answer carried over SIP.

#include <voip/log.hpp>
#include <voip/sdp/offer_answer.hpp>
#include <voip/sip/transport_error.hpp>
#include <voip/sip/transport_routing.hpp>
#include <voip/sip/user_agent.hpp>
#include <voip/srtp/key_material.hpp>
#include <voip/srtp/transform.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <optional>
#include <string>
#include <vector>

#include "reliability/raw_udp_peer.hpp"
#include "sip/registrar_double.hpp"
#include "sip/transport_test_util.hpp"

namespace voip::reliability {
namespace {

using namespace std::chrono_literals;
using sip::test::run_until;
using sip::test::tls_file;

// ---- TLS ----

// An OpenSSL context that speaks exactly TLS 1.1 (security level 0, or OpenSSL 3 would refuse
// to use 1.1 at all): the "weak peer".
void make_tls11_only(asio::ssl::context& ctx) {
    SSL_CTX* native = ctx.native_handle();
    SSL_CTX_set_security_level(native, 0);
    ASSERT_EQ(SSL_CTX_set_min_proto_version(native, TLS1_1_VERSION), 1);
    ASSERT_EQ(SSL_CTX_set_max_proto_version(native, TLS1_1_VERSION), 1);
    ASSERT_EQ(SSL_CTX_set_cipher_list(native, "ALL:@SECLEVEL=0"), 1);
}

// A TLS server on 127.0.0.1 that accepts one connection at a time and records how each
// handshake ended.
class WeakTlsServer {
public:
    explicit WeakTlsServer(asio::io_context& io)
        : io_(io),
          ctx_(asio::ssl::context::tls_server),
          acceptor_(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
        make_tls11_only(ctx_);
        ctx_.use_certificate_chain_file(tls_file("server.pem"));
        ctx_.use_private_key_file(tls_file("server.key"), asio::ssl::context::pem);
        accept();
    }
    [[nodiscard]] sip::TransportAddress address() const {
        return {sip::TransportKind::tls, acceptor_.local_endpoint().address(),
                acceptor_.local_endpoint().port()};
    }
    std::vector<std::error_code> handshakes;

private:
    void accept() {
        acceptor_.async_accept([this](std::error_code ec, asio::ip::tcp::socket socket) {
            if (ec) return;
            auto stream =
                std::make_shared<asio::ssl::stream<asio::ip::tcp::socket>>(std::move(socket), ctx_);
            stream->async_handshake(
                asio::ssl::stream_base::server,
                [this, stream](std::error_code hs) { handshakes.push_back(hs); });
            accept();
        });
    }
    asio::io_context& io_;
    asio::ssl::context ctx_;
    asio::ip::tcp::acceptor acceptor_;
};

// A raw TLS client handshake with @p ctx to @p to; returns its result.
std::optional<std::error_code> raw_handshake(asio::io_context& io, asio::ssl::context& ctx,
                                             const sip::TransportAddress& to) {
    asio::ssl::stream<asio::ip::tcp::socket> stream(io, ctx);
    stream.next_layer().connect(asio::ip::tcp::endpoint(to.address, to.port));
    std::optional<std::error_code> result;
    stream.async_handshake(asio::ssl::stream_base::client,
                           [&](std::error_code ec) { result = ec; });
    run_until(
        io, [&] { return result.has_value(); }, 10s);
    return result;
}

TEST(TlsSecurity, VerificationIsOnByDefault) {
    const sip::TlsConfig defaults;
    EXPECT_TRUE(defaults.verify_peer);
    EXPECT_TRUE(defaults.ca_file.empty());  // the system store, never "trust anything"
    // With the defaults, the test server (signed by a private test CA) is not trusted.
    asio::io_context io;
    sip::TransportConfig server_config;
    server_config.tls = sip::test::tls_server_config();
    sip::TransportLayer server{io.get_executor(), server_config};
    const auto listening = server.listen("tls:127.0.0.1:0").value();
    sip::TransportLayer client{io.get_executor(), sip::TransportConfig{}};
    std::optional<std::error_code> result;
    client.connect(listening, "localhost", [&](std::error_code ec, sip::FlowId) { result = ec; });
    ASSERT_TRUE(run_until(
        io, [&] { return result.has_value(); }, 10s));
    EXPECT_EQ(*result, sip::TransportError::tls_certificate_untrusted);
    // Trusting the CA is not enough when the name does not match (RFC 5922 §7).
    sip::TransportConfig trusting;
    trusting.tls.ca_file = tls_file("ca.pem");
    sip::TransportLayer client2{io.get_executor(), trusting};
    result.reset();
    client2.connect(listening, "sip.example.com",
                    [&](std::error_code ec, sip::FlowId) { result = ec; });
    ASSERT_TRUE(run_until(
        io, [&] { return result.has_value(); }, 10s));
    EXPECT_EQ(*result, sip::TransportError::tls_hostname_mismatch);
}

TEST(TlsSecurity, ServerOfferingOnlyTls11IsRefused) {
    asio::io_context io;
    WeakTlsServer weak(io);
    // Control: a client that allows TLS 1.1 does complete a handshake with this server, so a
    // refusal below is our minimum version at work, not a broken server.
    asio::ssl::context old_client(asio::ssl::context::tls_client);
    make_tls11_only(old_client);
    old_client.set_verify_mode(asio::ssl::verify_none);
    auto control = raw_handshake(io, old_client, weak.address());
    ASSERT_TRUE(control.has_value());
    ASSERT_FALSE(*control) << "TLS 1.1 control handshake failed: " << control->message();

    sip::TransportConfig config;
    config.tls.ca_file = tls_file("ca.pem");
    sip::TransportLayer client{io.get_executor(), config};
    std::optional<std::error_code> result;
    client.connect(weak.address(), "localhost",
                   [&](std::error_code ec, sip::FlowId) { result = ec; });
    ASSERT_TRUE(run_until(
        io, [&] { return result.has_value(); }, 10s));
    EXPECT_EQ(*result, sip::TransportError::tls_handshake_failed) << result->message();
    EXPECT_EQ(client.connection_count(), 0U);
}

TEST(TlsSecurity, ClientOfferingOnlyTls11IsRefusedByOurListener) {
    asio::io_context io;
    sip::TransportConfig server_config;
    server_config.tls = sip::test::tls_server_config();
    sip::TransportLayer server{io.get_executor(), server_config};
    const auto listening = server.listen("tls:127.0.0.1:0").value();
    asio::ssl::context old_client(asio::ssl::context::tls_client);
    make_tls11_only(old_client);
    old_client.set_verify_mode(asio::ssl::verify_none);
    auto result = raw_handshake(io, old_client, listening);
    ASSERT_TRUE(result.has_value());
    EXPECT_TRUE(*result) << "a TLS 1.1 handshake was accepted";
    // A TLS 1.2+ client with the same settings otherwise gets in.
    asio::ssl::context modern(asio::ssl::context::tls_client);
    modern.set_verify_mode(asio::ssl::verify_none);
    auto ok = raw_handshake(io, modern, listening);
    ASSERT_TRUE(ok.has_value());
    EXPECT_FALSE(*ok) << ok->message();
}

// ---- SIPS ----

TEST(SipsSecurity, SipsUrisResolveToTlsOnly) {
    auto plain = sip::resolve_target(sip::Uri::parse("sips:bob@127.0.0.1").value());
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->kind, sip::TransportKind::tls);
    EXPECT_EQ(plain->port, 5061);
    // RFC 3261 §26.2.2: transport=tcp on a sips URI still means TLS over TCP.
    auto tcp = sip::resolve_target(sip::Uri::parse("sips:bob@127.0.0.1;transport=tcp").value());
    ASSERT_TRUE(tcp);
    EXPECT_EQ(tcp->kind, sip::TransportKind::tls);
    // And there is no SIPS over UDP.
    EXPECT_FALSE(sip::resolve_target(sip::Uri::parse("sips:bob@127.0.0.1;transport=udp").value()));
}

TEST(SipsSecurity, SipsAccountWithAPlainTransportIsASetupError) {
    asio::io_context io;
    sip::UserAgentConfig config;
    config.listen = {"udp:127.0.0.1:0"};
    sip::AccountConfig account;
    account.aor = sip::Uri::parse("sips:alice@example.com").value();
    account.password = "x";
    account.outbound_proxy = "udp:127.0.0.1:5060";
    config.account = account;
    EXPECT_THROW(sip::UserAgent(io.get_executor(), config), std::invalid_argument);
    account.outbound_proxy = "tls:127.0.0.1:5061";
    config.account = account;
    EXPECT_NO_THROW(sip::UserAgent(io.get_executor(), config));
}

TEST(SipsSecurity, SipsRequestOverUdpIsRefusedAndOverTlsServed) {
    asio::io_context io;
    sip::UserAgentConfig config;
    config.listen = {"udp:127.0.0.1:0", "tls:127.0.0.1:0"};
    config.transport.tls = sip::test::tls_server_config();
    sip::UserAgent ua{io.get_executor(), config};
    const auto udp = ua.local_address(sip::TransportKind::udp);
    RawUdpPeer peer(io);
    std::string request = peer.request("OPTIONS", udp, 1);
    request.replace(request.find("sip:bob@"), 4, "sips:");
    peer.send(request, udp);
    ASSERT_TRUE(run_until(
        io, [&] { return !peer.responses.empty(); }, 10s));
    EXPECT_EQ(peer.responses.front().status_code(), 416);
    // The same request over TLS is served.
    sip::UserAgentConfig client_config;
    client_config.listen = {"udp:127.0.0.1:0"};
    client_config.transport.tls.ca_file = tls_file("ca.pem");
    sip::UserAgent client{io.get_executor(), client_config};
    const auto tls = ua.local_address(sip::TransportKind::tls);
    auto options = client.make_request(
        sip::Method::options,
        sip::Uri::parse("sips:bob@127.0.0.1:" + std::to_string(tls.port)).value());
    std::optional<int> status;
    client.async_send_request(std::move(options), tls,
                              [&](std::error_code, sip::Response r) { status = r.status_code(); });
    ASSERT_TRUE(run_until(
        io, [&] { return status.has_value(); }, 10s));
    EXPECT_EQ(*status, 200);
}

// ---- secrets in logs ----

class LogCapture {
public:
    LogCapture() {
        previous_ = log::level();
        log::set_level(log::Level::trace);  // the highest verbosity
        log::set_sink([this](log::Level, std::string_view component, std::string_view message) {
            text += std::string(component) + ": " + std::string(message) + "\n";
            ++lines;
        });
    }
    ~LogCapture() {
        log::set_sink(nullptr);
        log::set_level(previous_);
    }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;
    std::string text;
    int lines = 0;

private:
    log::Level previous_;
};

std::string md5_hex(std::string_view in) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int n = 0;
    EVP_Digest(in.data(), in.size(), out.data(), &n, EVP_md5(), nullptr);
    std::string hex;
    for (unsigned i = 0; i < n; ++i) {
        static constexpr char digits[] = "0123456789abcdef";
        hex += digits[out.at(i) >> 4U];
        hex += digits[out.at(i) & 0xFU];
    }
    return hex;
}

TEST(SecretsInLogs, NoPasswordOrSrtpKeyAtTraceLevel) {
    const std::string password = "Pa55-w0rd-never-logged";
    LogCapture logs;
    asio::io_context io;

    // 1. A digest registration (401, answer, refresh-ready), password also given in the AOR.
    sip::UserAgentConfig registrar_config;
    registrar_config.listen = {"udp:127.0.0.1:0"};
    registrar_config.capabilities.allowed_methods.push_back("MESSAGE");
    sip::UserAgent registrar_ua{io.get_executor(), registrar_config};
    sip::test::RegistrarDouble registrar{registrar_ua, {{"alice", password}}};
    sip::UserAgentConfig alice_config;
    alice_config.listen = {"udp:127.0.0.1:0"};
    sip::AccountConfig account;
    account.aor = sip::Uri::parse("sip:alice:" + password + "@example.com").value();
    account.outbound_proxy = registrar_ua.local_address(sip::TransportKind::udp).to_string();
    alice_config.account = account;
    sip::UserAgent alice{io.get_executor(), alice_config};
    std::optional<std::error_code> registered;
    alice.async_register([&](std::error_code ec) { registered = ec; });
    ASSERT_TRUE(run_until(
        io, [&] { return registered.has_value(); }, 10s));
    ASSERT_FALSE(*registered) << registered->message();
    ASSERT_EQ(registrar.challenges, 1);
    // The digest answer (a hash of the password: material for an offline guess) stays out too.
    ASSERT_TRUE(registrar.last.has_value());
    const std::string authorization(
        registrar.last->header(sip::HeaderId::authorization).value_or(""));
    const auto at = authorization.find("response=\"");
    ASSERT_NE(at, std::string::npos);
    const std::string digest_answer =
        authorization.substr(at + 10, authorization.find('"', at + 10) - (at + 10));

    // 2. An SDES offer/answer carried in SIP bodies, then SRTP contexts keyed from it.
    sdp::LocalMedia offerer;
    offerer.address = "127.0.0.1";
    offerer.port = 40000;
    offerer.codecs = {{"PCMU", 8000}};
    offerer.crypto_policy = sdp::CryptoPolicy::required;
    offerer.crypto.push_back(sdp::Crypto::generate(1, "AES_CM_128_HMAC_SHA1_80").value());
    sdp::LocalMedia answerer = offerer;
    answerer.port = 40002;
    answerer.crypto = {sdp::Crypto::generate(1, "AES_CM_128_HMAC_SHA1_80").value()};
    auto offer = sdp::create_offer(offerer, {}).value();
    std::optional<sdp::Answer> answer;
    registrar_ua.on_request("MESSAGE", [&](const sip::IncomingRequest& in) {
        auto received = sdp::SessionDescription::parse(in.request.body());
        ASSERT_TRUE(received);
        answer = sdp::create_answer(*received, answerer, {}).value();
        auto ok = sip::Response::make_for(in.request, 200, {}, sip::make_tag());
        ok.set_body(answer->description.to_string(), "application/sdp");
        (void)in.transaction->respond(std::move(ok));
    });
    auto message = alice.make_request(
        sip::Method::message,
        sip::Uri::make_sip("bob", "127.0.0.1",
                           registrar_ua.local_address(sip::TransportKind::udp).port));
    message.set_body(offer.to_string(), "application/sdp");
    std::optional<sip::Response> reply;
    alice.async_send_request(std::move(message),
                             registrar_ua.local_address(sip::TransportKind::udp),
                             [&](std::error_code, sip::Response r) { reply = std::move(r); });
    ASSERT_TRUE(run_until(
        io, [&] { return reply.has_value(); }, 10s));
    ASSERT_EQ(reply->status_code(), 200);
    auto answer_sdp = sdp::SessionDescription::parse(reply->body()).value();
    auto agreed = sdp::apply_answer(offer, answer_sdp).value();
    ASSERT_TRUE(agreed.srtp.has_value());
    const auto suite = srtp::suite_from_string(agreed.srtp->suite).value();
    auto local =
        srtp::KeyMaterial::from_inline(suite, "inline:" + agreed.srtp->local.keys.at(0).key_salt)
            .value();
    auto remote =
        srtp::KeyMaterial::from_inline(suite, "inline:" + agreed.srtp->remote.keys.at(0).key_salt)
            .value();
    auto transform = srtp::Transform::create(local, remote);
    ASSERT_TRUE(transform);

    // The run produced plenty of trace output, and none of it holds a secret.
    EXPECT_GT(logs.lines, 10);
    const std::vector<std::string> secrets = {
        password,
        md5_hex("alice:example.com:" + password),  // HA1 is as good as the password
        offerer.crypto.at(0).keys.at(0).key_salt,
        answerer.crypto.at(0).keys.at(0).key_salt,
        digest_answer,
    };
    for (const auto& secret : secrets) {
        ASSERT_FALSE(secret.empty());
        EXPECT_EQ(logs.text.find(secret), std::string::npos) << "secret found in the log output:\n"
                                                             << logs.text;
    }
}

}  // namespace
}  // namespace voip::reliability
