// The SIP message parser: one pass over the bytes, validating the start line and every header
// the transaction and dialog layers rely on (RFC 3261 §7, §8.1.1, §18.3; RFC 4475 verdicts).

#include <voip/sip/error.hpp>
#include <voip/sip/parser.hpp>

#include <cstring>

#include "sip/chars.hpp"
#include "sip/name_addr_parts.hpp"
#include "sip/uri_parts.hpp"
#include "sip/via_scan.hpp"

namespace voip::sip {
namespace detail {

class MessageParser {
public:
    static std::error_code run(Message& m, const ParseLimits& limits) noexcept;

private:
    static std::error_code parse_start_line(Message& m, std::string_view line,
                                            std::size_t base) noexcept;
    static std::error_code validate(HeaderId id, std::string_view value, Message& m,
                                    unsigned& seen) noexcept;
};

namespace {

std::error_code err(ParseError e) noexcept {
    return make_error_code(e);
}

// "SIP/2.0", the literal "SIP" being case-insensitive (RFC 3261 §25.1 ABNF strings).
bool is_sip_2_0(std::string_view v) noexcept {
    return v.size() == 7 && to_lower(v[0]) == 's' && to_lower(v[1]) == 'i' &&
           to_lower(v[2]) == 'p' && v.substr(3) == "/2.0";
}

// SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT, whatever the numbers.
bool looks_like_version(std::string_view v) noexcept {
    if (v.size() < 7 || !iequals(v.substr(0, 4), "SIP/")) return false;
    v.remove_prefix(4);
    std::size_t dot = v.find('.');
    if (dot == 0 || dot == std::string_view::npos || dot + 1 == v.size()) return false;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i != dot && !is_digit(v[i])) return false;
    }
    return true;
}

bool valid_call_id(std::string_view v) noexcept {
    // callid = word [ "@" word ]: one pass; '@' is not a word character.
    std::size_t at = std::string_view::npos;
    for (std::size_t i = 0; i < v.size(); ++i) {
        char c = v[i];
        if (is(c, detail::word)) continue;
        if (c != '@' || at != std::string_view::npos || i == 0) return false;
        at = i;
    }
    return !v.empty() && at != v.size() - 1;
}

// Walk a comma list (RFC 3261 §7.3.1: 1#element, so empty elements are errors), scanning each
// element with parse_one(rest, end), which stops at the ',' after its element.
template <class F>
std::error_code for_each_element(std::string_view value, ParseError on_empty,
                                 F&& parse_one) noexcept {
    std::size_t i = 0;
    bool first = true;
    while (true) {
        i = skip_ws(value, i);
        if (i >= value.size() || value[i] == ',') return err(on_empty);
        std::size_t end = 0;
        std::string_view rest = value.substr(i);
        if (auto ec = parse_one(rest, end, first)) return ec;
        first = false;
        i += end;
        if (i >= value.size()) return {};
        ++i;  // the ','
    }
}

constexpr unsigned bit(HeaderId id) noexcept {
    switch (id) {
        case HeaderId::to:
            return 1U << 0;
        case HeaderId::from:
            return 1U << 1;
        case HeaderId::call_id:
            return 1U << 2;
        case HeaderId::cseq:
            return 1U << 3;
        case HeaderId::via:
            return 1U << 4;
        case HeaderId::max_forwards:
            return 1U << 5;
        case HeaderId::content_length:
            return 1U << 6;
        default:
            return 0;
    }
}
// Headers whose value validate() checks against its grammar (which has no room for a CR).
constexpr bool validated(HeaderId id) noexcept {
    return bit(id) != 0 || id == HeaderId::contact;
}
constexpr unsigned mandatory = (1U << 5) - 1;  // To, From, Call-ID, CSeq, Via

}  // namespace

