#pragma once
// SIP requests and responses (RFC 3261 §7): parsed from bytes, built in code, serialized.
//
// A parsed message owns ONE copy of the received bytes; header names and values are views into
// it (line folding is replaced in place by spaces, so every value is one line). Edits append
// their new text to a second owned string, so views handed out stay valid until the next edit.

#include <voip/result.hpp>
#include <voip/sip/error.hpp>
#include <voip/sip/header_types.hpp>
#include <voip/sip/headers.hpp>
#include <voip/sip/name_addr.hpp>
#include <voip/sip/uri.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace voip::sip {

/// Limits the parser enforces on untrusted bytes.
struct ParseLimits {
    std::size_t max_message_bytes = 65535;  ///< whole message, headers and body
    std::size_t max_headers = 256;          ///< header lines
};

/// The methods the library knows; any other token is Method::other.
enum class Method : std::uint8_t {
    other,
    invite,
    ack,
    bye,
    cancel,
    options,
    register_,  // NOLINT(readability-identifier-naming): "register" is a keyword
    prack,
    subscribe,
    notify,
    publish,
    info,
    refer,
    message,
    update
};
[[nodiscard]] Method method_from(std::string_view token) noexcept;  ///< case-sensitive (§7.1)
[[nodiscard]] std::string_view to_string(Method method) noexcept;   ///< "" for other
/// The RFC 3261 §21 reason phrase for a status code ("" when unknown).
[[nodiscard]] std::string_view default_reason(int status) noexcept;

namespace detail {
class MessageParser;
}

/// What requests and responses share: the header list, the body, typed accessors.
class Message {
public:
    [[nodiscard]] bool is_request() const noexcept { return status_ == 0; }

    // ---- raw headers (order preserved) ----
    [[nodiscard]] std::size_t header_count() const noexcept { return fields_.size(); }
    [[nodiscard]] HeaderField header_at(std::size_t index) const;
    /// Value of the first header with this id / name (any case, compact forms accepted).
    [[nodiscard]] std::optional<std::string_view> header(HeaderId id) const noexcept;
    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const noexcept;
    /// Number of header lines with this id.
    [[nodiscard]] std::size_t count(HeaderId id) const noexcept;
    /// Every value of a header: all its lines, each split at commas when it is a list header.
    [[nodiscard]] std::vector<std::string_view> header_values(HeaderId id) const;
    [[nodiscard]] std::vector<std::string_view> header_values(std::string_view name) const;

    /// Append a header line. Known names are written in their canonical long form.
    void add_header(std::string_view name, std::string_view value);
    void add_header(HeaderId id, std::string_view value);
    /// Insert before the first line with the same name (or first of all): e.g. a new top Via.
    void prepend_header(HeaderId id, std::string_view value);
    /// Replace every line of this header with one line holding value (appended if absent).
    void set_header(std::string_view name, std::string_view value);
    void set_header(HeaderId id, std::string_view value);
    /// Remove every line of this header; returns how many were removed.
    std::size_t remove_header(std::string_view name);
    std::size_t remove_header(HeaderId id);
    /// Remove the first value of a header (e.g. the top Via when a proxy forwards a response);
    /// a line holding several comma-separated values keeps the others. Returns false if absent.
    bool remove_first_value(HeaderId id);

    // ---- body ----
    [[nodiscard]] std::string_view body() const noexcept { return view(body_); }
    /// Set the body and Content-Length; sets Content-Type too when content_type is not empty.
    void set_body(std::string_view body, std::string_view content_type = {});

    // ---- typed accessors (parsed from the header text when called) ----
    [[nodiscard]] Result<Via> top_via() const;
    [[nodiscard]] Result<std::vector<Via>> vias() const;
    /// Branch of the top Via (empty when absent): the transaction key (RFC 3261 §17.2.3).
    [[nodiscard]] std::string_view branch() const;
    [[nodiscard]] Result<CSeq> cseq() const;
    [[nodiscard]] std::string_view call_id() const noexcept;
    [[nodiscard]] Result<NameAddr> from() const;
    [[nodiscard]] Result<NameAddr> to() const;
    /// From/To tag without building a NameAddr (empty when absent or unparsable).
    [[nodiscard]] std::string_view from_tag() const;
    [[nodiscard]] std::string_view to_tag() const;
    /// True for `Contact: *` (REGISTER removing all bindings, RFC 3261 §10.2.2).
    [[nodiscard]] bool contact_is_star() const noexcept;
    /// Every Contact value (empty vector when absent or for `*`).
    [[nodiscard]] Result<std::vector<NameAddr>> contacts() const;
    /// The URI text of the first Contact, without building a Uri (zero-copy).
    [[nodiscard]] std::optional<std::string_view> contact_uri() const;
    [[nodiscard]] std::optional<std::uint32_t> max_forwards() const noexcept;
    [[nodiscard]] std::optional<std::uint32_t> expires() const noexcept;
    [[nodiscard]] std::optional<std::uint32_t> content_length() const noexcept;
    [[nodiscard]] std::string_view content_type() const noexcept;
    [[nodiscard]] Result<std::vector<NameAddr>> routes() const;
    [[nodiscard]] Result<std::vector<NameAddr>> record_routes() const;
    [[nodiscard]] std::vector<std::string_view> allow() const {
        return header_values(HeaderId::allow);
    }
    [[nodiscard]] std::vector<std::string_view> supported() const {
        return header_values(HeaderId::supported);
    }
    [[nodiscard]] std::vector<std::string_view> require() const {
        return header_values(HeaderId::require);
    }
    [[nodiscard]] std::vector<std::string_view> proxy_require() const {
        return header_values(HeaderId::proxy_require);
    }
    [[nodiscard]] std::vector<std::string_view> unsupported() const {
        return header_values(HeaderId::unsupported);
    }
    /// Raw challenge / credential values, one per line (the digest module parses them).
    [[nodiscard]] std::vector<std::string_view> www_authenticate() const {
        return header_values(HeaderId::www_authenticate);
    }
    [[nodiscard]] std::vector<std::string_view> proxy_authenticate() const {
        return header_values(HeaderId::proxy_authenticate);
    }
    [[nodiscard]] std::vector<std::string_view> authorization() const {
        return header_values(HeaderId::authorization);
    }
    [[nodiscard]] std::vector<std::string_view> proxy_authorization() const {
        return header_values(HeaderId::proxy_authorization);
    }

