#include <voip/sip/error.hpp>
#include <voip/sip/message.hpp>

#include <algorithm>
#include <stdexcept>

#include "sip/chars.hpp"
#include "sip/name_addr_parts.hpp"

namespace voip::sip {

Method method_from(std::string_view token) noexcept {
    struct Entry {
        std::string_view name;
        Method method;
    };
    static constexpr Entry table[] = {
        {"INVITE", Method::invite},   {"ACK", Method::ack},
        {"BYE", Method::bye},         {"CANCEL", Method::cancel},
        {"OPTIONS", Method::options}, {"REGISTER", Method::register_},
        {"PRACK", Method::prack},     {"SUBSCRIBE", Method::subscribe},
        {"NOTIFY", Method::notify},   {"PUBLISH", Method::publish},
        {"INFO", Method::info},       {"REFER", Method::refer},
        {"MESSAGE", Method::message}, {"UPDATE", Method::update},
    };
    for (const Entry& e : table) {
        if (e.name == token) return e.method;
    }
    return Method::other;
}

std::string_view to_string(Method method) noexcept {
    switch (method) {
        case Method::invite:
            return "INVITE";
        case Method::ack:
            return "ACK";
        case Method::bye:
            return "BYE";
        case Method::cancel:
            return "CANCEL";
        case Method::options:
            return "OPTIONS";
        case Method::register_:
            return "REGISTER";
        case Method::prack:
            return "PRACK";
        case Method::subscribe:
            return "SUBSCRIBE";
        case Method::notify:
            return "NOTIFY";
        case Method::publish:
            return "PUBLISH";
        case Method::info:
            return "INFO";
        case Method::refer:
            return "REFER";
        case Method::message:
            return "MESSAGE";
        case Method::update:
            return "UPDATE";
        case Method::other:
            break;
    }
    return {};
}

std::string_view default_reason(int status) noexcept {
    switch (status) {
        case 100:
            return "Trying";
        case 180:
            return "Ringing";
        case 181:
            return "Call Is Being Forwarded";
        case 182:
            return "Queued";
        case 183:
            return "Session Progress";
        case 199:
            return "Early Dialog Terminated";
        case 200:
            return "OK";
        case 202:
            return "Accepted";
        case 204:
            return "No Notification";
        case 300:
            return "Multiple Choices";
        case 301:
            return "Moved Permanently";
        case 302:
            return "Moved Temporarily";
        case 305:
            return "Use Proxy";
        case 380:
            return "Alternative Service";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 402:
            return "Payment Required";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 406:
            return "Not Acceptable";
        case 407:
            return "Proxy Authentication Required";
        case 408:
            return "Request Timeout";
        case 410:
            return "Gone";
        case 413:
            return "Request Entity Too Large";
        case 414:
            return "Request-URI Too Long";
        case 415:
            return "Unsupported Media Type";
        case 416:
            return "Unsupported URI Scheme";
        case 420:
            return "Bad Extension";
        case 421:
            return "Extension Required";
        case 422:
            return "Session Interval Too Small";
        case 423:
            return "Interval Too Brief";
        case 480:
            return "Temporarily Unavailable";
        case 481:
            return "Call/Transaction Does Not Exist";
        case 482:
            return "Loop Detected";
        case 483:
            return "Too Many Hops";
        case 484:
            return "Address Incomplete";
        case 485:
            return "Ambiguous";
        case 486:
            return "Busy Here";
        case 487:
            return "Request Terminated";
        case 488:
            return "Not Acceptable Here";
        case 489:
            return "Bad Event";
        case 491:
            return "Request Pending";
        case 493:
            return "Undecipherable";
        case 500:
            return "Server Internal Error";
        case 501:
            return "Not Implemented";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Server Time-out";
        case 505:
            return "Version Not Supported";
        case 513:
            return "Message Too Large";
        case 600:
            return "Busy Everywhere";
        case 603:
            return "Decline";
        case 604:
            return "Does Not Exist Anywhere";
        case 606:
            return "Not Acceptable";
        default:
            return {};
    }
}

namespace {

void check_value(std::string_view value) {
    // A value that would inject a line: a programmer error. A plain loop: find_first_of with a
    // set costs a memchr per character, and every header of every message built passes here.
    for (const char c : value) {
        if (c == '\r' || c == '\n') {
            throw std::invalid_argument("voip::sip::Message: header value holds CR or LF");
        }
    }
}

void check_header(std::string_view name, std::string_view value) {
    // Programmer errors: a name that is not a token or a value that would inject a line.
    if (!detail::all_token(name)) {
        throw std::invalid_argument("voip::sip::Message: header name is not a token");
    }
    check_value(value);
}

std::optional<std::uint32_t> uint_value(std::optional<std::string_view> v) noexcept {
    if (!v) return std::nullopt;
    return parse_uint32(*v);
}

}  // namespace

Message::Span Message::store(std::string_view text) {
    Span s{static_cast<std::uint32_t>(extra_.size()), static_cast<std::uint32_t>(text.size()),
           true};
    extra_.append(text);
    return s;
}

std::string_view Message::field_name(const Field& f) const noexcept {
    return f.id == HeaderId::other ? view(f.name) : canonical_name(f.id);
}

HeaderField Message::header_at(std::size_t index) const {
    const Field& f = fields_.at(index);
    return {f.id, field_name(f), view(f.value)};
}

std::optional<std::string_view> Message::header(HeaderId id) const noexcept {
    for (const Field& f : fields_) {
        if (f.id == id) return view(f.value);
    }
    return std::nullopt;
}

std::optional<std::string_view> Message::header(std::string_view name) const noexcept {
    HeaderId id = header_id(name);
    if (id != HeaderId::other) return header(id);
    for (const Field& f : fields_) {
        if (f.id == HeaderId::other && iequals(view(f.name), name)) return view(f.value);
    }
    return std::nullopt;
}

std::size_t Message::count(HeaderId id) const noexcept {
    return static_cast<std::size_t>(
        std::count_if(fields_.begin(), fields_.end(), [id](const Field& f) { return f.id == id; }));
}

std::vector<std::string_view> Message::header_values(HeaderId id) const {
    std::vector<std::string_view> out;
    bool list = is_list_header(id);
    for (const Field& f : fields_) {
        if (f.id != id) continue;
        if (list) {
            for (std::string_view v : CommaList(view(f.value)))
                out.push_back(v);
        } else {
            out.push_back(view(f.value));
        }
    }
    return out;
}

std::vector<std::string_view> Message::header_values(std::string_view name) const {
    HeaderId id = header_id(name);
    if (id != HeaderId::other) return header_values(id);
    std::vector<std::string_view> out;
    for (const Field& f : fields_) {
        if (f.id == HeaderId::other && iequals(view(f.name), name)) out.push_back(view(f.value));
    }
    return out;
}

void Message::add_header(std::string_view name, std::string_view value) {
    cache_.valid = false;
    check_header(name, value);
    HeaderId id = header_id(name);
    Field f;
    f.id = id;
    if (id == HeaderId::other) f.name = store(name);
    f.value = store(detail::trim(value));
    fields_.push_back(f);
}

void Message::add_header(HeaderId id, std::string_view value) {
    if (id == HeaderId::other || canonical_name(id).empty()) {
        add_header(canonical_name(id), value);  // no name to go by: refused as before
        return;
    }
    // A known header: its canonical name is a token and needs no lookup.
    cache_.valid = false;
    check_value(value);
    Field f;
    f.id = id;
    f.value = store(detail::trim(value));
    fields_.push_back(f);
}

void Message::prepend_header(HeaderId id, std::string_view value) {
    cache_.valid = false;
    check_header(canonical_name(id), value);
    Field f;
    f.id = id;
    f.value = store(detail::trim(value));
    auto it =
        std::find_if(fields_.begin(), fields_.end(), [id](const Field& x) { return x.id == id; });
    fields_.insert(it == fields_.end() ? fields_.begin() : it, f);
}

void Message::set_header(std::string_view name, std::string_view value) {
    cache_.valid = false;
    check_header(name, value);
    HeaderId id = header_id(name);
    auto matches = [&](const Field& f) {
        return f.id == id && (id != HeaderId::other || iequals(view(f.name), name));
    };
    auto first = std::find_if(fields_.begin(), fields_.end(), matches);
    if (first == fields_.end()) {
        add_header(name, value);
        return;
    }
    first->value = store(detail::trim(value));
    auto index = first - fields_.begin();
    fields_.erase(std::remove_if(fields_.begin() + index + 1, fields_.end(), matches),
                  fields_.end());
}

void Message::set_header(HeaderId id, std::string_view value) {
    set_header(canonical_name(id), value);
}

std::size_t Message::remove_header(std::string_view name) {
    cache_.valid = false;
    HeaderId id = header_id(name);
    auto before = fields_.size();
    fields_.erase(std::remove_if(fields_.begin(), fields_.end(),
                                 [&](const Field& f) {
                                     return f.id == id &&
                                            (id != HeaderId::other || iequals(view(f.name), name));
                                 }),
                  fields_.end());
    return before - fields_.size();
}

std::size_t Message::remove_header(HeaderId id) {
    cache_.valid = false;
    auto before = fields_.size();
    fields_.erase(
        std::remove_if(fields_.begin(), fields_.end(), [id](const Field& f) { return f.id == id; }),
        fields_.end());
    return before - fields_.size();
}

bool Message::remove_first_value(HeaderId id) {
    cache_.valid = false;
    auto it =
        std::find_if(fields_.begin(), fields_.end(), [id](const Field& f) { return f.id == id; });
    if (it == fields_.end()) return false;
    if (is_list_header(id)) {
        std::string_view value = view(it->value);
        CommaList list(value);
        auto element = list.begin();
        if (element != list.end() && ++element != list.end()) {
            // Keep the rest of the line: it is a suffix of the same text.
            auto offset = static_cast<std::uint32_t>((*element).data() - value.data());
            it->value.pos += offset;
            it->value.len -= offset;
            return true;
        }
    }
    fields_.erase(it);
    return true;
}

void Message::set_body(std::string_view body, std::string_view content_type) {
    body_ = store(body);
    set_header(HeaderId::content_length, std::to_string(body.size()));
    if (!content_type.empty()) set_header(HeaderId::content_type, content_type);
}

Result<Via> Message::top_via() const {
    auto value = header(HeaderId::via);
    if (!value) return ParseError::missing_header;
    CommaList list(*value);
    if (list.begin() == list.end()) return ParseError::bad_via;
    return Via::parse(*list.begin());
}

Result<std::vector<Via>> Message::vias() const {
    std::vector<Via> out;
    for (std::string_view value : header_values(HeaderId::via)) {
        auto via = Via::parse(value);
        if (!via) return via.error();
        out.push_back(*via);
    }
    return out;
}

std::string_view Message::branch() const {
    if (cache_.valid) return view(cache_.branch);
    auto via = top_via();
    return via ? via->branch() : std::string_view{};
}

Result<CSeq> Message::cseq() const {
    if (cache_.valid && cache_.has_cseq) return CSeq{cache_.cseq_number, view(cache_.cseq_method)};
    auto value = header(HeaderId::cseq);
    if (!value) return ParseError::missing_header;
    return CSeq::parse(*value);
}

std::string_view Message::call_id() const noexcept {
    return header(HeaderId::call_id).value_or(std::string_view{});
}

Result<NameAddr> Message::from() const {
    auto value = header(HeaderId::from);
    if (!value) return ParseError::missing_header;
    return NameAddr::parse(*value);
}

Result<NameAddr> Message::to() const {
    auto value = header(HeaderId::to);
    if (!value) return ParseError::missing_header;
    return NameAddr::parse(*value);
}

namespace {

std::string_view tag_of(std::optional<std::string_view> value) {
    if (!value) return {};
    detail::NameAddrParts parts;
    if (detail::parse_name_addr_parts(*value, parts)) return {};
    return detail::find_param(parts.params, "tag");
}

}  // namespace

// The parser recorded both tags while validating From/To; edits clear the cache.
std::string_view Message::from_tag() const {
    if (cache_.valid) return view(cache_.from_tag);
    return tag_of(header(HeaderId::from));
}
std::string_view Message::to_tag() const {
    if (cache_.valid) return view(cache_.to_tag);
    return tag_of(header(HeaderId::to));
}

bool Message::contact_is_star() const noexcept {
    auto value = header(HeaderId::contact);
    return value && *value == "*";
}

namespace {

Result<std::vector<NameAddr>> name_addrs(const std::vector<std::string_view>& values) {
    std::vector<NameAddr> out;
    out.reserve(values.size());
    for (std::string_view v : values) {
        if (v == "*") continue;
        auto na = NameAddr::parse(v);
        if (!na) return na.error();
        out.push_back(std::move(na).value());
    }
    return out;
}

}  // namespace

Result<std::vector<NameAddr>> Message::contacts() const {
    return name_addrs(header_values(HeaderId::contact));
}

std::optional<std::string_view> Message::contact_uri() const {
    if (cache_.valid) {
        if (!cache_.has_contact_uri) return std::nullopt;
        return view(cache_.contact_uri);
    }
    auto value = header(HeaderId::contact);
    if (!value || *value == "*") return std::nullopt;
    CommaList list(*value);
    if (list.begin() == list.end()) return std::nullopt;
    detail::NameAddrParts parts;
    if (detail::parse_name_addr_parts(*list.begin(), parts)) return std::nullopt;
    return parts.uri;
}

std::optional<std::uint32_t> Message::max_forwards() const noexcept {
    return uint_value(header(HeaderId::max_forwards));
}
std::optional<std::uint32_t> Message::expires() const noexcept {
    return uint_value(header(HeaderId::expires));
}
std::optional<std::uint32_t> Message::content_length() const noexcept {
    return uint_value(header(HeaderId::content_length));
}
std::string_view Message::content_type() const noexcept {
    return header(HeaderId::content_type).value_or(std::string_view{});
}

Result<std::vector<NameAddr>> Message::routes() const {
    return name_addrs(header_values(HeaderId::route));
}
Result<std::vector<NameAddr>> Message::record_routes() const {
    return name_addrs(header_values(HeaderId::record_route));
}

void Message::serialize_start_line(std::string& out) const {
    if (is_request()) {
        out += view(method_);
        out += ' ';
        out += view(uri_);
        out += " SIP/2.0\r\n";
    } else {
        out += "SIP/2.0 ";
        char code[3] = {static_cast<char>('0' + status_ / 100),
                        static_cast<char>('0' + status_ / 10 % 10),
                        static_cast<char>('0' + status_ % 10)};
        out.append(code, 3);
        out += ' ';
        out += view(reason_);
        out += "\r\n";
    }
}

void Message::serialize_to(std::string& out) const {
    out.reserve(out.size() + buffer_.size() + extra_.size() + 64);
    serialize_start_line(out);
    bool wrote_length = false;
    auto write_length = [&]() {
        out += "Content-Length: ";
        out += std::to_string(body_.len);
        out += "\r\n";
        wrote_length = true;
    };
    for (const Field& f : fields_) {
        if (f.id == HeaderId::content_length) {
            // RFC 3261 §20.14: Content-Length always tells the body actually sent.
            if (!wrote_length) write_length();
            continue;
        }
        out += field_name(f);
        out += ": ";
        out += view(f.value);
        out += "\r\n";
    }
    if (!wrote_length) write_length();
    out += "\r\n";
    out += body();
}

std::string Message::to_string() const {
    std::string out;
    serialize_to(out);
    return out;
}

Request::Request(Method method, const Uri& request_uri)
    : Request(sip::to_string(method), request_uri) {}

Request::Request(std::string_view method, const Uri& request_uri) {
    if (!detail::all_token(method)) {
        throw std::invalid_argument("voip::sip::Request: method is not a token");
    }
    if (request_uri.empty()) throw std::invalid_argument("voip::sip::Request: empty Request-URI");
    method_ = store(method);
    method_id_ = method_from(method);
    uri_ = store(request_uri.to_string());
}

void Request::set_request_uri(const Uri& uri) {
    if (uri.empty()) throw std::invalid_argument("voip::sip::Request: empty Request-URI");
    uri_ = store(uri.to_string());
}

Response::Response(int status, std::string_view reason) {
    if (status < 100 || status > 699) {
        throw std::invalid_argument("voip::sip::Response: status outside 100..699");
    }
    if (reason.find_first_of("\r\n") != std::string_view::npos) {
        throw std::invalid_argument("voip::sip::Response: reason holds CR or LF");
    }
    status_ = status;
    reason_ = store(reason.empty() ? default_reason(status) : reason);
}

Response Response::make_for(const Request& request, int status, std::string_view reason,
                            std::string_view to_tag) {
    Response r(status, reason);
    // RFC 3261 §8.2.6.2: Via (all, in order), From, To, Call-ID and CSeq are copied.
    for (std::size_t i = 0; i < request.header_count(); ++i) {
        HeaderField f = request.header_at(i);
        switch (f.id) {
            case HeaderId::via:
            case HeaderId::from:
            case HeaderId::call_id:
            case HeaderId::cseq:
                r.add_header(f.id, f.value);
                break;
            case HeaderId::to: {
                std::string to(f.value);
                if (!to_tag.empty() && request.to_tag().empty()) {
                    to += ";tag=";
                    to += to_tag;
                }
                r.add_header(HeaderId::to, to);
                break;
            }
            case HeaderId::timestamp:
                // RFC 3261 §8.2.6.1: a 100 (Trying) copies Timestamp.
                if (status == 100) r.add_header(f.id, f.value);
                break;
            default:
                break;
        }
    }
    return r;
}

}  // namespace voip::sip
