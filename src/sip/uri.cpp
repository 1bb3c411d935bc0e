#include <voip/sip/error.hpp>
#include <voip/sip/headers.hpp>
#include <voip/sip/uri.hpp>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "sip/chars.hpp"
#include "sip/uri_parts.hpp"

namespace voip::sip {
namespace detail {
namespace {

Range range(std::size_t pos, std::size_t len) {
    return {static_cast<std::uint32_t>(pos), static_cast<std::uint32_t>(len)};
}

// 1*( allowed / escaped ), or 0* when may_be_empty.
bool valid_escaped_run(std::string_view s, std::uint16_t allowed, bool may_be_empty) noexcept {
    if (s.empty()) return may_be_empty;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= s.size()) return false;
            if (hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0) return false;
            i += 2;
            continue;
        }
        if (!is(c, allowed)) return false;
    }
    return true;
}

bool valid_ipv4(std::string_view s) noexcept {
    int parts = 0;
    std::size_t i = 0;
    while (true) {
        std::size_t begin = i;
        unsigned value = 0;
        while (i < s.size() && is_digit(s[i]) && i - begin < 3) {
            value = value * 10 + static_cast<unsigned>(s[i] - '0');
            ++i;
        }
        if (i == begin || value > 255) return false;
        ++parts;
        if (i == s.size()) return parts == 4;
        if (s[i] != '.' || parts == 4) return false;
        ++i;
    }
}

bool valid_ipv6(std::string_view s) noexcept {
    // Loose but bounded: hex digits, ':' and an optional dotted IPv4 tail; at least one ':'.
    if (s.size() < 2 || s.size() > 45) return false;
    bool colon = false;
    for (char c : s) {
        if (c == ':') {
            colon = true;
        } else if (hex_value(c) < 0 && c != '.') {
            return false;
        }
    }
    return colon;
}

// Scan a hostname or IPv4address from s[0] in one pass; returns its length (0 when invalid).
// hostname = *( domainlabel "." ) toplabel [ "." ], toplabel starts with ALPHA; a host whose
// last label starts with a digit can only be an IPv4address (RFC 3261 §25.1).
std::size_t scan_host_name(std::string_view s) noexcept {
    const std::size_t n = s.size();
    std::size_t i = 0;
    std::size_t top = 0;  // first char of the last label
    while (true) {
        if (i >= n || !is(s[i], alnum)) {
            if (i == 0) return 0;
            break;  // after a trailing dot
        }
        top = i++;
        while (i < n && is(s[i], label))
            ++i;
        if (s[i - 1] == '-') return 0;  // a label may not end with '-'
        if (i < n && s[i] == '.') {
            ++i;
            continue;
        }
        break;
    }
    if (i > 255) return 0;
    if (is_digit(s[top])) return valid_ipv4(s.substr(0, i)) ? i : 0;
    return i;
}

bool valid_hostname(std::string_view s) noexcept {
    return !s.empty() && scan_host_name(s) == s.size();
}

// Index past the 1*( allowed / escaped ) run starting at s[i], or npos on a bad escape.
std::size_t scan_escaped(std::string_view s, std::size_t i, std::uint16_t allowed) noexcept {
    const std::size_t n = s.size();
    while (i < n) {
        char c = s[i];
        if (is(c, allowed)) {
            ++i;
        } else if (c == '%') {
            if (i + 2 >= n || hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0) {
                return std::string_view::npos;
            }
            i += 3;
        } else {
            break;
        }
    }
    return i;
}

bool valid_uri_params(std::string_view s) noexcept {
    // *( ";" pname [ "=" pvalue ] ), pname/pvalue = 1*paramchar, in one pass.
    constexpr std::uint16_t paramchar = unreserved | param_extra;
    constexpr auto npos = std::string_view::npos;
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] != ';') return false;
        std::size_t begin = ++i;
        i = scan_escaped(s, i, paramchar);
        if (i == npos || i == begin) return false;
        if (i < s.size() && s[i] == '=') {
            begin = ++i;
            i = scan_escaped(s, i, paramchar);
            if (i == npos || i == begin) return false;
        }
    }
    return true;
}