    // ---- serialization ----
    /// The wire form: start line, headers (known names in canonical long form), a
    /// Content-Length equal to the body size (added if missing), blank line, body.
    [[nodiscard]] std::string to_string() const;
    /// Append the wire form to out.
    void serialize_to(std::string& out) const;

protected:
    Message() = default;

    struct Span {
        std::uint32_t pos = 0;
        std::uint32_t len = 0;
        bool extra = false;  // in extra_ rather than buffer_
    };
    struct Field {
        HeaderId id = HeaderId::other;
        Span name;  // ignored for known ids (the canonical name is written)
        Span value;
    };

    [[nodiscard]] std::string_view view(Span s) const noexcept {
        return std::string_view(s.extra ? extra_ : buffer_).substr(s.pos, s.len);
    }
    Span store(std::string_view text);  // append to extra_
    [[nodiscard]] std::string_view field_name(const Field& f) const noexcept;
    void serialize_start_line(std::string& out) const;

    std::string buffer_;  // the received bytes (one copy), folding replaced by spaces
    std::string extra_;   // text added by edits
    std::vector<Field> fields_;
    Span method_;     // requests
    Span uri_;        // requests
    Span reason_;     // responses
    int status_ = 0;  // 0 for requests
    Method method_id_ = Method::other;
    Span body_;

    // What the parser learned while validating, so the hot accessors need no second scan.
    // Any header edit clears `valid` and the accessors fall back to scanning.
    struct Cache {
        bool valid = false;
        bool has_cseq = false;
        bool has_contact_uri = false;
        std::uint32_t cseq_number = 0;
        Span branch;
        Span from_tag;
        Span to_tag;
        Span cseq_method;
        Span contact_uri;
    };
    Cache cache_;

    friend class detail::MessageParser;
};

/// A SIP request.
class Request : public Message {
public:
    /// Parse one request from a datagram (or a frame from StreamFramer). Bytes after the body
    /// announced by Content-Length are ignored (RFC 3261 §18.3). Errors: ParseError.
    static Result<Request> parse(std::string_view bytes, const ParseLimits& limits = {});
    /// Same, taking ownership of a std::string rvalue (no copy). A template only so that a
    /// string literal or lvalue picks the string_view overload unambiguously.
    template <class S>
    requires std::same_as<S, std::string>
    static Result<Request> parse(S&& bytes, const ParseLimits& limits = {}) {
        return parse_owned(std::forward<S>(bytes), limits);
    }
    static Result<Request> parse_owned(std::string bytes, const ParseLimits& limits = {});

    /// Build a request line; add headers and a body with the Message edits.
    Request(Method method, const Uri& request_uri);
    Request(std::string_view method, const Uri& request_uri);

    [[nodiscard]] std::string_view method() const noexcept { return view(method_); }
    [[nodiscard]] Method method_id() const noexcept { return method_id_; }
    /// The Request-URI as written (always validated as a URI by the parser).
    [[nodiscard]] std::string_view request_uri_text() const noexcept { return view(uri_); }
    [[nodiscard]] Result<Uri> request_uri() const { return Uri::parse(request_uri_text()); }
    void set_request_uri(const Uri& uri);

private:
    Request() = default;
    friend class detail::MessageParser;
};

/// A SIP response.
class Response : public Message {
public:
    static Result<Response> parse(std::string_view bytes, const ParseLimits& limits = {});
    /// Same, taking ownership of a std::string rvalue (no copy). A template only so that a
    /// string literal or lvalue picks the string_view overload unambiguously.
    template <class S>
    requires std::same_as<S, std::string>
    static Result<Response> parse(S&& bytes, const ParseLimits& limits = {}) {
        return parse_owned(std::forward<S>(bytes), limits);
    }
    static Result<Response> parse_owned(std::string bytes, const ParseLimits& limits = {});

    /// Build a status line (reason defaults to the RFC 3261 §21 phrase). Throws
    /// std::invalid_argument when status is outside 100..699.
    explicit Response(int status, std::string_view reason = {});
    /// RFC 3261 §8.2.6: a response to `request` with its Via (all values, in order), From,
    /// To, Call-ID and CSeq copied; a To tag is added when `to_tag` is given and To has none.
    static Response make_for(const Request& request, int status, std::string_view reason = {},
                             std::string_view to_tag = {});

    [[nodiscard]] int status_code() const noexcept { return status_; }
    [[nodiscard]] std::string_view reason() const noexcept { return view(reason_); }

private:
    Response() = default;
    friend class detail::MessageParser;
};

}  // namespace voip::sip
