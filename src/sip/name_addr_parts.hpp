#pragma once
// Allocation-free name-addr / addr-spec scanning, shared by NameAddr::parse and the message
// parser (which validates From, To, Contact, Route and Record-Route without building values).

#include <string_view>
#include <system_error>

namespace voip::sip::detail {

struct NameAddrParts {
    std::string_view display_name;  ///< as written: a quoted-string with quotes, or tokens
    std::string_view uri;
    std::string_view params;  ///< from the first ';' (trimmed), or empty
    bool angle = false;       ///< name-addr form (URI in <>)
};

/// Scan one name-addr or addr-spec with its header parameters.
/// Errors: ParseError::bad_name_addr (syntax) or ParseError::bad_uri.
std::error_code parse_name_addr_parts(std::string_view text, NameAddrParts& out) noexcept;

/// Validate `*( SWS ";" SWS token [ SWS "=" SWS ( token / host / quoted-string ) ] ) SWS`.
bool valid_header_params(std::string_view params) noexcept;

/// The value of a parameter in validated header params (case-insensitive name), without
/// building anything; empty when absent.
std::string_view find_param(std::string_view params, std::string_view name) noexcept;

}  // namespace voip::sip::detail