bool valid_uri_headers(std::string_view s) noexcept {
    // header *( "&" header ), header = hname "=" hvalue
    constexpr std::uint16_t hnv = unreserved | hnv_extra;
    std::size_t i = 0;
    while (true) {
        std::size_t end = s.find('&', i);
        if (end == std::string_view::npos) end = s.size();
        std::string_view header = s.substr(i, end - i);
        std::size_t eq = header.find('=');
        if (eq == std::string_view::npos) return false;
        if (!valid_escaped_run(header.substr(0, eq), hnv, false) ||
            !valid_escaped_run(header.substr(eq + 1), hnv, true)) {
            return false;
        }
        if (end == s.size()) return true;
        i = end + 1;
    }
}

std::error_code bad() noexcept {
    return make_error_code(ParseError::bad_uri);
}

std::error_code parse_sip(std::string_view text, std::size_t start, UriParts& out) noexcept {
    std::string_view rest = text.substr(start);
    std::size_t base = start;
    // userinfo ends at the first '@': '@' may not appear unescaped in user, password, params
    // or headers, while the user part may itself hold ';', '?', '/' (RFC 3261 §25.1).
    std::size_t at = rest.find('@');
    if (at != std::string_view::npos) {
        std::string_view userinfo = rest.substr(0, at);
        std::size_t colon = userinfo.find(':');
        std::string_view user = userinfo.substr(0, colon);
        if (!valid_escaped_run(user, unreserved | user_extra, false)) return bad();
        out.user = range(base, user.size());
        if (colon != std::string_view::npos) {
            std::string_view password = userinfo.substr(colon + 1);
            if (!valid_escaped_run(password, unreserved | pass_extra, true)) return bad();
            out.password = range(base + colon + 1, password.size());
            out.has_password = true;
        }
        base += at + 1;
        rest = rest.substr(at + 1);
    }
    // hostport
    std::size_t i = 0;
    if (!rest.empty() && rest[0] == '[') {
        std::size_t close = rest.find(']');
        if (close == std::string_view::npos || !valid_ipv6(rest.substr(1, close - 1))) return bad();
        i = close + 1;
    } else {
        i = scan_host_name(rest);
        if (i == 0 || (i < rest.size() && is(rest[i], host))) return bad();
    }
    out.host = range(base, i);
    if (i < rest.size() && rest[i] == ':') {
        std::size_t begin = ++i;
        while (i < rest.size() && is_digit(rest[i]))
            ++i;
        std::uint16_t port = 0;
        if (!parse_port(rest.substr(begin, i - begin), port)) return bad();
        out.port = range(base + begin, i - begin);
    }
    std::size_t q = rest.find('?', i);
    std::string_view params = rest.substr(i, q == std::string_view::npos ? rest.size() - i : q - i);
    if (!valid_uri_params(params)) return bad();
    out.params = range(base + i, params.size());
    if (q != std::string_view::npos) {
        std::string_view headers = rest.substr(q + 1);
        if (!valid_uri_headers(headers)) return bad();
        out.headers = range(base + q + 1, headers.size());
    }
    return {};
}

std::error_code parse_tel(std::string_view text, std::size_t start, UriParts& out) noexcept {
    // RFC 3966: telephone-subscriber = global-number / local-number, then ;par
    std::string_view rest = text.substr(start);
    std::size_t semi = rest.find(';');
    std::string_view number = rest.substr(0, semi);
    if (number.empty()) return bad();
    std::size_t i = number[0] == '+' ? 1 : 0;
    bool any = false;
    for (; i < number.size(); ++i) {
        char c = number[i];
        if (hex_value(c) >= 0 || c == '*' || c == '#') {
            any = true;
        } else if (c != '-' && c != '.' && c != '(' && c != ')') {
            return bad();
        }
    }
    if (!any) return bad();
    out.user = range(start, number.size());
    if (semi != std::string_view::npos) {
        std::string_view params = rest.substr(semi);
        if (!valid_uri_params(params)) return bad();
        out.params = range(start + semi, params.size());
    }
    return {};
}

}  // namespace

