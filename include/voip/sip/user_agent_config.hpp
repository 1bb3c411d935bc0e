#pragma once
/// @file
/// Settings of a sip::UserAgent: where it listens, who it is, how it keeps its registration.

#include <voip/sip/rate_limiter.hpp>
#include <voip/sip/timer_config.hpp>
#include <voip/sip/transport.hpp>
#include <voip/sip/uas_policy.hpp>
#include <voip/sip/uri.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace voip::sip {

/// The account a UserAgent registers (RFC 3261 §10).
struct AccountConfig {
    /// Address of record, e.g. `sip:alice@example.com` (a `user:password@` form is accepted:
    /// the password is then taken from it when `password` is empty).
    Uri aor;
    std::string username;  ///< digest user name (default: the AOR's user)
    std::string password;  ///< digest password (default: the AOR's password)
    /// Request-URI of the REGISTER (default `sip:<aor host[:port]>`). Its host, port and
    /// `transport` parameter also say where to send, unless `outbound_proxy` is set.
    std::optional<Uri> registrar;
    /// Send the REGISTER here instead (`udp:127.0.0.1:5060`, `tcp:[::1]:5060`, `tls:...`).
    std::optional<std::string> outbound_proxy;
    std::uint32_t expires = 3600;  ///< requested binding lifetime (s)
    /// RFC 5626: Contact with `+sip.instance`, `reg-id`, `;ob`, and `Supported: outbound`.
    bool outbound = true;
    std::string instance_id;  ///< `urn:uuid:...`; random (UUID v4) when empty
    /// TLS: the name the registrar's certificate must carry (SNI); empty: the registrar host.
    std::string tls_server_name;
};

/// Keep-alives towards the registrar while registered.
struct KeepAliveConfig {
    bool enabled = true;
    /// RFC 5626 §4.4.1: CRLF ping on TCP/TLS flows; the RFC suggests 95-120 s.
    std::chrono::milliseconds stream_interval{std::chrono::seconds(95)};
    /// RFC 5626 §4.4.1: how long to wait for the CRLF pong before declaring the flow dead.
    std::chrono::milliseconds pong_timeout{std::chrono::seconds(10)};
    /// UDP: an OPTIONS to the registrar keeps NAT bindings open and proves the path (we do
    /// not use STUN). Any response counts; a timeout triggers re-registration.
    std::chrono::milliseconds udp_interval{std::chrono::seconds(25)};
};

/// Everything a UserAgent needs at construction.
struct UserAgentConfig {
    /// Local bindings (`udp:0.0.0.0:5060`, `tcp:127.0.0.1:0`, `tls:[::1]:5061`; port 0 =
    /// ephemeral). The constructor listens on each.
    std::vector<std::string> listen{"udp:0.0.0.0:5060"};
    TransportConfig transport{};         ///< limits and TLS (certificate for tls listeners, CA)
    TimerConfig timers{};                ///< T1/T2/T4
    std::string user_agent = "libvoip";  ///< User-Agent / Server header value
    /// `host[:port]` for the Contact of dialogs and registrations (e.g. a public address
    /// behind a static NAT or port forward); empty: the transport's sent-by toward the peer.
    /// The Via keeps the real sent-by (responses come back by RFC 3581 rport/received).
    std::string contact_address;
    std::optional<AccountConfig> account;
    KeepAliveConfig keepalive{};
    /// Re-registration back-off after a failure or a broken flow (RFC 5626 §4.5).
    std::chrono::milliseconds retry_base{std::chrono::seconds(1)};
    std::chrono::milliseconds retry_max{std::chrono::seconds(60)};
    /// Methods, option tags, body types and URI schemes advertised and enforced.
    UasCapabilities capabilities{};
    /// Server transactions alive at once; a new request beyond it gets a stateless 503 with
    /// Retry-After (TransactionLayer::set_max_server_transactions: 64 × calls/s × 1.25; the
    /// default sustains 20,000 calls/s over UDP, ~1.5 KiB per completed transaction).
    std::size_t max_server_transactions = 1'600'000;
    /// Token bucket per source IP for out-of-dialog requests without Authorization or
    /// Proxy-Authorization (not ACK): refused ones get 503 + Retry-After or are dropped. Off by
    /// default (see SECURITY.md for a recommended setting on an exposed UA).
    RateLimitConfig unauthenticated_rate{};
};

}  // namespace voip::sip
