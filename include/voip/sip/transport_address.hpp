#pragma once
/// @file
/// Where a SIP message goes or came from: transport kind (RFC 3261 §18), IP address and port.
/// Text form `udp:127.0.0.1:5060`, `tls:[::1]:5061`.

#include <voip/result.hpp>

#include <asio/ip/address.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace voip::sip {

/// The transports the library speaks.
enum class TransportKind : std::uint8_t { udp, tcp, tls };

/// "udp", "tcp", "tls".
[[nodiscard]] std::string_view to_string(TransportKind kind) noexcept;
/// The Via transport token: "UDP", "TCP", "TLS" (RFC 3261 §20.42).
[[nodiscard]] std::string_view via_token(TransportKind kind) noexcept;
/// Case-insensitive "udp"/"tcp"/"tls" (also the Via tokens); nullopt otherwise.
[[nodiscard]] std::optional<TransportKind> transport_kind_from(std::string_view text) noexcept;
/// RFC 3261 §17: TCP and TLS are reliable, so nothing is retransmitted over them.
[[nodiscard]] constexpr bool is_reliable(TransportKind kind) noexcept {
    return kind != TransportKind::udp;
}

/// A transport kind plus an IP endpoint.
struct TransportAddress {
    TransportKind kind = TransportKind::udp;
    asio::ip::address address;
    std::uint16_t port = 0;

    /// `udp:127.0.0.1:5060`; IPv6 in brackets: `tcp:[::1]:5060`.
    [[nodiscard]] std::string to_string() const;
    /// Parses the form to_string() writes. Errors: TransactionError::bad_address.
    [[nodiscard]] static Result<TransportAddress> parse(std::string_view text);

    friend bool operator==(const TransportAddress&, const TransportAddress&) = default;
};

/// A hash combining kind, address and port (for unordered containers).
[[nodiscard]] std::size_t hash_value(const TransportAddress& address) noexcept;

}  // namespace voip::sip

template <>
struct std::hash<voip::sip::TransportAddress> {
    std::size_t operator()(const voip::sip::TransportAddress& a) const noexcept {
        return voip::sip::hash_value(a);
    }
};
