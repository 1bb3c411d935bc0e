#pragma once
// SIP, SIPS and tel URIs (RFC 3261 §19.1, RFC 3966), with RFC 3261 §19.1.4 comparison.

#include <voip/result.hpp>
#include <voip/sip/error.hpp>
#include <voip/sip/params.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace voip::sip {

/// A URI as found in a Request-URI or a name-addr. One string holds the text (as written, after
/// validation); components are offsets into it, so a Uri is cheap to copy and move.
///
/// sip:/sips: URIs are fully decomposed; tel: URIs expose the number as user() and their
/// parameters as params(); other schemes (RFC 3261 absoluteURI, e.g. `http:`, `urn:`) are kept
/// whole and expose only scheme_name() and opaque().
class Uri {
public:
    enum class Scheme : std::uint8_t { sip, sips, tel, other };

    /// Parse a URI. sip/sips/tel are validated against RFC 3261 §25.1 / RFC 3966; other schemes
    /// must be a syntactically valid absoluteURI. Errors: ParseError::bad_uri.
    static Result<Uri> parse(std::string_view text);

    /// Build `sip:user@host:port` (or `sips:` when secure). `user` is escaped as needed; `host`
    /// is a name, IPv4 address, or IPv6 address with or without brackets. Throws
    /// std::invalid_argument when host is not a valid host (a programmer error).
    static Uri make_sip(std::string_view user, std::string_view host,
                        std::optional<std::uint16_t> port = std::nullopt, bool secure = false);

    Uri() = default;  ///< An empty URI (scheme other, empty text); assign a parsed one.

    [[nodiscard]] Scheme scheme() const noexcept { return scheme_; }
    [[nodiscard]] bool is_sip() const noexcept {
        return scheme_ == Scheme::sip || scheme_ == Scheme::sips;
    }
    /// The scheme as written, without the colon.
    [[nodiscard]] std::string_view scheme_name() const noexcept { return view(scheme_span_); }
    /// The user part as written (still %-escaped); for tel: the number without parameters.
    [[nodiscard]] std::string_view user() const noexcept { return view(user_); }
    /// The user part with %-escapes resolved (may contain any byte, even NUL).
    [[nodiscard]] std::string user_unescaped() const;
    [[nodiscard]] std::optional<std::string_view> password() const;
    /// Host as written; IPv6 references keep their brackets. Empty for tel: and other schemes.
    [[nodiscard]] std::string_view host() const noexcept { return view(host_); }
    [[nodiscard]] std::optional<std::uint16_t> port() const noexcept;
    /// The uri-parameters (sip) or tel parameters, starting at the first ';'.
    [[nodiscard]] ParamList params() const noexcept { return ParamList(view(params_)); }
    [[nodiscard]] std::optional<std::string_view> param(std::string_view name) const {
        return params().value(name);
    }
    /// The headers part after '?', as written (`name=value&...`), empty when absent.
    [[nodiscard]] std::string_view headers() const noexcept { return view(headers_); }
    /// Everything after "scheme:" (useful for other schemes).
    [[nodiscard]] std::string_view opaque() const noexcept;

    /// The transport parameter (empty when absent).
    [[nodiscard]] std::string_view transport() const { return param("transport").value_or(""); }
    /// True when the `lr` parameter is present (RFC 3261 §19.1.1 loose routing).
    [[nodiscard]] bool lr() const { return params().contains("lr"); }

    /// The text of the URI.
    [[nodiscard]] const std::string& to_string() const noexcept { return text_; }
    [[nodiscard]] bool empty() const noexcept { return text_.empty(); }

    /// RFC 3261 §19.1.6: a tel: URI as `sip:<number>@host;user=phone` (tel parameters kept in
    /// the user part). Errors: ParseError::bad_uri if this is not a tel: URI or host is bad.
    [[nodiscard]] Result<Uri> to_sip(std::string_view host) const;

    /// RFC 3261 §19.1.4 equivalence (sip/sips), RFC 3966 §4 (tel), exact text otherwise.
    [[nodiscard]] bool equivalent(const Uri& other) const;
    friend bool operator==(const Uri& a, const Uri& b) { return a.equivalent(b); }

    // Edits (sip/sips only; each re-validates; throw std::invalid_argument on bad input).
    void set_user(std::string_view user);  ///< unescaped user; escaped as needed
    void set_host(std::string_view host);
    void set_port(std::optional<std::uint16_t> port);
    /// Add or replace a uri-parameter; value std::nullopt makes it valueless (e.g. `lr`).
    void set_param(std::string_view name, std::optional<std::string_view> value = std::nullopt);
    void remove_param(std::string_view name);

private:
    struct Span {
        std::uint32_t pos = 0;
        std::uint32_t len = 0;
    };
    [[nodiscard]] std::string_view view(Span s) const noexcept {
        return std::string_view(text_).substr(s.pos, s.len);
    }
    static Result<Uri> parse_owned(std::string text);
    void rebuild(std::string_view user, std::string_view host, std::string_view port,
                 std::string_view params);

    std::string text_;
    Span scheme_span_{};
    Span user_{};
    Span password_{};
    Span host_{};
    Span port_{};
    Span params_{};
    Span headers_{};
    Scheme scheme_ = Scheme::other;
    bool has_password_ = false;
};

/// Resolve %HH escapes. Malformed escapes are copied through unchanged.
[[nodiscard]] std::string unescape(std::string_view text);

}  // namespace voip::sip
