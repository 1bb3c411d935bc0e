#include <voip/sip/error.hpp>
#include <voip/sip/header_types.hpp>
#include <voip/sip/headers.hpp>
#include <voip/sip/name_addr.hpp>

#include <algorithm>
#include <stdexcept>

#include "sip/chars.hpp"
#include "sip/name_addr_parts.hpp"
#include "sip/uri_parts.hpp"

namespace voip::sip {
namespace detail {
bool is_gen_value_char(char c) noexcept {
    // gen-value = token / host / quoted-string; host adds ':' '[' ']' for IPv6.
    return is(c, gen_value);
}

std::size_t scan_header_params(std::string_view s, std::size_t i, std::string_view wanted,
                               std::string_view* found) noexcept {
    bool looking = found != nullptr;
    constexpr auto npos = std::string_view::npos;
    i = skip_ws(s, i);
    while (i < s.size()) {
        if (s[i] == ',') return i;
        if (s[i] != ';') return npos;
        i = skip_ws(s, i + 1);
        std::size_t name_begin = i;
        while (i < s.size() && is_token(s[i]))
            ++i;
        if (i == name_begin) return npos;
        // Size first: most parameters are not the wanted one, and iequals is out of line.
        bool match = looking && i - name_begin == wanted.size() &&
                     iequals(s.substr(name_begin, i - name_begin), wanted);
        i = skip_ws(s, i);
        if (i < s.size() && s[i] == '=') {
            i = skip_ws(s, i + 1);
            std::size_t value_begin = i;
            if (i < s.size() && s[i] == '"') {
                i = skip_quoted(s, i);
                if (i == npos) return npos;
            } else {
                while (i < s.size() && is_gen_value_char(s[i]))
                    ++i;
                if (i == value_begin) return npos;
            }
            if (match) {
                *found = s.substr(value_begin, i - value_begin);
                looking = false;
            }
            i = skip_ws(s, i);
        } else if (match) {
            *found = {};
            looking = false;
        }
    }
    return s.size();
}

std::string_view find_param(std::string_view params, std::string_view name) noexcept {
    for (const Param& p : ParamList(params)) {
        if (iequals(p.name, name)) return p.value;
    }
    return {};
}

std::error_code parse_name_addr_prefix(std::string_view s, NameAddrParts& out,
                                       std::size_t& end) noexcept {
    out = NameAddrParts{};
    std::size_t i = skip_ws(s, 0);
    if (i >= s.size()) return make_error_code(ParseError::bad_name_addr);
    if (s[i] == '"' || s[i] == '<') {
        out.angle = true;
        if (s[i] == '"') {
            std::size_t close = skip_quoted(s, i);
            if (close == std::string_view::npos) return make_error_code(ParseError::bad_name_addr);
            out.display_name = s.substr(i, close - i);
            i = skip_ws(s, close);
        }
    } else {
        std::size_t j = i;
        while (j < s.size() && (is_token(s[j]) || is_ws(s[j])))
            ++j;
        if (j < s.size() && s[j] == '<') {
            out.angle = true;
            out.display_name = trim(s.substr(i, j - i));
            i = j;
        } else if (j == s.size() || s[j] != ':') {
            // e.g. RFC 4475 §3.1.2.15: a ',' in an unquoted display name
            return make_error_code(ParseError::bad_name_addr);
        }
    }
    std::size_t rest;
    if (out.angle) {
        if (i >= s.size() || s[i] != '<') return make_error_code(ParseError::bad_name_addr);
        std::size_t close = s.find('>', i + 1);
        if (close == std::string_view::npos) return make_error_code(ParseError::bad_name_addr);
        out.uri = s.substr(i + 1, close - i - 1);
        rest = close + 1;
    } else {
        // RFC 3261 §20: in the addr-spec form the URI ends at the first ';' (those parameters
        // are header parameters) and may not contain '?' (nor ',', which ends the element).
        std::size_t k = i;
        while (k < s.size() && s[k] != ';' && s[k] != ',' && !is_ws(s[k])) {
            if (s[k] == '?') return make_error_code(ParseError::bad_name_addr);
            ++k;
        }
        out.uri = s.substr(i, k - i);
        rest = k;
    }
    UriParts parts;
    if (auto ec = parse_uri_parts(out.uri, parts)) return ec;
    end = scan_header_params(s, rest, "tag", &out.tag);
    if (end == std::string_view::npos) return make_error_code(ParseError::bad_name_addr);
    out.params = trim(s.substr(rest, end - rest));
    return {};
}

std::error_code parse_name_addr_parts(std::string_view text, NameAddrParts& out) noexcept {
    std::size_t end = 0;
    if (auto ec = parse_name_addr_prefix(text, out, end)) return ec;
    if (end != text.size()) return make_error_code(ParseError::bad_name_addr);
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
        // gen-value = token / host / quoted-string: exactly one of them, nothing after.
        std::string_view v = *value;
        if (!v.empty() && v.front() == '"') {
            ok = detail::skip_quoted(v, 0) == v.size();
        } else {
            ok = !v.empty() && std::all_of(v.begin(), v.end(), detail::is_gen_value_char);
        }
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
