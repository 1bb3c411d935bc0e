#pragma once
// Secrets out of logged SIP messages (issue 11: no credentials or SRTP keys in logs at any
// verbosity).

#include <string>
#include <string_view>

namespace voip::sip::detail {

/// @p message with the values of Authorization / Proxy-Authorization headers, SDES key
/// parameters (`a=crypto:... inline:<key>`) and SDP `k=` lines replaced by `<redacted>`.
[[nodiscard]] std::string redact_for_log(std::string_view message);

}  // namespace voip::sip::detail
