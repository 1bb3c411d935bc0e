#pragma once
// name-addr / addr-spec with header parameters (RFC 3261 §20.10, §20.20, §20.39, §25.1):
// the value of From, To, Contact, Route, Record-Route, Reply-To, ...

#include <voip/result.hpp>
#include <voip/sip/error.hpp>
#include <voip/sip/params.hpp>
#include <voip/sip/uri.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace voip::sip {

/// A display name, a URI and header parameters (`tag`, `expires`, `q`, ...).
class NameAddr {
public:
    /// Parse `[display-name] <uri> *(;param)` or `addr-spec *(;param)`. In the addr-spec form
    /// the URI ends at the first ';' (RFC 3261 §20: those parameters belong to the header) and
    /// must not contain ',', '?' or ';'. Errors: ParseError::bad_name_addr (syntax) or bad_uri.
    static Result<NameAddr> parse(std::string_view text);

    NameAddr() = default;
    explicit NameAddr(Uri uri, std::string_view display_name = {});

    /// The display name with quotes removed and quoted-pairs resolved (empty when absent).
    [[nodiscard]] const std::string& display_name() const noexcept { return display_name_; }
    [[nodiscard]] const Uri& uri() const noexcept { return uri_; }
    [[nodiscard]] Uri& uri() noexcept { return uri_; }
    /// The header parameters, starting at the first ';'.
    [[nodiscard]] ParamList params() const noexcept { return ParamList(params_); }
    [[nodiscard]] std::optional<std::string_view> param(std::string_view name) const {
        return params().value(name);
    }
    /// The tag parameter (RFC 3261 §19.3), empty when absent.
    [[nodiscard]] std::string_view tag() const { return param("tag").value_or(""); }
    /// The expires parameter as delta-seconds, if present and numeric.
    [[nodiscard]] std::optional<std::uint32_t> expires() const;

    void set_display_name(std::string_view name) { display_name_ = name; }
    /// Add or replace a header parameter; std::nullopt makes it valueless. Throws
    /// std::invalid_argument when name or value are not tokens (value may be a quoted-string).
    void set_param(std::string_view name, std::optional<std::string_view> value = std::nullopt);
    void remove_param(std::string_view name);
    void set_tag(std::string_view tag) { set_param("tag", tag); }

    /// Always the name-addr form: `"Display" <uri>;params`.
    [[nodiscard]] std::string to_string() const;
    void serialize_to(std::string& out) const;

    friend bool operator==(const NameAddr& a, const NameAddr& b);

private:
    std::string display_name_;
    Uri uri_;
    std::string params_;  // canonical ";name=value" text
};

}  // namespace voip::sip
