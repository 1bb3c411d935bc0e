#include <voip/sip/header_types.hpp>
#include <voip/sip/headers.hpp>
#include <voip/sip/transaction_error.hpp>
#include <voip/sip/transport_address.hpp>

#include <charconv>
#include <functional>

namespace voip::sip {

std::string_view to_string(TransportKind kind) noexcept {
    switch (kind) {
        case TransportKind::udp:
            return "udp";
        case TransportKind::tcp:
            return "tcp";
        case TransportKind::tls:
            return "tls";
    }
    return "udp";
}

std::string_view via_token(TransportKind kind) noexcept {
    switch (kind) {
        case TransportKind::udp:
            return "UDP";
        case TransportKind::tcp:
            return "TCP";
        case TransportKind::tls:
            return "TLS";
    }
    return "UDP";
}

std::optional<TransportKind> transport_kind_from(std::string_view text) noexcept {
    if (iequals(text, "udp")) return TransportKind::udp;
    if (iequals(text, "tcp")) return TransportKind::tcp;
    if (iequals(text, "tls")) return TransportKind::tls;
    return std::nullopt;
}

std::string TransportAddress::to_string() const {
    std::string out(sip::to_string(kind));
    out += ':';
    if (address.is_v6()) {
        out += '[';
        out += address.to_string();
        out += ']';
    } else {
        out += address.to_string();
    }
    out += ':';
    out += std::to_string(port);
    return out;
}

Result<TransportAddress> TransportAddress::parse(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) return TransactionError::bad_address;
    auto kind = transport_kind_from(text.substr(0, colon));
    if (!kind) return TransactionError::bad_address;
    std::string_view rest = text.substr(colon + 1);
    std::string_view host;
    std::string_view port_text;
    if (!rest.empty() && rest.front() == '[') {
        const auto close = rest.find(']');
        if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':')
            return TransactionError::bad_address;
        host = rest.substr(1, close - 1);
        port_text = rest.substr(close + 2);
    } else {
        const auto last = rest.rfind(':');
        if (last == std::string_view::npos) return TransactionError::bad_address;
        host = rest.substr(0, last);
        port_text = rest.substr(last + 1);
        // An IPv6 address must be bracketed so that its port is unambiguous.
        if (host.find(':') != std::string_view::npos) return TransactionError::bad_address;
    }
    if (port_text.empty() || port_text.size() > 5) return TransactionError::bad_address;
    unsigned port = 0;
    const auto* end = port_text.data() + port_text.size();
    auto [ptr, ec] = std::from_chars(port_text.data(), end, port);
    if (ec != std::errc{} || ptr != end || port > 65535) return TransactionError::bad_address;
    std::error_code error;
    auto address = asio::ip::make_address(std::string(host), error);
    if (error) return TransactionError::bad_address;
    // A bracketed host must be IPv6, an unbracketed one IPv4.
    if (address.is_v6() != (rest.front() == '[')) return TransactionError::bad_address;
    return TransportAddress{*kind, address, static_cast<std::uint16_t>(port)};
}

std::size_t hash_value(const TransportAddress& a) noexcept {
    std::size_t h = std::hash<unsigned>{}(static_cast<unsigned>(a.kind));
    std::size_t ah = 0;
    if (a.address.is_v4()) {
        ah = std::hash<std::uint32_t>{}(a.address.to_v4().to_uint());
    } else {
        for (auto byte : a.address.to_v6().to_bytes())
            ah = ah * 131 + byte;
    }
    h ^= ah + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h ^= std::hash<std::uint16_t>{}(a.port) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
}

}  // namespace voip::sip
