// Redaction of secrets in SIP messages before they are logged (issue 11).

#include "sip/log_redaction.hpp"

#include <voip/sip/headers.hpp>

namespace voip::sip::detail {
namespace {

constexpr std::string_view redacted = "<redacted>";

std::string_view trim_name(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// RFC 4568 §9.2: key-params are "inline:" key-info, separated by ';' within one attribute.
void redact_crypto_line(std::string_view line, std::string& out) {
    std::size_t pos = 0;
    while (pos < line.size()) {
        const auto at = line.find("inline:", pos);
        if (at == std::string_view::npos) break;
        out.append(line.substr(pos, at + 7 - pos));
        out.append(redacted);
        pos = line.find_first_of("; \t", at + 7);
        if (pos == std::string_view::npos) pos = line.size();
    }
    out.append(line.substr(std::min(pos, line.size())));
}

}  // namespace

std::string redact_for_log(std::string_view message) {
    std::string out;
    out.reserve(message.size());
    bool in_credentials = false;  // a folded continuation of an Authorization header
    std::size_t start = 0;
    // One pass over the lines; bounded by the message size.
    while (start < message.size()) {
        auto end = message.find('\n', start);
        const bool last = end == std::string_view::npos;
        if (last) end = message.size();
        std::string_view line = message.substr(start, end - start);
        std::string_view eol;
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
            eol = "\r";
        }
        const bool folded = !line.empty() && (line.front() == ' ' || line.front() == '\t');
        if (folded && in_credentials) {
            out.append(" ").append(redacted);
        } else if (line.starts_with("a=crypto:")) {
            in_credentials = false;
            redact_crypto_line(line, out);
        } else if (line.starts_with("k=")) {
            in_credentials = false;
            out.append("k=").append(redacted);
        } else {
            in_credentials = false;
            const auto colon = line.find(':');
            const HeaderId id = colon == std::string_view::npos
                                    ? HeaderId::other
                                    : header_id(trim_name(line.substr(0, colon)));
            if (id == HeaderId::authorization || id == HeaderId::proxy_authorization) {
                in_credentials = true;
                out.append(line.substr(0, colon + 1)).append(" ").append(redacted);
            } else {
                out.append(line);
            }
        }
        out.append(eol);
        if (!last) out.push_back('\n');
        start = end + 1;
    }
    return out;
}

}  // namespace voip::sip::detail
