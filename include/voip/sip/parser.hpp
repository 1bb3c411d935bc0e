#pragma once
// Parse bytes that may hold either a request or a response.

#include <voip/result.hpp>
#include <voip/sip/error.hpp>
#include <voip/sip/message.hpp>

#include <concepts>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace voip::sip {

using AnyMessage = std::variant<Request, Response>;

/// Parse one SIP message (datagram semantics: without Content-Length the body is the rest of
/// the bytes; with it, bytes beyond it are ignored and fewer are an error). Errors: ParseError.
[[nodiscard]] Result<AnyMessage> parse_message(std::string_view bytes,
                                               const ParseLimits& limits = {});
/// Same, taking ownership of the bytes (no copy).
[[nodiscard]] Result<AnyMessage> parse_message_owned(std::string bytes,
                                                     const ParseLimits& limits = {});
/// Same for a std::string rvalue (a template only so that literals and lvalues pick the
/// string_view overload unambiguously).
template <class S>
requires std::same_as<S, std::string>
[[nodiscard]] Result<AnyMessage> parse_message(S&& bytes, const ParseLimits& limits = {}) {
    return parse_message_owned(std::forward<S>(bytes), limits);
}

}  // namespace voip::sip
