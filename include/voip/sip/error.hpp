#pragma once
// Errors of the SIP wire layer: why bytes are not a SIP message, URI, or header value.

#include <string_view>
#include <system_error>
#include <type_traits>

namespace voip::sip {

/// Why a parse of SIP bytes failed. Each value names the fault so a UAS can pick its answer
/// (most map to 400 Bad Request; bad_version maps to 505).
enum class ParseError {
    bad_start_line = 1,       ///< request line or status line malformed (e.g. extra spaces)
    bad_method,               ///< method is not a token
    bad_request_uri,          ///< Request-URI is not a valid absoluteURI
    bad_version,              ///< SIP-Version is not SIP/2.0 (RFC 3261 §8.2.2 → 505)
    bad_status_code,          ///< status code not three digits in 100..699
    bad_header,               ///< header line malformed (no colon, bare CR/LF, bad folding)
    bad_header_name,          ///< header name is not a token
    missing_header,           ///< a mandatory header (To, From, Call-ID, CSeq, Via) is absent
    duplicate_header,         ///< a single-valued header appears more than once
    bad_content_length,       ///< Content-Length not a non-negative decimal that fits
    content_length_mismatch,  ///< body shorter than Content-Length (RFC 3261 §18.3)
    bad_cseq,                 ///< CSeq not "number method", or number ≥ 2^31
    cseq_method_mismatch,     ///< CSeq method differs from the request method (§8.1.1.5)
    bad_call_id,              ///< Call-ID not word["@"word]
    bad_via,                  ///< Via value malformed
    bad_name_addr,            ///< From/To/Contact/Route value malformed
    bad_max_forwards,         ///< Max-Forwards not an integer 0..255
    bad_expires,              ///< Expires not delta-seconds
    bad_uri,                  ///< URI malformed (scheme, host, port, escape, ...)
    bad_param,                ///< ;name=value parameter list malformed
    too_large,                ///< message exceeds ParseLimits::max_message_bytes
    too_many_headers,         ///< header count exceeds ParseLimits::max_headers
    incomplete,               ///< input ends before the end of the header section
    bad_framing,              ///< stream framing: garbage between messages
    missing_content_length,   ///< stream framing: Content-Length is mandatory on streams
    wrong_kind,               ///< a Request was expected but a Response was found, or vice versa
};

/// The std::error_category of ParseError ("voip.sip.parse").
[[nodiscard]] const std::error_category& parse_category() noexcept;

[[nodiscard]] inline std::error_code make_error_code(ParseError e) noexcept {
    return {static_cast<int>(e), parse_category()};
}

}  // namespace voip::sip

template <>
struct std::is_error_code_enum<voip::sip::ParseError> : std::true_type {};
