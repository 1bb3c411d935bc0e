#pragma once
/// @file
/// Errors of the SIP transports (RFC 3261 §18): sockets, connections, TLS, limits.

#include <string_view>
#include <system_error>
#include <type_traits>

namespace voip::sip {

/// Why a transport operation failed. Socket-level failures keep their asio/system error code;
/// these values name the failures the transport layer decides itself.
enum class TransportError {
    no_transport = 1,           ///< no local transport of the needed kind / address family
    connection_limit,           ///< max_connections reached and no idle connection to close
    connection_closed,          ///< the flow closed before the message was written
    connect_timeout,            ///< TCP/TLS connection (or TLS handshake) took too long
    idle_timeout,               ///< the connection was idle longer than idle_timeout
    message_timeout,            ///< a partial message was pending longer than message_timeout
    write_queue_full,           ///< more than max_write_queue_bytes waiting on one connection
    message_too_large,          ///< the message exceeds ParseLimits::max_message_bytes
    bad_stream,                 ///< garbage / framing error on a stream: connection closed
    tls_not_configured,         ///< TLS listener without certificate and key
    tls_handshake_failed,       ///< TLS handshake failed (protocol, version, cipher, ...)
    tls_certificate_untrusted,  ///< peer certificate does not chain to a trusted CA
    tls_hostname_mismatch,      ///< peer certificate does not name the expected host / IP
    keepalive_timeout,          ///< RFC 5626 §4.4.1: no CRLF pong in time
    unknown_flow,               ///< no open connection with this flow id
    unsupported_transport,      ///< URI names a transport we do not speak (sctp, ws, ...)
    host_not_found,             ///< the URI host did not resolve to an address
    bad_local_address,          ///< listen address not `kind:ip:port`
    no_response_route,          ///< a response's Via gives no address to send it to
    shut_down,                  ///< the TransportLayer is gone
};

/// The std::error_category of TransportError ("voip.sip.transport").
[[nodiscard]] const std::error_category& transport_category() noexcept;

[[nodiscard]] inline std::error_code make_error_code(TransportError e) noexcept {
    return {static_cast<int>(e), transport_category()};
}

}  // namespace voip::sip

template <>
struct std::is_error_code_enum<voip::sip::TransportError> : std::true_type {};
