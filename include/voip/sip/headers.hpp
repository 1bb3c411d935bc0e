#pragma once
// Header names: the well-known ones by id, compact forms (RFC 3261 §7.3.3 and the IANA SIP
// parameter registry), canonical spelling, and the comma-list splitter.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace voip::sip {

/// The headers the library knows by name. `other` is any extension header.
enum class HeaderId : std::uint8_t {
    other = 0,
    accept,
    accept_contact,  // a
    accept_encoding,
    accept_language,
    alert_info,
    allow,
    allow_events,  // u
    authentication_info,
    authorization,
    call_id,  // i
    call_info,
    contact,  // m
    content_disposition,
    content_encoding,  // e
    content_language,
    content_length,  // l
    content_type,    // c
    cseq,
    date,
    error_info,
    event,  // o
    expires,
    from,      // f
    identity,  // y
    in_reply_to,
    max_forwards,
    min_expires,
    mime_version,
    organization,
    path,
    priority,
    proxy_authenticate,
    proxy_authorization,
    proxy_require,
    rack,
    reason,
    record_route,
    refer_to,        // r
    referred_by,     // b
    reject_contact,  // j
    reply_to,
    request_disposition,  // d
    require,
    retry_after,
    route,
    rseq,
    server,
    service_route,
    session_expires,  // x
    subject,          // s
    subscription_state,
    supported,  // k
    timestamp,
    to,  // t
    unsupported,
    user_agent,
    via,  // v
    warning,
    www_authenticate,
    count_  // NOLINT(readability-identifier-naming): number of ids, not a header
};

/// The id of a header name, long or compact form, any case; HeaderId::other if unknown.
[[nodiscard]] HeaderId header_id(std::string_view name) noexcept;
/// The canonical long spelling ("Call-ID", "CSeq", "WWW-Authenticate", ...); empty for other.
[[nodiscard]] std::string_view canonical_name(HeaderId id) noexcept;
/// True for headers whose grammar is a comma-separated list (Via, Contact, Route, Allow, ...),
/// so several values may share one line. Authenticate/Authorization are not lists.
[[nodiscard]] bool is_list_header(HeaderId id) noexcept;
/// Case-insensitive ASCII comparison.
[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

/// One header line of a message: name as written (or canonical when built), value with
/// surrounding whitespace removed and line folding replaced by spaces.
struct HeaderField {
    HeaderId id = HeaderId::other;
    std::string_view name;
    std::string_view value;
};

/// Iterates the elements of a comma-separated header value, splitting only at commas outside
/// quoted strings and angle brackets; each element is trimmed; empty elements are skipped.
class CommaList {
public:
    class Iterator {
    public:
        using value_type = std::string_view;
        using difference_type = std::ptrdiff_t;
        Iterator() = default;
        explicit Iterator(std::string_view rest) : rest_(rest), done_(false) { advance(); }
        std::string_view operator*() const noexcept { return current_; }
        Iterator& operator++() {
            advance();
            return *this;
        }
        Iterator operator++(int) {
            Iterator copy = *this;
            advance();
            return copy;
        }
        friend bool operator==(const Iterator& a, const Iterator& b) noexcept {
            return a.done_ == b.done_ && (a.done_ || a.current_.data() == b.current_.data());
        }

    private:
        void advance();
        std::string_view rest_;
        std::string_view current_;
        bool done_ = true;
    };

    explicit CommaList(std::string_view value) noexcept : value_(value) {}
    [[nodiscard]] Iterator begin() const { return Iterator(value_); }
    [[nodiscard]] Iterator end() const { return {}; }

private:
    std::string_view value_;
};

}  // namespace voip::sip
