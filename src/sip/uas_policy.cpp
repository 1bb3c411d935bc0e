#include <voip/sip/error.hpp>
#include <voip/sip/header_types.hpp>
#include <voip/sip/uas_policy.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>

#include "random_pool.hpp"

namespace voip::sip {
namespace {

bool contains_ci(const std::vector<std::string>& list, std::string_view item) {
    return std::any_of(list.begin(), list.end(),
                       [&](const std::string& s) { return iequals(s, item); });
}

std::string join(const std::vector<std::string>& list) {
    std::string out;
    for (const auto& item : list) {
        if (!out.empty()) out += ", ";
        out += item;
    }
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

// "application/sdp; charset=x" -> "application/sdp"
std::string_view media_type(std::string_view value) {
    return trim(value.substr(0, value.find(';')));
}

// RFC 3261 §20.1: does one Accept range ("*/*", "application/*", "application/sdp") cover
// this type?
bool range_covers(std::string_view range, std::string_view type) {
    range = media_type(range);
    if (range == "*/*") return true;
    if (range.ends_with("/*")) {
        auto slash = type.find('/');
        return slash != std::string_view::npos &&
               iequals(range.substr(0, range.size() - 1), type.substr(0, slash + 1));
    }
    return iequals(range, type);
}

}  // namespace

UasVerdict check_request(const Request& request, const UasCapabilities& caps) {
    UasVerdict verdict;
    const Method method = request.method_id();
    if (method == Method::ack) return verdict;  // RFC 3261 §17.2.3: never answered

    // §8.2.1 Method inspection.
    if (!contains_ci(caps.allowed_methods, request.method())) {
        // RFC 4475 esc02/intmeth: a method we have never heard of is 501 Not Implemented; a
        // known one we do not serve is 405. Both carry Allow (§8.2.1, §21.5.2).
        verdict.status = method == Method::other ? 501 : 405;
        verdict.headers.emplace_back("Allow", join(caps.allowed_methods));
        return verdict;
    }

    // §8.2.2.1 To and Request-URI: a scheme we do not serve gets 416.
    auto uri = request.request_uri();
    if (!uri || !contains_ci(caps.uri_schemes, uri->scheme_name())) {
        verdict.status = 416;
        return verdict;
    }

    // §8.2.2.3 Require (not applied to CANCEL; ACK returned above).
    if (method != Method::cancel) {
        std::vector<std::string> unknown;
        for (auto tag : request.require()) {
            if (!contains_ci(caps.supported_options, tag)) unknown.emplace_back(tag);
        }
        if (!unknown.empty()) {
            verdict.status = 420;
            verdict.headers.emplace_back("Unsupported", join(unknown));
            return verdict;
        }
    }

    // §8.2.3 Content processing: a body we cannot read gets 415 with Accept.
    if (!request.body().empty()) {
        const auto type = media_type(request.content_type());
        if (type.empty() || !contains_ci(caps.accepted_content_types, type)) {
            verdict.status = 415;
            verdict.headers.emplace_back("Accept", join(caps.accepted_content_types));
            return verdict;
        }
    }

    // RFC 3261 §21.4.7 / RFC 4475 sdp01: we answer INVITE with SDP; an Accept that excludes
    // everything we can send means 406. No Accept header means application/sdp (§20.1).
    if (method == Method::invite && request.header(HeaderId::accept)) {
        const auto ranges = request.header_values(HeaderId::accept);
        bool acceptable = false;
        for (auto range : ranges) {
            for (const auto& ours : caps.accepted_content_types) {
                if (range_covers(range, ours)) acceptable = true;
            }
        }
        // An empty Accept header says "no body at all": the answer could still go without
        // SDP, so only a non-empty list that names nothing of ours is refused.
        if (!acceptable && !ranges.empty()) {
            verdict.status = 406;
            verdict.headers.emplace_back("Accept", join(caps.accepted_content_types));
            return verdict;
        }
    }
    return verdict;
}

Response make_options_response(const Request& options, const UasCapabilities& caps,
                               std::string_view to_tag) {
    Response response = Response::make_for(options, 200, {}, to_tag);
    response.add_header(HeaderId::allow, join(caps.allowed_methods));
    response.add_header(HeaderId::accept, join(caps.accepted_content_types));
    if (!caps.supported_options.empty())
        response.add_header(HeaderId::supported, join(caps.supported_options));
    return response;
}

int status_for_parse_error(std::error_code error) noexcept {
    if (error == ParseError::bad_version) return 505;
    // RFC 3261 §21.4.11: larger than ParseLimits::max_message_bytes (issue 11).
    if (error == ParseError::too_large) return 413;
    return 400;
}

std::optional<Response> make_stateless_error(std::string_view bytes, std::error_code parse_error) {
    // A request line starts with a method token; a response with "SIP/".
    if (bytes.empty() || bytes.starts_with("SIP/") || bytes.starts_with("sip/"))
        return std::nullopt;
    Response response(status_for_parse_error(parse_error));
    std::array<bool, 4> seen{};  // From, To, Call-ID, CSeq: the first line of each
    bool has_via = false;
    bool vias_broken = false;
    std::size_t pos = bytes.find('\n');
    // Bounded: each pass consumes one line of the (limit-bounded) datagram.
    while (pos != std::string_view::npos && pos + 1 < bytes.size()) {
        const std::size_t start = pos + 1;
        std::size_t end = bytes.find('\n', start);
        std::string_view line =
            bytes.substr(start, end == std::string_view::npos ? bytes.size() - start : end - start);
        pos = end;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) break;                                    // end of the header section
        if (line.front() == ' ' || line.front() == '\t') continue;  // folding: keep line one
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        const std::string_view name = trim(line.substr(0, colon));
        std::string_view value = trim(line.substr(colon + 1));
        // Keep the copy printable: control bytes would make our answer as bad as the request.
        if (value.empty() || std::any_of(value.begin(), value.end(), [](char c) {
                return static_cast<unsigned char>(c) < 0x20 && c != '\t';
            })) {
            continue;
        }
        const HeaderId id = header_id(name);
        int slot = -1;
        switch (id) {
            case HeaderId::via: {
                // Copy Via values in order while they parse: a broken one (and what follows
                // it) would make our answer unparsable too; the top one routes it.
                if (vias_broken) continue;
                for (auto element : CommaList(value)) {
                    if (!Via::parse(element)) {
                        vias_broken = true;
                        break;
                    }
                    has_via = true;
                    response.add_header(HeaderId::via, element);
                }
                continue;
            }
            case HeaderId::from:
                slot = 0;
                break;
            case HeaderId::to:
                slot = 1;
                break;
            case HeaderId::call_id:
                slot = 2;
                break;
            case HeaderId::cseq:
                slot = 3;
                break;
            default:
                continue;
        }
        if (seen.at(static_cast<std::size_t>(slot))) continue;
        seen.at(static_cast<std::size_t>(slot)) = true;
        response.add_header(id, value);
    }
    if (!has_via) return std::nullopt;  // RFC 3261 §18.2.2: no Via, no route for a response
    return response;
}

std::string make_tag() {
    std::array<unsigned char, 8> random{};
    detail::random_bytes(random);
    static constexpr std::string_view hex = "0123456789abcdef";
    std::string tag;
    tag.reserve(random.size() * 2);
    for (unsigned char byte : random) {
        tag += hex[byte >> 4U];
        tag += hex[byte & 0x0fU];
    }
    return tag;
}

}  // namespace voip::sip
