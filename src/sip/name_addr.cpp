#include <voip/sip/error.hpp>
#include <voip/sip/header_types.hpp>
#include <voip/sip/headers.hpp>
#include <voip/sip/name_addr.hpp>

#include <stdexcept>

#include "sip/chars.hpp"
#include "sip/name_addr_parts.hpp"
#include "sip/uri_parts.hpp"

namespace voip::sip {
namespace detail {
namespace {

bool is_gen_value_char(char c) noexcept {
    // gen-value = token / host / quoted-string; host adds ':' '[' ']' for IPv6.
    return is_token(c) || c == ':' || c == '[' || c == ']';
}

}  // namespace

bool valid_header_params(std::string_view s) noexcept {
    std::size_t i = skip_ws(s, 0);
    while (i < s.size()) {
        if (s[i] != ';') return false;
        i = skip_ws(s, i + 1);
        std::size_t name_begin = i;
        while (i < s.size() && is_token(s[i]))
            ++i;
        if (i == name_begin) return false;
        i = skip_ws(s, i);
        if (i < s.size() && s[i] == '=') {
            i = skip_ws(s, i + 1);
            if (i < s.size() && s[i] == '"') {
                i = skip_quoted(s, i);
                if (i == std::string_view::npos) return false;
            } else {
                std::size_t value_begin = i;
                while (i < s.size() && is_gen_value_char(s[i]))
                    ++i;
                if (i == value_begin) return false;
            }
            i = skip_ws(s, i);
        }
    }
    return true;
}

std::string_view find_param(std::string_view params, std::string_view name) noexcept {
    for (const Param& p : ParamList(params)) {
        if (iequals(p.name, name)) return p.value;
    }
    return {};
}

std::error_code parse_name_addr_parts(std::string_view text, NameAddrParts& out) noexcept {
    const auto bad = make_error_code(ParseError::bad_name_addr);
    out = NameAddrParts{};
    std::string_view s = trim(text);
    if (s.empty()) return bad;
    std::size_t i = 0;
    std::string_view rest;
    if (s[0] == '"' || s[0] == '<') {
        out.angle = true;
        if (s[0] == '"') {
            std::size_t end = skip_quoted(s, 0);
            if (end == std::string_view::npos) return bad;
            out.display_name = s.substr(0, end);
            i = skip_ws(s, end);
        }
    } else {
        std::size_t j = 0;
        while (j < s.size() && (is_token(s[j]) || is_ws(s[j])))
            ++j;
        if (j < s.size() && s[j] == '<') {
            out.angle = true;
            out.display_name = trim(s.substr(0, j));
            i = j;
        } else if (j == s.size() || s[j] != ':') {
            return bad;  // e.g. RFC 4475 §3.1.2.15: a ',' in an unquoted display name
        }
    }
    if (out.angle) {
        if (i >= s.size() || s[i] != '<') return bad;
        std::size_t close = s.find('>', i + 1);
        if (close == std::string_view::npos) return bad;
        out.uri = s.substr(i + 1, close - i - 1);
        rest = s.substr(close + 1);
    } else {
        // RFC 3261 §20: in the addr-spec form the URI ends at the first ';' (those parameters
        // are header parameters) and may not contain ',' or '?'.
        std::size_t k = 0;
        while (k < s.size() && s[k] != ';' && !is_ws(s[k])) {
            if (s[k] == ',' || s[k] == '?') return bad;
            ++k;
        }
        out.uri = s.substr(0, k);
        rest = s.substr(k);
    }
    UriParts parts;
    if (auto ec = parse_uri_parts(out.uri, parts)) return ec;
    if (!valid_header_params(rest)) return bad;
    out.params = trim(rest);
    return {};
}

}  // namespace detail

namespace {

void append_param(std::string& out, std::string_view name, bool has_value, std::string_view value) {
    out += ';';
    out += name;
    if (has_value) {
        out += '=';
        out += value;
    }
}

}  // namespace

Result<NameAddr> NameAddr::parse(std::string_view text) {
    detail::NameAddrParts parts;
    if (auto ec = detail::parse_name_addr_parts(text, parts)) return ec;
    auto uri = Uri::parse(parts.uri);
    if (!uri) return uri.error();
    NameAddr out(std::move(uri).value());
    if (!parts.display_name.empty() && parts.display_name.front() == '"') {
        out.display_name_ = unquote(parts.display_name);
    } else {
        out.display_name_ = std::string(parts.display_name);
    }
    for (const Param& p : ParamList(parts.params)) {
        append_param(out.params_, p.name, p.has_value, p.value);
    }
    return out;
}

NameAddr::NameAddr(Uri uri, std::string_view display_name)
    : display_name_(display_name), uri_(std::move(uri)) {}

std::optional<std::uint32_t> NameAddr::expires() const {
    auto value = param("expires");
    if (!value) return std::nullopt;
    return parse_uint32(*value);
}

void NameAddr::set_param(std::string_view name, std::optional<std::string_view> value) {
    bool ok = detail::all_token(name);
    if (ok && value) {
        std::string probe = ";x=" + std::string(*value);
        ok = detail::valid_header_params(probe);
    }
    if (!ok) throw std::invalid_argument("voip::sip::NameAddr::set_param: not a token");
    std::string params;
    bool replaced = false;
    for (const Param& p : this->params()) {
        if (iequals(p.name, name)) {
            if (replaced) continue;
            replaced = true;
            append_param(params, name, value.has_value(), value.value_or(""));
        } else {
            append_param(params, p.name, p.has_value, p.value);
        }
    }
    if (!replaced) append_param(params, name, value.has_value(), value.value_or(""));
    params_ = std::move(params);
}

void NameAddr::remove_param(std::string_view name) {
    std::string params;
    for (const Param& p : this->params()) {
        if (!iequals(p.name, name)) append_param(params, p.name, p.has_value, p.value);
    }
    params_ = std::move(params);
}

void NameAddr::serialize_to(std::string& out) const {
    if (!display_name_.empty()) {
        out += '"';
        for (char c : display_name_) {
            // RFC 3261 §25.1 quoted-pair; CR and LF cannot be quoted, so they become spaces.
            auto byte = static_cast<unsigned char>(c);
            if (c == '"' || c == '\\' || (byte < 0x20 && c != '\t' && c != '\r' && c != '\n') ||
                byte == 0x7F) {
                out += '\\';
            }
            out += (c == '\r' || c == '\n') ? ' ' : c;
        }
        out += "\" ";
    }
    out += '<';
    out += uri_.to_string();
    out += '>';
    out += params_;
}

std::string NameAddr::to_string() const {
    std::string out;
    serialize_to(out);
    return out;
}

bool operator==(const NameAddr& a, const NameAddr& b) {
    return a.display_name_ == b.display_name_ && a.uri_.equivalent(b.uri_) &&
           a.params_ == b.params_;
}

}  // namespace voip::sip
