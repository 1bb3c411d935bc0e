// libFuzzer target for the SIP message parser (parse_message, Request::parse, Response::parse).
// Beyond "no crash": whatever parses serializes to bytes that parse again to the same values,
// that the stream framer cuts back out as exactly one message, and the typed accessors never
// fail on a message the parser accepted (it validated those headers).

#include <voip/sip/framing.hpp>
#include <voip/sip/parser.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

namespace {

using namespace voip::sip;

const Message& as_message(const AnyMessage& m) {
    return std::visit([](const auto& x) -> const Message& { return x; }, m);
}

std::string summary(const AnyMessage& any) {
    const Message& m = as_message(any);
    std::string out;
    if (const auto* req = std::get_if<Request>(&any)) {
        out += std::string(req->method()) + " " + std::string(req->request_uri_text());
    } else {
        const auto& res = std::get<Response>(any);
        out += std::to_string(res.status_code()) + " " + std::string(res.reason());
    }
    for (std::size_t i = 0; i < m.header_count(); ++i) {
        HeaderField f = m.header_at(i);
        if (f.id == HeaderId::content_length) continue;
        out += "\n" + std::string(f.name) + ":" + std::string(f.value);
    }
    out += "\n" + std::string(m.branch()) + "|" + std::string(m.from_tag()) + "|" +
           std::string(m.to_tag()) + "|" + std::string(m.call_id()) + "|" +
           std::string(m.contact_uri().value_or("-")) + "\n" + std::string(m.body());
    return out;
}

void check_accessors(const AnyMessage& any) {
    const Message& m = as_message(any);
    // Validated at parse time: these cannot fail now.
    if (!m.top_via() || !m.vias() || !m.cseq() || !m.from() || !m.to()) std::abort();
    if (!m.contacts()) std::abort();
    (void)m.routes();  // checked when read, may fail
    (void)m.record_routes();
    if (m.cseq()->number >= (1U << 31)) std::abort();
    if (m.from_tag() != m.from()->tag() || m.to_tag() != m.to()->tag()) std::abort();
    if (m.branch() != m.top_via()->branch()) std::abort();
    if (const auto* req = std::get_if<Request>(&any)) {
        if (req->cseq()->method != req->method()) std::abort();
        (void)req->request_uri();
    }
    (void)m.max_forwards();
    (void)m.expires();
    (void)m.allow();
    (void)m.header_values(HeaderId::supported);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto first = parse_message(input);
    // The typed entry points agree with parse_message.
    bool response = input.size() >= 4 && iequals(input.substr(0, 4), "SIP/");
    if (response) {
        if (Response::parse(input).has_value() != first.has_value()) std::abort();
    } else if (Request::parse(input).has_value() != first.has_value()) {
        std::abort();
    }
    if (!first) return 0;
    check_accessors(*first);

    std::string wire = as_message(*first).to_string();
    auto second = parse_message(wire);
    if (!second) std::abort();
    if (summary(*second) != summary(*first)) std::abort();
    if (as_message(*second).to_string() != wire) std::abort();  // serialization is stable

    // The serialized form carries a Content-Length, so a stream framer cuts it out whole.
    StreamFramer framer;
    if (!framer.feed(wire)) std::abort();
    auto frame = framer.next();
    if (!frame || !frame->has_value() || (*frame)->bytes != wire) std::abort();
    return 0;
}
