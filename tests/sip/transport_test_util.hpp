#pragma once
// Helpers of the transport tests: build requests, run an io_context until a condition holds
// (bounded in time), find the test certificates.

#include <voip/sip/message.hpp>
#include <voip/sip/transport_layer.hpp>
#include <voip/sip/transport_routing.hpp>

#include <asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace voip::sip::test {

/// Run @p io until @p done() is true or @p limit elapsed; returns done().
inline bool run_until(asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
        io.restart();
        io.run_for(std::chrono::milliseconds(5));
    }
    return done();
}

/// Run @p io for @p duration (to let things that should NOT happen have their chance).
inline void run_for(asio::io_context& io, std::chrono::milliseconds duration) {
    const auto deadline = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < deadline) {
        io.restart();
        io.run_for(std::chrono::milliseconds(5));
    }
}

/// An OPTIONS request to @p to with a top Via for @p channel (sent-by, branch, rport).
inline Request make_options(const MessageChannel& channel, const TransportAddress& to,
                            std::string_view branch, std::size_t body_bytes = 0) {
    auto uri = Uri::make_sip("bob", to.address.to_string(), to.port);
    Request request(Method::options, uri);
    request.add_header(HeaderId::via,
                       make_via(to.kind, channel.sent_by(to), std::string("z9hG4bK") += branch));
    request.add_header(HeaderId::max_forwards, "70");
    request.add_header(HeaderId::from, "<sip:alice@example.com>;tag=a1");
    request.add_header(HeaderId::to, "<sip:bob@example.com>");
    request.add_header(HeaderId::call_id, std::string("call-") += branch);
    request.add_header(HeaderId::cseq, "1 OPTIONS");
    if (body_bytes > 0) request.set_body(std::string(body_bytes, 'x'), "text/plain");
    return request;
}

inline std::string tls_file(const char* name) {
    return std::string(VOIP_SOURCE_DIR) + "/tests/data/tls/" + name;
}

/// Server-side TLS: the test certificate for localhost / 127.0.0.1 / ::1.
inline TlsConfig tls_server_config() {
    TlsConfig tls;
    tls.certificate_file = tls_file("server.pem");
    tls.private_key_file = tls_file("server.key");
    tls.ca_file = tls_file("ca.pem");
    return tls;
}

}  // namespace voip::sip::test
