#include <voip/sip/headers.hpp>
#include <voip/sip/transport_error.hpp>
#include <voip/sip/transport_routing.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>

namespace voip::sip {
namespace {

void append_param(std::string& out, std::string_view name, std::string_view value, bool has_value) {
    out += ';';
    out += name;
    if (has_value) {
        out += '=';
        out += value;
    }
}

// Replace the first Via value of @p request with @p text (views into the old value must not be
// used after this).
void replace_top_via(Request& request, const std::string& text) {
    request.remove_first_value(HeaderId::via);
    request.prepend_header(HeaderId::via, text);
}

}  // namespace

std::string format_sent_by(const asio::ip::address& address, std::optional<std::uint16_t> port) {
    std::string out;
    if (address.is_v6()) {
        out += '[';
        out += address.to_string();
        out += ']';
    } else {
        out += address.to_string();
    }
    if (port) {
        out += ':';
        out += std::to_string(*port);
    }
    return out;
}

std::string make_via(TransportKind kind, std::string_view sent_by, std::string_view branch,
                     bool rport) {
    std::string out = "SIP/2.0/";
    out += via_token(kind);
    out += ' ';
    out += sent_by;
    out += ";branch=";
    out += branch;
    if (rport) out += ";rport";
    return out;
}

std::optional<asio::ip::address> parse_ip_host(std::string_view host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (host.empty()) return std::nullopt;
    std::error_code ec;
    auto address = asio::ip::make_address(std::string(host), ec);
    if (ec) return std::nullopt;
    return address;
}

Result<void> stamp_received(Request& request, const TransportAddress& source) {
    auto via = request.top_via();
    if (!via) return via.error();
    const bool rport = via->has_rport();
    const auto host_ip = parse_ip_host(via->host);
    // RFC 3261 §18.2.1: received when the sent-by host is a name or another address;
    // RFC 3581 §4: always when rport is present, and rport gets the source port.
    const bool received = !host_ip || *host_ip != source.address || rport;
    if (!received) return {};

    std::string text = "SIP/2.0/";
    text += via->transport;
    text += ' ';
    text += via->host;
    if (via->port) {
        text += ':';
        text += std::to_string(*via->port);
    }
    const std::string source_ip = source.address.to_string();
    const std::string source_port = std::to_string(source.port);
    bool wrote_received = false;
    for (const Param& p : via->params) {
        if (iequals(p.name, "received")) {
            append_param(text, "received", source_ip, true);
            wrote_received = true;
        } else if (iequals(p.name, "rport")) {
            append_param(text, "rport", source_port, true);
        } else {
            append_param(text, p.name, p.value, p.has_value);
        }
    }
    if (!wrote_received) append_param(text, "received", source_ip, true);
    replace_top_via(request, text);
    return {};
}

Result<TransportAddress> via_response_target(const Via& via, bool use_rport) {
    auto kind = transport_kind_from(via.transport);
    if (!kind) return TransportError::unsupported_transport;
    std::optional<asio::ip::address> address;
    if (auto received = via.received()) address = parse_ip_host(*received);
    if (!address) address = parse_ip_host(via.host);
    // A sent-by name would need RFC 3263 §5 DNS procedures, which we do not do.
    if (!address) return TransportError::no_response_route;
    std::uint16_t port = default_port(*kind);
    if (auto rport = via.rport(); rport && use_rport) {
        port = *rport;  // RFC 3581 §5
    } else if (via.port) {
        port = *via.port;
    }
    return TransportAddress{*kind, *address, port};
}

Result<TransportAddress> response_destination(const Response& response,
                                              const TransportAddress& source) {
    // RFC 3261 §18.2.2: reliable → back over the connection the request came on.
    if (is_reliable(source.kind)) return source;
    auto via = response.top_via();
    if (!via) return via.error();
    auto target = via_response_target(*via);
    if (!target) return target;
    target->kind = source.kind;
    return target;
}

Result<void> rewrite_top_via(Request& request, TransportKind kind, std::string_view sent_by) {
    auto via = request.top_via();
    if (!via) return via.error();
    std::string text = "SIP/2.0/";
    text += via_token(kind);
    text += ' ';
    text += sent_by;
    for (const Param& p : via->params)
        append_param(text, p.name, p.value, p.has_value);
    replace_top_via(request, text);
    return {};
}

Result<UriTarget> uri_target(const Uri& uri) {
    if (!uri.is_sip()) return TransportError::unsupported_transport;
    const bool secure = uri.scheme() == Uri::Scheme::sips;
    UriTarget target;
    const std::string_view transport = uri.transport();
    if (transport.empty()) {
        target.kind = secure ? TransportKind::tls : TransportKind::udp;
    } else if (iequals(transport, "udp") && !secure) {
        target.kind = TransportKind::udp;
    } else if (iequals(transport, "tcp")) {
        // RFC 3261 §26.2.2: sips with transport=tcp still means TLS over TCP.
        target.kind = secure ? TransportKind::tls : TransportKind::tcp;
    } else if (iequals(transport, "tls")) {
        target.kind = TransportKind::tls;
    } else {
        return TransportError::unsupported_transport;
    }
    std::string_view host = uri.host();
    if (auto maddr = uri.param("maddr"); maddr && !maddr->empty()) host = *maddr;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    target.host = std::string(host);
    target.port = uri.port().value_or(default_port(target.kind));
    return target;
}

Result<TransportAddress> resolve_target(const Uri& uri) {
    auto target = uri_target(uri);
    if (!target) return target.error();
    if (auto ip = parse_ip_host(target->host))
        return TransportAddress{target->kind, *ip, target->port};
    asio::io_context io;
    asio::ip::udp::resolver resolver(io);
    std::error_code ec;
    auto results = resolver.resolve(target->host, "", ec);
    if (ec || results.empty()) return TransportError::host_not_found;
    return TransportAddress{target->kind, results.begin()->endpoint().address(), target->port};
}

}  // namespace voip::sip
