#pragma once
// Private to src/sip/digest_*.cpp: the auth-param list shared by challenges and credentials.

#include <voip/result.hpp>
#include <voip/sip/digest.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace voip::sip::detail {

// One `name = value` of a digest value; quoted-string values arrive unquoted and unescaped.
struct AuthParam {
    std::string_view name;
    std::string value;
};

// Split `Digest name=value, name="quoted", ...` (RFC 3261 §25.1 challenge / credentials,
// RFC 7235 §2.1 auth-param) into parameters. The scheme must be Digest (case-insensitive).
[[nodiscard]] Result<std::vector<AuthParam>> parse_digest_params(std::string_view value,
                                                                 const DigestLimits& limits);

[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;
[[nodiscard]] bool is_token(std::string_view text) noexcept;

// Writers: `, name="escaped"` or `, name=token` (the separator only after the first).
void append_quoted(std::string& out, std::string_view name, std::string_view value);
void append_token(std::string& out, std::string_view name, std::string_view value);

}  // namespace voip::sip::detail
