#include <voip/codec/fmtp.hpp>

#include <algorithm>
#include <charconv>

namespace voip::codec {
namespace {

char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
        s.remove_suffix(1);
    }
    return s;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

Fmtp Fmtp::parse(std::string_view text) {
    Fmtp out;
    while (!text.empty()) {
        const auto semi = text.find(';');
        const std::string_view piece = trim(text.substr(0, semi));
        text = semi == std::string_view::npos ? std::string_view{} : text.substr(semi + 1);
        if (piece.empty()) continue;
        const auto eq = piece.find('=');
        if (eq == std::string_view::npos) {
            out.set(piece, "");
        } else {
            const std::string_view key = trim(piece.substr(0, eq));
            if (!key.empty()) out.set(key, trim(piece.substr(eq + 1)));
        }
    }
    return out;
}

std::optional<std::string_view> Fmtp::get(std::string_view key) const {
    for (const auto& [k, v] : params_) {
        if (iequals(k, key)) return std::string_view{v};
    }
    return std::nullopt;
}

std::optional<std::uint32_t> Fmtp::get_uint(std::string_view key) const {
    const auto value = get(key);
    if (!value || value->empty()) return std::nullopt;
    std::uint32_t n = 0;
    const auto* end = value->data() + value->size();
    const auto [ptr, ec] = std::from_chars(value->data(), end, n);
    if (ec != std::errc{} || ptr != end) return std::nullopt;
    return n;
}

bool Fmtp::flag(std::string_view key) const {
    const auto value = get(key);
    return value && *value == "1";
}

void Fmtp::set(std::string_view key, std::string_view value) {
    for (auto& [k, v] : params_) {
        if (iequals(k, key)) {
            v = value;
            return;
        }
    }
    params_.emplace_back(std::string{key}, std::string{value});
}

std::string Fmtp::to_string() const {
    std::string out;
    for (const auto& [k, v] : params_) {
        if (!out.empty()) out += ';';
        out += k;
        if (!v.empty()) {
            out += '=';
            out += v;
        }
    }
    return out;
}

}  // namespace voip::codec