std::size_t scan_host(std::string_view s) noexcept {
    return scan_host_name(s);
}

bool parse_port(std::string_view digits, std::uint16_t& port) noexcept {
    if (digits.empty() || digits.size() > 5) return false;
    unsigned value = 0;
    for (char c : digits) {
        if (!is_digit(c)) return false;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > 65535) return false;
    port = static_cast<std::uint16_t>(value);
    return true;
}

bool valid_host(std::string_view h) noexcept {
    if (h.empty()) return false;
    if (h.front() == '[')
        return h.size() > 2 && h.back() == ']' && valid_ipv6(h.substr(1, h.size() - 2));
    return valid_hostname(h);
}

std::error_code parse_uri_parts(std::string_view text, UriParts& out) noexcept {
    out = UriParts{};
    if (text.empty() || text.size() > 0xFFFF) return bad();
    // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
    std::size_t i = 0;
    if (!is(text[0], alpha)) return bad();
    while (i < text.size() &&
           (is(text[i], alnum) || text[i] == '+' || text[i] == '-' || text[i] == '.'))
        ++i;
    if (i >= text.size() || text[i] != ':') return bad();
    std::string_view scheme = text.substr(0, i);
    out.scheme_name = range(0, i);
    std::size_t start = i + 1;
    // The common case first, without a call: "sip" in any case.
    if (i == 3 && to_lower(text[0]) == 's' && to_lower(text[1]) == 'i' &&
        to_lower(text[2]) == 'p') {
        out.scheme = Uri::Scheme::sip;
        return parse_sip(text, start, out);
    }
    if (iequals(scheme, "sip")) {
        out.scheme = Uri::Scheme::sip;
        return parse_sip(text, start, out);
    }
    if (iequals(scheme, "sips")) {
        out.scheme = Uri::Scheme::sips;
        return parse_sip(text, start, out);
    }
    if (iequals(scheme, "tel")) {
        out.scheme = Uri::Scheme::tel;
        return parse_tel(text, start, out);
    }
    // absoluteURI = scheme ":" ( hier-part / opaque-part ): 1*( reserved / unreserved / escaped )
    out.scheme = Uri::Scheme::other;
    if (!valid_escaped_run(text.substr(start), reserved | unreserved, false)) return bad();
    return {};
}

}  // namespace detail

using detail::Range;

Result<Uri> Uri::parse(std::string_view text) {
    return parse_owned(std::string(text));
}

Result<Uri> Uri::parse_owned(std::string text) {
    detail::UriParts parts;
    if (auto ec = detail::parse_uri_parts(text, parts)) return ec;
    Uri uri;
    uri.text_ = std::move(text);
    auto span = [](Range r) { return Span{r.pos, r.len}; };
    uri.scheme_ = parts.scheme;
    uri.scheme_span_ = span(parts.scheme_name);
    uri.user_ = span(parts.user);
    uri.password_ = span(parts.password);
    uri.host_ = span(parts.host);
    uri.port_ = span(parts.port);
    uri.params_ = span(parts.params);
    uri.headers_ = span(parts.headers);
    uri.has_password_ = parts.has_password;
    return uri;
}

std::optional<std::string_view> Uri::password() const {
    if (!has_password_) return std::nullopt;
    return view(password_);
}

std::optional<std::uint16_t> Uri::port() const noexcept {
    if (port_.len == 0) return std::nullopt;
    std::uint16_t port = 0;
    if (!detail::parse_port(view(port_), port)) return std::nullopt;
    return port;
}

std::string_view Uri::opaque() const noexcept {
    std::string_view t = text_;
    return scheme_span_.len < t.size() ? t.substr(scheme_span_.len + 1) : std::string_view{};
}

std::string unescape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            int hi = detail::hex_value(text[i + 1]);
            int lo = detail::hex_value(text[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        out.push_back(text[i]);
    }
    return out;
}

std::string Uri::user_unescaped() const {
    return unescape(user());
}