std::error_code MessageParser::parse_start_line(Message& m, std::string_view line,
                                                std::size_t base) noexcept {
    auto span = [base, line](std::string_view part) {
        return Message::Span{
            static_cast<std::uint32_t>(base + static_cast<std::size_t>(part.data() - line.data())),
            static_cast<std::uint32_t>(part.size()), false};
    };
    if (line.size() >= 4 && iequals(line.substr(0, 4), "SIP/")) {
        // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 §7.2)
        std::size_t sp = line.find(' ');
        std::string_view version = line.substr(0, sp);
        if (!is_sip_2_0(version)) {
            return err(looks_like_version(version) ? ParseError::bad_version
                                                   : ParseError::bad_start_line);
        }
        if (sp == std::string_view::npos) return err(ParseError::bad_start_line);
        std::string_view rest = line.substr(sp + 1);
        std::size_t sp2 = rest.find(' ');
        std::string_view code = rest.substr(0, sp2);
        if (code.size() != 3 || !is_digit(code[0]) || !is_digit(code[1]) || !is_digit(code[2])) {
            return err(ParseError::bad_status_code);
        }
        int status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
        if (status < 100 || status > 699) return err(ParseError::bad_status_code);
        m.status_ = status;
        m.reason_ =
            span(sp2 == std::string_view::npos ? rest.substr(rest.size()) : rest.substr(sp2 + 1));
        return {};
    }
    // Request-Line = Method SP Request-URI SP SIP-Version (RFC 3261 §7.1): exactly two single
    // spaces; RFC 4475 §3.1.2.9/§3.1.2.10 extra or trailing spaces are refused.
    if (line.empty() || is_ws(line.back()) || is_ws(line.front())) {
        return err(ParseError::bad_start_line);
    }
    std::size_t sp1 = line.find(' ');
    std::size_t sp2 = line.rfind(' ');
    if (sp1 == std::string_view::npos || sp1 == sp2) return err(ParseError::bad_start_line);
    std::string_view method = line.substr(0, sp1);
    std::string_view uri = line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string_view version = line.substr(sp2 + 1);
    if (!all_token(method)) return err(ParseError::bad_method);
    if (!is_sip_2_0(version)) {
        return err(looks_like_version(version) ? ParseError::bad_version
                                               : ParseError::bad_start_line);
    }
    if (uri.empty() || is_ws(uri.front()) || is_ws(uri.back())) {
        return err(ParseError::bad_start_line);
    }
    UriParts parts;
    if (parse_uri_parts(uri, parts)) return err(ParseError::bad_request_uri);
    m.method_ = span(method);
    m.uri_ = span(uri);
    m.method_id_ = method_from(method);
    m.status_ = 0;
    return {};
}

std::error_code MessageParser::validate(HeaderId id, std::string_view value, Message& m,
                                        unsigned& seen) noexcept {
    unsigned b = bit(id);
    if (b != 0 && id != HeaderId::via) {
        // RFC 4475 §3.3.8/§3.3.9: single-valued headers may not repeat.
        if ((seen & b) != 0) return err(ParseError::duplicate_header);
    }
    if (id != HeaderId::via) seen |= b;
    const char* const base = m.buffer_.data();
    auto span = [base](std::string_view v) {
        if (v.empty()) return Message::Span{};  // may be a default view, not into the buffer
        return Message::Span{static_cast<std::uint32_t>(v.data() - base),
                             static_cast<std::uint32_t>(v.size()), false};
    };
    switch (id) {
        case HeaderId::via: {
            bool top = (seen & b) == 0;
            seen |= b;
            return for_each_element(
                value, ParseError::bad_via, [&](std::string_view e, std::size_t& end, bool first) {
                    Via via;
                    std::string_view branch;
                    bool want = top && first;
                    auto ec = parse_via_prefix(e, via, end, want ? &branch : nullptr);
                    if (!ec && want) {
                        m.cache_.branch = span(branch);
                    }
                    return ec;
                });
        }
        case HeaderId::from:
        case HeaderId::to: {
            NameAddrParts parts;
            if (auto ec = parse_name_addr_parts(value, parts)) return ec;
            (id == HeaderId::from ? m.cache_.from_tag : m.cache_.to_tag) = span(parts.tag);
            return {};
        }
        case HeaderId::contact: {
            if (value == "*") return {};
            bool first_contact = !m.cache_.has_contact_uri;
            return for_each_element(value, ParseError::bad_name_addr,
                                    [&](std::string_view e, std::size_t& end, bool first) {
                                        NameAddrParts parts;
                                        auto ec = parse_name_addr_prefix(e, parts, end);
                                        if (!ec && first && first_contact) {
                                            m.cache_.contact_uri = span(parts.uri);
                                            m.cache_.has_contact_uri = true;
                                        }
                                        return ec;
                                    });
        }
        case HeaderId::call_id:
            return valid_call_id(value) ? std::error_code{} : err(ParseError::bad_call_id);
        case HeaderId::cseq: {
            auto cseq = CSeq::parse(value);
            if (!cseq) return cseq.error();
            m.cache_.has_cseq = true;
            m.cache_.cseq_number = cseq->number;
            m.cache_.cseq_method = span(cseq->method);
            // RFC 3261 §8.1.1.5 / RFC 4475 §3.1.2.17: CSeq method matches the request method.
            if (m.is_request() && cseq->method != m.view(m.method_)) {
                return err(ParseError::cseq_method_mismatch);
            }
            return {};
        }
        case HeaderId::max_forwards: {
            // RFC 3261 §20.22: an integer 0..255.
            auto v = parse_uint32(value);
            return v && *v <= 255 ? std::error_code{} : err(ParseError::bad_max_forwards);
        }
        case HeaderId::content_length:
            return parse_uint32(value) ? std::error_code{} : err(ParseError::bad_content_length);
        default:
            return {};
    }
}

