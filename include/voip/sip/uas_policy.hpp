#pragma once
/// @file
/// What a user agent server answers before any application code sees a request (RFC 3261
/// §8.2, RFC 4475 ua_behaviour): method, Request-URI scheme, Require, Content-Type and Accept
/// checks, the answer to OPTIONS, and the stateless answer to bytes that did not parse.
/// Pure functions: no I/O, no state, so every rule is unit-tested alone.

#include <voip/sip/message.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace voip::sip {

/// What this UAS supports; fills Allow, Supported and Accept.
struct UasCapabilities {
    /// Methods answered (RFC 3261 §20.5 Allow), in the order advertised.
    std::vector<std::string> allowed_methods{"INVITE", "ACK", "CANCEL", "BYE", "OPTIONS"};
    /// Option tags understood in Require (RFC 3261 §20.37 Supported).
    std::vector<std::string> supported_options{"outbound", "path"};
    /// Body types understood (RFC 3261 §20.1 Accept).
    std::vector<std::string> accepted_content_types{"application/sdp"};
    /// Request-URI schemes served (RFC 3261 §8.2.2.1); anything else gets 416.
    std::vector<std::string> uri_schemes{"sip", "sips"};
};

/// One header to add to a policy response.
using HeaderLine = std::pair<std::string, std::string>;

/// The outcome of the generic checks.
struct UasVerdict {
    /// 0 when the request passed every check (the UA then routes it by method); otherwise
    /// the status to answer with.
    int status = 0;
    /// Headers the answer must carry (Allow for 405/501, Unsupported for 420, Accept for
    /// 415/406).
    std::vector<HeaderLine> headers;

    [[nodiscard]] bool passed() const noexcept { return status == 0; }
};

/// RFC 3261 §8.2.1-§8.2.3, in the RFC's order:
///  1. method: a method not in allowed_methods gets 405 with Allow when it is a method the
///     library knows (RFC 3261 / extension RFCs), 501 when it is unknown (RFC 4475 esc02).
///  2. Request-URI scheme not in uri_schemes: 416 (§8.2.2.1).
///  3. Require with option tags not in supported_options: 420 with Unsupported listing them
///     (§8.2.2.3; not for ACK and CANCEL). Proxy-Require is a proxy's business: a UAS
///     ignores it (RFC 4475 §3.3.5).
///  4. a body whose Content-Type is not accepted: 415 with Accept (§8.2.3).
///  5. INVITE whose Accept excludes every accepted type (we can only answer with SDP): 406.
/// ACK is never answered: the verdict for an ACK always passes.
/// Max-Forwards is not checked: 0 only stops proxies (RFC 3261 §8.2, RFC 4475 §3.3.11).
[[nodiscard]] UasVerdict check_request(const Request& request, const UasCapabilities& caps);

/// The 200 OK to an OPTIONS (RFC 3261 §11.2): Allow, Accept, Supported, with @p to_tag.
[[nodiscard]] Response make_options_response(const Request& options, const UasCapabilities& caps,
                                             std::string_view to_tag);

/// Status for a request that failed to parse: 505 for ParseError::bad_version (§8.2.2 via
/// RFC 4475 badvers), 413 for ParseError::too_large (§21.4.11), 400 for everything else.
[[nodiscard]] int status_for_parse_error(std::error_code error) noexcept;

/// RFC 3261 §8.2 stateless answer to request bytes that failed to parse: the status of
/// status_for_parse_error() with Via, From, To, Call-ID and CSeq copied textually from the
/// raw header lines (the first of each; every Via line). nullopt when the bytes are not a
/// request or carry no Via (nowhere to send an answer: drop). Never throws on any input.
[[nodiscard]] std::optional<Response> make_stateless_error(std::string_view bytes,
                                                           std::error_code parse_error);

/// A random token for To tags (RFC 3261 §19.3: at least 32 bits of randomness; OpenSSL).
[[nodiscard]] std::string make_tag();

}  // namespace voip::sip
