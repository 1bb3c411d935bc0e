#pragma once
/// @file
/// Requests the transaction layer builds from others: the ACK for a non-2xx final response
/// (RFC 3261 §17.1.1.3), CANCEL (§9.1), and fresh branch parameters (§8.1.1.7).

#include <voip/result.hpp>
#include <voip/sip/message.hpp>

#include <string>

namespace voip::sip {

/// The RFC 3261 §8.1.1.7 magic cookie every branch we generate starts with.
inline constexpr std::string_view branch_cookie = "z9hG4bK";

/// A new branch: `z9hG4bK` + 24 hex digits (96 bits from OpenSSL's CSPRNG), unique in space and
/// time and not guessable by an off-path attacker.
[[nodiscard]] std::string generate_branch();

/// RFC 3261 §17.1.1.3: the ACK for a 300-699 response to @p invite: same Request-URI, Call-ID,
/// From, CSeq number (method ACK), the top Via only (same branch), To from the response (with
/// its tag), the INVITE's Route headers, Max-Forwards 70, no body.
[[nodiscard]] Request make_ack_for_non2xx(const Request& invite, const Response& response);

/// RFC 3261 §9.1: a CANCEL for @p request (an INVITE): same Request-URI, Call-ID, To, From,
/// CSeq number (method CANCEL), top Via only (same branch), Route headers, Max-Forwards 70.
[[nodiscard]] Request make_cancel(const Request& request);

}  // namespace voip::sip
