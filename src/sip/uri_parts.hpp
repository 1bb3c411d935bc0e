#pragma once
// Allocation-free URI validation: the parser checks Request-URIs and name-addr URIs with it,
// Uri::parse stores its result.

#include <voip/sip/uri.hpp>

#include <cstdint>
#include <string_view>
#include <system_error>

namespace voip::sip::detail {

struct Range {
    std::uint32_t pos = 0;
    std::uint32_t len = 0;
};

struct UriParts {
    Uri::Scheme scheme = Uri::Scheme::other;
    Range scheme_name;
    Range user;
    Range password;
    Range host;
    Range port;
    Range params;
    Range headers;
    bool has_password = false;
};

/// Validate text as a URI and locate its parts. Errors: ParseError::bad_uri.
std::error_code parse_uri_parts(std::string_view text, UriParts& out) noexcept;

/// Validate a host (hostname, IPv4address, IPv6reference) per RFC 3261 §25.1.
bool valid_host(std::string_view host) noexcept;

/// Length of the hostname or IPv4address at the start of s (0 when there is none); the caller
/// checks what follows it.
std::size_t scan_host(std::string_view s) noexcept;

/// Parse 1*DIGIT into a port; false when not digits or > 65535.
bool parse_port(std::string_view digits, std::uint16_t& port) noexcept;

}  // namespace voip::sip::detail
