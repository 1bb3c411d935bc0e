#pragma once
// Allocation-free name-addr / addr-spec scanning, shared by NameAddr::parse and the message
// parser (which validates From, To, Contact, Route and Record-Route without building values).

#include <cstddef>
#include <string_view>
#include <system_error>

namespace voip::sip::detail {

struct NameAddrParts {
    std::string_view display_name;  ///< as written: a quoted-string with quotes, or tokens
    std::string_view uri;
    std::string_view params;  ///< from the first ';' (trimmed), or empty
    std::string_view tag;     ///< the tag parameter's value, found while scanning
    bool angle = false;       ///< name-addr form (URI in <>)
};

/// gen-value characters (token / host, RFC 3261 §25.1), quoted-strings aside.
bool is_gen_value_char(char c) noexcept;

/// Scan one name-addr or addr-spec with its header parameters.
/// Errors: ParseError::bad_name_addr (syntax) or ParseError::bad_uri.
std::error_code parse_name_addr_parts(std::string_view text, NameAddrParts& out) noexcept;

/// Scan one name-addr or addr-spec at the start of a comma list: stops at the top-level ','
/// that ends it (end = its index) or at the end of text (end = text.size()).
std::error_code parse_name_addr_prefix(std::string_view text, NameAddrParts& out,
                                       std::size_t& end) noexcept;

/// Scan `*( SWS ";" SWS token [ SWS "=" SWS ( token / host / quoted-string ) ] ) SWS` from i;
/// returns where it stopped (a ',' or the end), or npos when the syntax is wrong.
/// When `wanted` is given, *found receives the value of the parameter of that name (the first
/// one; any case), so callers need no second scan.
std::size_t scan_header_params(std::string_view s, std::size_t i, std::string_view wanted = {},
                               std::string_view* found = nullptr) noexcept;

/// Validate a whole parameter list (scan_header_params reaching the end).
inline bool valid_header_params(std::string_view params) noexcept {
    return scan_header_params(params, 0) == params.size();
}

/// The value of a parameter in validated header params (case-insensitive name), without
/// building anything; empty when absent.
std::string_view find_param(std::string_view params, std::string_view name) noexcept;

}  // namespace voip::sip::detail
