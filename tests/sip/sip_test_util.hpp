#pragma once
// Helpers shared by the SIP wire-layer tests: read corpus files, summarise a message so that
// a parse → serialize → parse round trip can be compared value by value.

#include <voip/sip/message.hpp>
#include <voip/sip/parser.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <variant>

namespace voip::sip::test {

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

inline const Message& as_message(const AnyMessage& m) {
    return std::visit([](const auto& x) -> const Message& { return x; }, m);
}

/// Everything a round trip must preserve, as one comparable string.
inline std::string summary(const AnyMessage& any) {
    const Message& m = as_message(any);
    std::string out;
    if (const auto* req = std::get_if<Request>(&any)) {
        out += "REQ " + std::string(req->method()) + " " + std::string(req->request_uri_text());
    } else {
        const auto& res = std::get<Response>(any);
        out += "RES " + std::to_string(res.status_code()) + " " + std::string(res.reason());
    }
    out += "\n";
    for (std::size_t i = 0; i < m.header_count(); ++i) {
        HeaderField f = m.header_at(i);
        if (f.id == HeaderId::content_length) continue;  // rewritten to the body size
        out += std::string(f.name) + "=" + std::string(f.value) + "\n";
    }
    out += "call-id=" + std::string(m.call_id()) + " from-tag=" + std::string(m.from_tag()) +
           " to-tag=" + std::string(m.to_tag()) + " branch=" + std::string(m.branch()) + "\n";
    out += "body=" + std::string(m.body());
    return out;
}

}  // namespace voip::sip::test