std::error_code MessageParser::run(Message& m, const ParseLimits& limits) noexcept {
    std::string& buf = m.buffer_;
    if (buf.size() > limits.max_message_bytes || buf.size() > 0xFFFFFFF0U) {
        return err(ParseError::too_large);
    }
    char* const data = buf.data();
    const std::size_t size = buf.size();
    // Start line.
    const char* lf = static_cast<const char*>(std::memchr(data, '\n', size));
    if (lf == nullptr) return err(ParseError::incomplete);
    std::size_t line_end = static_cast<std::size_t>(lf - data);
    if (line_end == 0 || data[line_end - 1] != '\r') return err(ParseError::bad_start_line);
    std::string_view start_line(data, line_end - 1);
    if (std::memchr(start_line.data(), '\r', start_line.size()) != nullptr) {
        return err(ParseError::bad_start_line);
    }
    if (auto ec = parse_start_line(m, start_line, 0)) return ec;

    m.fields_.clear();
    m.cache_ = Message::Cache{};
    m.fields_.reserve(20);
    unsigned seen = 0;
    std::uint32_t content_length = 0;
    std::size_t pos = line_end + 1;
    while (true) {
        if (pos >= size) return err(ParseError::incomplete);
        if (data[pos] == '\r') {
            if (pos + 1 >= size) return err(ParseError::incomplete);
            if (data[pos + 1] != '\n') return err(ParseError::bad_header);
            pos += 2;
            break;
        }
        // Header name: a token right at the start of the line (a line starting with
        // whitespace here would be folding of the start line, which RFC 3261 does not allow).
        // No bound check per byte: a std::string keeps a readable '\0' at data[size], which is
        // neither a token character nor whitespace, so both loops stop there at the latest.
        std::size_t i = pos;
        while (is_token(data[i]))
            ++i;
        if (i == pos) return err(ParseError::bad_header_name);
        std::string_view name(data + pos, i - pos);
        while (is_ws(data[i]))
            ++i;
        if (i >= size) return err(ParseError::incomplete);
        if (data[i] != ':') return err(ParseError::bad_header);
        ++i;
        // Value, across folded lines: each CRLF followed by SP/HT becomes two spaces in place.
        std::size_t value_begin = i;
        std::size_t value_end = 0;
        while (true) {
            const char* nl = static_cast<const char*>(std::memchr(data + i, '\n', size - i));
            if (nl == nullptr) return err(ParseError::incomplete);
            std::size_t n = static_cast<std::size_t>(nl - data);
            if (n == i || data[n - 1] != '\r') return err(ParseError::bad_header);
            if (n + 1 < size && is_ws(data[n + 1])) {
                data[n - 1] = ' ';
                data[n] = ' ';
                i = n + 1;
                continue;
            }
            value_end = n - 1;
            pos = n + 1;
            break;
        }
        std::string_view value =
            trim(std::string_view(data + value_begin, value_end - value_begin));
        if (m.fields_.size() >= limits.max_headers) return err(ParseError::too_many_headers);
        HeaderId id = header_id(name);
        if (auto ec = validate(id, value, m, seen)) return ec;
        // A bare CR inside a value: the typed validators refuse it already; check the rest.
        // (Folding CRLFs were turned into spaces above, so any CR left is bare.)
        if (!validated(id) && std::memchr(value.data(), '\r', value.size()) != nullptr) {
            return err(ParseError::bad_header);
        }
        if (id == HeaderId::content_length) content_length = *parse_uint32(value);
        Message::Field field;
        field.id = id;
        field.name = {static_cast<std::uint32_t>(name.data() - data),
                      static_cast<std::uint32_t>(name.size()), false};
        field.value = {static_cast<std::uint32_t>(value.data() - data),
                       static_cast<std::uint32_t>(value.size()), false};
        m.fields_.push_back(field);
    }
    // RFC 3261 §8.1.1: To, From, CSeq, Call-ID, Via (Max-Forwards is left optional so that
    // RFC 2543 requests still parse, RFC 4475 §3.4.1).
    if ((seen & mandatory) != mandatory) return err(ParseError::missing_header);
    // RFC 3261 §18.3: a body shorter than Content-Length is an error; extra octets are ignored.
    std::size_t available = size - pos;
    std::size_t body_len = available;
    if ((seen & bit(HeaderId::content_length)) != 0) {
        if (content_length > available) return err(ParseError::content_length_mismatch);
        body_len = content_length;
    }
    m.body_ = {static_cast<std::uint32_t>(pos), static_cast<std::uint32_t>(body_len), false};
    m.cache_.valid = true;
    return {};
}

}  // namespace detail

