#pragma once
// The a=fmtp parameter string of one payload format ("useinbandfec=1; maxaveragebitrate=20000"),
// parsed into key/value pairs. RFC 8866 §6.15 leaves the syntax to each format; nearly all use
// semicolon-separated key=value pairs, which is what this handles. Parsing is lenient: it never
// fails, malformed pieces are kept as keys without value, and unknown keys are ignored by codecs.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace voip::codec {

class Fmtp {
public:
    Fmtp() = default;
    /// Parse "a=1;b=2" (spaces around separators allowed). Keys compare case-insensitively.
    [[nodiscard]] static Fmtp parse(std::string_view text);

    /// The value of `key` ("" for a key without '='), or nothing when absent.
    [[nodiscard]] std::optional<std::string_view> get(std::string_view key) const;
    /// The value of `key` as an unsigned integer, or nothing when absent or not a number.
    [[nodiscard]] std::optional<std::uint32_t> get_uint(std::string_view key) const;
    /// True when the key is present with the value "1" (the boolean style of RFC 7587).
    [[nodiscard]] bool flag(std::string_view key) const;

    /// Add or replace a parameter.
    void set(std::string_view key, std::string_view value);
    [[nodiscard]] bool empty() const noexcept { return params_.empty(); }
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& params() const noexcept {
        return params_;
    }
    /// "key=value;key=value" in insertion order.
    [[nodiscard]] std::string to_string() const;

private:
    std::vector<std::pair<std::string, std::string>> params_;
};

/// ASCII case-insensitive comparison (encoding names and fmtp keys, RFC 8866 §6.6).
[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

}  // namespace voip::codec
