#pragma once
/// @file
/// Pure helpers of RFC 3261 §18 routing: where a response goes (§18.2.2, RFC 3581), what the
/// server transport stamps on a received request (§18.2.1), the Via of an outgoing request
/// (§18.1.1), and which transport address a URI names (§19.1, RFC 3263 without SRV/NAPTR).

#include <voip/result.hpp>
#include <voip/sip/header_types.hpp>
#include <voip/sip/message.hpp>
#include <voip/sip/transport_address.hpp>
#include <voip/sip/uri.hpp>

#include <asio/ip/address.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace voip::sip {

/// The default port of a transport: 5061 for TLS, 5060 otherwise (RFC 3261 §19.1.2).
[[nodiscard]] constexpr std::uint16_t default_port(TransportKind kind) noexcept {
    return kind == TransportKind::tls ? 5061 : 5060;
}

/// `host[:port]` for a Via sent-by: IPv6 in brackets; no port when @p port is nullopt.
[[nodiscard]] std::string format_sent_by(const asio::ip::address& address,
                                         std::optional<std::uint16_t> port);

/// `SIP/2.0/<T> <sent_by>;branch=<branch>[;rport]` (RFC 3261 §8.1.1.7, RFC 3581 §3).
[[nodiscard]] std::string make_via(TransportKind kind, std::string_view sent_by,
                                   std::string_view branch, bool rport = true);

/// An IP literal from a URI or Via host (brackets of an IPv6 reference removed), or nullopt
/// when the host is a name.
[[nodiscard]] std::optional<asio::ip::address> parse_ip_host(std::string_view host);

/// RFC 3261 §18.2.1 and RFC 3581 §4, applied by a server transport to a received request:
/// adds `received=<source ip>` to the top Via when its sent-by host differs from the source
/// (or when rport is asked for), and fills an empty `rport` with the source port.
/// Errors: ParseError::bad_via / missing_header when there is no usable top Via.
Result<void> stamp_received(Request& request, const TransportAddress& source);

/// RFC 3261 §18.2.2 / RFC 3581 §4 for an unreliable transport, or for a reliable one whose
/// connection closed: the address a response with this top Via goes to. `received` (else the
/// sent-by host, which must then be an IP literal) with `rport` when it has a value and
/// @p use_rport (UDP), else the sent-by port, else the default port of the Via transport.
/// `maddr` is not honoured. Errors: TransportError::no_response_route (host name without
/// received), unsupported_transport.
[[nodiscard]] Result<TransportAddress> via_response_target(const Via& via, bool use_rport = true);

/// RFC 3261 §18.2.2: where to send @p response to the request that came from @p source.
/// Reliable transports: @p source itself (the same connection). UDP: via_response_target().
[[nodiscard]] Result<TransportAddress> response_destination(const Response& response,
                                                            const TransportAddress& source);

/// Rewrite the top Via's transport and sent-by (e.g. when §18.1.1 moves a request from UDP to
/// TCP), keeping its parameters. Errors: ParseError when there is no usable top Via.
Result<void> rewrite_top_via(Request& request, TransportKind kind, std::string_view sent_by);

/// What a URI says about where to send (RFC 3261 §19.1.2 defaults, no DNS).
struct UriTarget {
    TransportKind kind = TransportKind::udp;
    std::string host;  ///< as written in the URI, IPv6 without brackets
    std::uint16_t port = 5060;
};

/// `sips:` → TLS (5061), `sip:` → UDP (5060) unless `;transport=tcp|tls|udp` says otherwise;
/// the `maddr` parameter, when present, replaces the host. Errors:
/// TransportError::unsupported_transport (other transports, non-SIP schemes).
[[nodiscard]] Result<UriTarget> uri_target(const Uri& uri);

/// uri_target() plus name resolution: numeric hosts without DNS, names through asio's resolver
/// (getaddrinfo, blocking; A/AAAA only — RFC 3263 NAPTR/SRV is out of scope). The first address
/// returned is used. Errors: those of uri_target(), TransportError::host_not_found.
[[nodiscard]] Result<TransportAddress> resolve_target(const Uri& uri);

}  // namespace voip::sip
