#include <voip/sip/error.hpp>
#include <voip/sip/header_types.hpp>

#include "sip/chars.hpp"
#include "sip/name_addr_parts.hpp"
#include "sip/uri_parts.hpp"
#include "sip/via_scan.hpp"

namespace voip::sip {

using detail::skip_ws;

std::optional<std::uint32_t> parse_uint32(std::string_view digits) noexcept {
    if (digits.empty()) return std::nullopt;
    std::uint64_t value = 0;
    for (char c : digits) {
        if (!detail::is_digit(c)) return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
        if (value > 0xFFFFFFFFULL) return std::nullopt;
    }
    return static_cast<std::uint32_t>(value);
}

namespace detail {

std::error_code parse_via_prefix(std::string_view s, Via& via, std::size_t& end,
                                 std::string_view* branch) noexcept {
    const auto bad = [] { return make_error_code(ParseError::bad_via); };
    via = Via{};
    std::size_t i = skip_ws(s, 0);
    auto take_token = [&s, &i]() {
        std::size_t begin = i;
        while (i < s.size() && is_token(s[i]))
            ++i;
        return s.substr(begin, i - begin);
    };
    // sent-protocol = protocol-name SLASH protocol-version SLASH transport (SLASH = SWS "/" SWS)
    via.protocol_name = take_token();
    if (via.protocol_name.empty()) return bad();
    i = skip_ws(s, i);
    if (i >= s.size() || s[i] != '/') return bad();
    i = skip_ws(s, i + 1);
    via.protocol_version = take_token();
    if (via.protocol_version.empty()) return bad();
    i = skip_ws(s, i);
    if (i >= s.size() || s[i] != '/') return bad();
    i = skip_ws(s, i + 1);
    via.transport = take_token();
    if (via.transport.empty()) return bad();
    // LWS sent-by
    if (i >= s.size() || !is_ws(s[i])) return bad();
    i = skip_ws(s, i);
    std::size_t host_begin = i;
    if (i < s.size() && s[i] == '[') {
        std::size_t close = s.find(']', i);
        if (close == std::string_view::npos) return bad();
        i = close + 1;
        via.host = s.substr(host_begin, i - host_begin);
        if (!valid_host(via.host)) return bad();
    } else {
        std::size_t len = scan_host(s.substr(i));
        if (len == 0) return bad();
        i += len;
        via.host = s.substr(host_begin, len);
    }
    i = skip_ws(s, i);
    if (i < s.size() && s[i] == ':') {
        i = skip_ws(s, i + 1);
        std::size_t port_begin = i;
        while (i < s.size() && is_digit(s[i]))
            ++i;
        std::uint16_t port = 0;
        if (!parse_port(s.substr(port_begin, i - port_begin), port)) return bad();
        via.port = port;
    }
    end = scan_header_params(s, i, "branch", branch);
    if (end == std::string_view::npos) return bad();
    via.params = ParamList(trim(s.substr(i, end - i)));
    return {};
}

}  // namespace detail

Result<Via> Via::parse(std::string_view text) {
    Via via;
    std::size_t end = 0;
    if (auto ec = detail::parse_via_prefix(text, via, end)) return ec;
    if (end != text.size()) return ParseError::bad_via;
    return via;
}

bool Via::has_rfc3261_branch() const {
    return branch().starts_with("z9hG4bK");
}

std::optional<std::uint16_t> Via::rport() const {
    auto value = params.value("rport");
    std::uint16_t port = 0;
    if (!value || !detail::parse_port(*value, port)) return std::nullopt;
    return port;
}

std::string Via::to_string() const {
    std::string out;
    out.reserve(64);
    out += protocol_name;
    out += '/';
    out += protocol_version;
    out += '/';
    out += transport;
    out += ' ';
    out += host;
    if (port) {
        out += ':';
        out += std::to_string(*port);
    }
    for (const Param& p : params) {
        out += ';';
        out += p.name;
        if (p.has_value) {
            out += '=';
            out += p.value;
        }
    }
    return out;
}

Result<CSeq> CSeq::parse(std::string_view text) {
    std::string_view s = detail::trim(text);
    std::size_t i = 0;
    std::uint64_t number = 0;
    while (i < s.size() && detail::is_digit(s[i])) {
        number = number * 10 + static_cast<std::uint64_t>(s[i] - '0');
        // RFC 3261 §8.1.1.5: the sequence number MUST be less than 2^31.
        if (number >= (1ULL << 31)) return ParseError::bad_cseq;
        ++i;
    }
    if (i == 0 || i >= s.size() || !detail::is_ws(s[i])) return ParseError::bad_cseq;
    i = skip_ws(s, i);
    std::string_view method = s.substr(i);
    if (!detail::all_token(method)) return ParseError::bad_cseq;
    return CSeq{static_cast<std::uint32_t>(number), method};
}

std::string CSeq::to_string() const {
    return std::to_string(number) + " " + std::string(method);
}

}  // namespace voip::sip