namespace {

bool starts_like_response(std::string_view bytes) noexcept {
    return bytes.size() >= 4 && iequals(bytes.substr(0, 4), "SIP/");
}

}  // namespace

Result<Request> Request::parse(std::string_view bytes, const ParseLimits& limits) {
    if (bytes.size() > limits.max_message_bytes) return ParseError::too_large;
    return parse_owned(std::string(bytes), limits);
}

Result<Request> Request::parse_owned(std::string bytes, const ParseLimits& limits) {
    if (starts_like_response(bytes)) return ParseError::wrong_kind;
    Request r;
    r.buffer_ = std::move(bytes);
    if (auto ec = detail::MessageParser::run(r, limits)) return ec;
    return r;
}

Result<Response> Response::parse(std::string_view bytes, const ParseLimits& limits) {
    if (bytes.size() > limits.max_message_bytes) return ParseError::too_large;
    return parse_owned(std::string(bytes), limits);
}

Result<Response> Response::parse_owned(std::string bytes, const ParseLimits& limits) {
    if (!starts_like_response(bytes)) return ParseError::wrong_kind;
    Response r;
    r.buffer_ = std::move(bytes);
    if (auto ec = detail::MessageParser::run(r, limits)) return ec;
    return r;
}

Result<AnyMessage> parse_message_owned(std::string bytes, const ParseLimits& limits) {
    if (starts_like_response(bytes)) {
        auto r = Response::parse_owned(std::move(bytes), limits);
        if (!r) return r.error();
        return AnyMessage(std::move(r).value());
    }
    auto r = Request::parse_owned(std::move(bytes), limits);
    if (!r) return r.error();
    return AnyMessage(std::move(r).value());
}

Result<AnyMessage> parse_message(std::string_view bytes, const ParseLimits& limits) {
    if (bytes.size() > limits.max_message_bytes) return ParseError::too_large;
    return parse_message_owned(std::string(bytes), limits);
}

}  // namespace voip::sip