namespace {

// RFC 3261 §19.1.2: escape what may not appear literally in the user part.
std::string escape_user(std::string_view user) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (char c : user) {
        if (detail::is(c, detail::unreserved | detail::user_extra)) {
            out.push_back(c);
        } else {
            auto b = static_cast<unsigned char>(c);
            out.push_back('%');
            out.push_back(digits[b >> 4]);
            out.push_back(digits[b & 15]);
        }
    }
    return out;
}

std::string bracket_host(std::string_view host) {
    if (host.find(':') != std::string_view::npos && host.front() != '[') {
        std::string out = "[";
        out += host;
        out += ']';
        return out;
    }
    return std::string(host);
}

}  // namespace

Uri Uri::make_sip(std::string_view user, std::string_view host, std::optional<std::uint16_t> port,
                  bool secure) {
    std::string text = secure ? "sips:" : "sip:";
    if (!user.empty()) {
        text += escape_user(user);
        text += '@';
    }
    text += bracket_host(host);
    if (port) {
        text += ':';
        text += std::to_string(*port);
    }
    auto uri = parse_owned(std::move(text));
    if (!uri) throw std::invalid_argument("voip::sip::Uri::make_sip: invalid host");
    return std::move(uri).value();
}

void Uri::rebuild(std::string_view user, std::string_view host, std::string_view port,
                  std::string_view params) {
    if (!is_sip()) throw std::invalid_argument("voip::sip::Uri: edits need a sip/sips URI");
    std::string text(scheme_name());
    text += ':';
    if (!user.empty()) {
        text += user;
        if (has_password_) {
            text += ':';
            text += view(password_);
        }
        text += '@';
    }
    text += host;
    if (!port.empty()) {
        text += ':';
        text += port;
    }
    text += params;
    if (headers_.len != 0) {
        text += '?';
        text += headers();
    }
    auto uri = parse_owned(std::move(text));
    if (!uri) throw std::invalid_argument("voip::sip::Uri: edit makes an invalid URI");
    *this = std::move(uri).value();
}

void Uri::set_user(std::string_view user) {
    std::string escaped = escape_user(user);
    rebuild(escaped, std::string(host()), std::string(view(port_)), std::string(view(params_)));
}

void Uri::set_host(std::string_view host) {
    rebuild(std::string(this->user()), bracket_host(host), std::string(view(port_)),
            std::string(view(params_)));
}

void Uri::set_port(std::optional<std::uint16_t> port) {
    rebuild(std::string(user()), std::string(host()), port ? std::to_string(*port) : "",
            std::string(view(params_)));
}

void Uri::set_param(std::string_view name, std::optional<std::string_view> value) {
    std::string params;
    bool replaced = false;
    for (const Param& p : this->params()) {
        params += ';';
        if (iequals(p.name, name)) {
            if (replaced) {
                params.pop_back();
                continue;
            }
            replaced = true;
            params += name;
            if (value) (params += '=') += *value;
            continue;
        }
        params += p.name;
        if (p.has_value) (params += '=') += p.value;
    }
    if (!replaced) {
        (params += ';') += name;
        if (value) (params += '=') += *value;
    }
    rebuild(std::string(user()), std::string(host()), std::string(view(port_)), params);
}

void Uri::remove_param(std::string_view name) {
    std::string params;
    for (const Param& p : this->params()) {
        if (iequals(p.name, name)) continue;
        (params += ';') += p.name;
        if (p.has_value) (params += '=') += p.value;
    }
    rebuild(std::string(user()), std::string(host()), std::string(view(port_)), params);
}

Result<Uri> Uri::to_sip(std::string_view host) const {
    if (scheme_ != Scheme::tel) return ParseError::bad_uri;
    // RFC 3261 §19.1.6: the telephone-subscriber, parameters included, becomes the user part.
    // Characters a SIP user part may not hold literally (e.g. ':' '[' ']' in a tel parameter)
    // are escaped; existing %HH escapes are kept.
    std::string text = "sip:";
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string subscriber(user());
    subscriber += view(params_);
    for (char c : subscriber) {
        if (c == '%' || detail::is(c, detail::unreserved | detail::user_extra)) {
            text += c;
        } else {
            auto b = static_cast<unsigned char>(c);
            text += '%';
            text += digits[b >> 4];
            text += digits[b & 15];
        }
    }
    text += '@';
    text += bracket_host(host);
    text += ";user=phone";
    return parse_owned(std::move(text));
}

