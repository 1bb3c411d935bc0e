#pragma once
// Character classes of the RFC 3261 §25.1 grammar, as one 256-entry table of bit flags so the
// parser tests a byte with one load (no locale, no <cctype>).

#include <array>
#include <cstdint>
#include <string_view>

namespace voip::sip::detail {

enum CharClass : std::uint16_t {
    alnum = 1 << 0,
    token = 1 << 1,        // alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"
    word = 1 << 2,         // token / "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" /
                           // "?" / "{" / "}"   (Call-ID)
    unreserved = 1 << 3,   // alphanum / mark
    user_extra = 1 << 4,   // user-unreserved: "&" / "=" / "+" / "$" / "," / ";" / "?" / "/"
    pass_extra = 1 << 5,   // "&" / "=" / "+" / "$" / ","
    param_extra = 1 << 6,  // param-unreserved: "[" / "]" / "/" / ":" / "&" / "+" / "$"
    hnv_extra = 1 << 7,    // hnv-unreserved: "[" / "]" / "/" / "?" / ":" / "+" / "$"
    reserved = 1 << 8,     // ";" / "/" / "?" / ":" / "@" / "&" / "=" / "+" / "$" / ","
    hex = 1 << 9,
    digit = 1 << 10,
    alpha = 1 << 11,
    host = 1 << 12,       // alphanum / "-" / "."
    ws = 1 << 13,         // SP / HT
    label = 1 << 14,      // alphanum / "-" (inside a domain label)
    gen_value = 1 << 15,  // gen-value characters outside quotes: token / ":" / "[" / "]" (host)
};

constexpr std::array<std::uint16_t, 256> make_char_table() {
    std::array<std::uint16_t, 256> t{};
    auto add = [&t](std::string_view chars, std::uint16_t flags) {
        for (char c : chars)
            t[static_cast<unsigned char>(c)] |= flags;
    };
    for (int c = '0'; c <= '9'; ++c)
        t[c] |= alnum | digit | hex;
    for (int c = 'a'; c <= 'z'; ++c)
        t[c] |= alnum | alpha;
    for (int c = 'A'; c <= 'Z'; ++c)
        t[c] |= alnum | alpha;
    add("abcdefABCDEF", hex);
    for (int c = 0; c < 256; ++c) {
        if (t[c] & alnum) t[c] |= token | word | unreserved | host;
    }
    add("-.!%*_+`'~", token | word);
    add("()<>:\\\"/[]?{}", word);
    add("-_.!~*'()", unreserved);
    add("&=+$,;?/", user_extra);
    add("&=+$,", pass_extra);
    add("[]/:&+$", param_extra);
    add("[]/?:+$", hnv_extra);
    add(";/?:@&=+$,", reserved);
    add("-.", host);
    for (int c = 0; c < 256; ++c) {
        if (t[c] & alnum) t[c] |= label;
    }
    add("-", label);
    add(" \t", ws);
    for (int c = 0; c < 256; ++c) {
        if (t[c] & token) t[c] |= gen_value;
    }
    add(":[]", gen_value);
    return t;
}

inline constexpr std::array<std::uint16_t, 256> char_table = make_char_table();

constexpr bool is(char c, std::uint16_t flags) noexcept {
    return (char_table[static_cast<unsigned char>(c)] & flags) != 0;
}
constexpr bool is_token(char c) noexcept {
    return is(c, token);
}
constexpr bool is_ws(char c) noexcept {
    return c == ' ' || c == '\t';
}
constexpr bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}
constexpr char to_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// All characters of s are tokens and s is not empty.
constexpr bool all_token(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (char c : s) {
        if (!is_token(c)) return false;
    }
    return true;
}

constexpr std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_ws(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_ws(s.back()))
        s.remove_suffix(1);
    return s;
}

constexpr std::size_t skip_ws(std::string_view s, std::size_t i) noexcept {
    while (i < s.size() && is_ws(s[i]))
        ++i;
    return i;
}

/// Index one past the closing DQUOTE of the quoted-string starting at s[i] == '"', or npos when
/// it is unterminated or holds a CR/LF or a quoted-pair of CR/LF (RFC 3261 §25.1).
constexpr std::size_t skip_quoted(std::string_view s, std::size_t i) noexcept {
    ++i;
    while (i < s.size()) {
        char c = s[i];
        if (c == '"') return i + 1;
        if (c == '\\') {
            if (i + 1 >= s.size() || s[i + 1] == '\r' || s[i + 1] == '\n')
                return std::string_view::npos;
            i += 2;
            continue;
        }
        if (c == '\r' || c == '\n') return std::string_view::npos;
        ++i;
    }
    return std::string_view::npos;
}

}  // namespace voip::sip::detail
