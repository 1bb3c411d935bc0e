#pragma once
// Small text helpers shared by the SDP parser files. Internal: not installed.

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

namespace voip::sdp::detail {

// A decimal number made only of digits (no sign, no spaces), within T's range.
template <class T>
std::optional<T> parse_number(std::string_view text) {
    static_assert(std::is_unsigned_v<T>);
    if (text.empty() || text.size() > 20) return std::nullopt;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
    }
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// Splits on every `sep`; empty fields are kept so callers can refuse double separators.
inline std::vector<std::string_view> split(std::string_view text, char sep) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (true) {
        auto pos = text.find(sep, start);
        if (pos == std::string_view::npos) {
            out.push_back(text.substr(start));
            return out;
        }
        out.push_back(text.substr(start, pos - start));
        start = pos + 1;
    }
}

// RFC 8866 §9 token-char: visible ASCII except the separators it excludes.
inline bool is_token_char(char c) noexcept {
    if (c <= 0x20 || c >= 0x7f) return false;
    switch (c) {
        case '"':
        case '(':
        case ')':
        case ',':
        case '/':
        case ':':
        case ';':
        case '<':
        case '=':
        case '>':
        case '?':
        case '@':
        case '[':
        case '\\':
        case ']':
        case '{':
        case '}':
            return false;
        default:
            return true;
    }
}

inline bool is_token(std::string_view text) noexcept {
    if (text.empty()) return false;
    for (char c : text) {
        if (!is_token_char(c)) return false;
    }
    return true;
}

// Visible ASCII (or UTF-8 bytes), no spaces or controls: addresses, user names.
inline bool is_non_ws_string(std::string_view text) noexcept {
    if (text.empty()) return false;
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f) return false;
    }
    return true;
}

}  // namespace voip::sdp::detail