namespace {

std::string lower(std::string s) {
    for (char& c : s)
        c = detail::to_lower(c);
    return s;
}

bool iequals_unescaped(std::string_view a, std::string_view b) {
    return iequals(unescape(a), unescape(b));
}

// RFC 3966 §4: compare numbers without visual separators, case-insensitive hex.
std::string tel_digits(std::string_view number) {
    std::string out;
    for (char c : number) {
        if (c == '-' || c == '.' || c == '(' || c == ')') continue;
        out.push_back(detail::to_lower(c));
    }
    return out;
}

}  // namespace

bool Uri::equivalent(const Uri& other) const {
    if (scheme_ != other.scheme_) return false;
    if (scheme_ == Scheme::other) {
        return iequals(scheme_name(), other.scheme_name()) && opaque() == other.opaque();
    }
    if (scheme_ == Scheme::tel) {
        if (tel_digits(user()) != tel_digits(other.user())) return false;
        // Parameters: same set, values compared case-insensitively.
        // Same parameter names, values compared case-insensitively (first occurrence each).
        for (const Param& p : params()) {
            auto o = other.params().find(p.name);
            if (!o || !iequals_unescaped(params().find(p.name)->value, o->value)) return false;
        }
        for (const Param& p : other.params()) {
            if (!params().contains(p.name)) return false;
        }
        return true;
    }
    // RFC 3261 §19.1.4: user and password case-sensitive after unescaping; host
    // case-insensitive; port must match in presence and value.
    if (unescape(user()) != unescape(other.user())) return false;
    if (has_password_ != other.has_password_) return false;
    if (has_password_ && unescape(view(password_)) != unescape(other.view(other.password_))) {
        return false;
    }
    if (lower(unescape(host())) != lower(unescape(other.host()))) return false;
    if (port() != other.port()) return false;
    // Parameters in both must match; user, ttl, method and maddr must be in both or neither.
    // transport too: the §19.1.4 examples call sip:bob@biloxi.com and
    // sip:bob@biloxi.com;transport=udp different ("can resolve to different ports").
    auto must_be_in_both = [](std::string_view name) {
        return iequals(name, "user") || iequals(name, "ttl") || iequals(name, "method") ||
               iequals(name, "maddr") || iequals(name, "transport");
    };
    // A repeated parameter counts once, by its first occurrence (as find() reads it).
    auto repeated = [](const ParamList& list, const Param& p) {
        return list.find(p.name)->name.data() != p.name.data();
    };
    for (const Param& p : params()) {
        if (repeated(params(), p)) continue;
        auto o = other.params().find(p.name);
        if (o) {
            if (!iequals_unescaped(p.value, o->value)) return false;
        } else if (must_be_in_both(p.name)) {
            return false;
        }
    }
    for (const Param& p : other.params()) {
        if (!params().contains(p.name) && must_be_in_both(p.name)) return false;
    }
    // Headers: every header in either URI must be in both, values case-sensitive (unescaped).
    auto split_headers = [](std::string_view h) {
        std::vector<std::pair<std::string, std::string>> out;
        while (!h.empty()) {
            std::size_t amp = h.find('&');
            std::string_view one = h.substr(0, amp);
            std::size_t eq = one.find('=');
            out.emplace_back(lower(unescape(one.substr(0, eq))),
                             eq == std::string_view::npos ? "" : unescape(one.substr(eq + 1)));
            if (amp == std::string_view::npos) break;
            h.remove_prefix(amp + 1);
        }
        std::sort(out.begin(), out.end());
        return out;
    };
    return split_headers(headers()) == split_headers(other.headers());
}

}  // namespace voip::sip
