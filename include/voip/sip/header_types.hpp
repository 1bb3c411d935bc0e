#pragma once
// Typed views of the structured header values the transaction and dialog layers read: Via and
// CSeq. They are views: valid while the text they were parsed from lives unchanged.

#include <voip/result.hpp>
#include <voip/sip/error.hpp>
#include <voip/sip/params.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace voip::sip {

/// RFC 3261 §20.42 via-parm: `SIP/2.0/<transport> host[:port] *(;param)`.
struct Via {
    std::string_view protocol_name;     ///< "SIP"
    std::string_view protocol_version;  ///< "2.0"
    std::string_view transport;         ///< "UDP", "TCP", "TLS", "SCTP", "WS", ... as written
    std::string_view host;              ///< sent-by host (IPv6 with brackets)
    std::optional<std::uint16_t> port;  ///< sent-by port
    ParamList params;                   ///< starting at the first ';'

    /// Parse one via-parm (one element of a Via header's comma list).
    /// Errors: ParseError::bad_via.
    static Result<Via> parse(std::string_view text);

    /// The branch parameter (empty when absent).
    [[nodiscard]] std::string_view branch() const { return params.value("branch").value_or(""); }
    /// RFC 3261 §8.1.1.7: branches from RFC 3261 elements start with the magic cookie.
    [[nodiscard]] bool has_rfc3261_branch() const;
    [[nodiscard]] std::optional<std::string_view> received() const {
        return params.value("received");
    }
    /// RFC 3581: true when an rport parameter is present (with or without a value).
    [[nodiscard]] bool has_rport() const { return params.contains("rport"); }
    /// RFC 3581: the rport value, when it has a valid one.
    [[nodiscard]] std::optional<std::uint16_t> rport() const;
    [[nodiscard]] std::optional<std::string_view> maddr() const { return params.value("maddr"); }

    /// Canonical text: `SIP/2.0/UDP host:port;name=value...`.
    [[nodiscard]] std::string to_string() const;
};

/// RFC 3261 §20.16: `CSeq: <number> <method>`; number < 2^31 (§8.1.1.5).
struct CSeq {
    std::uint32_t number = 0;
    std::string_view method;

    /// Errors: ParseError::bad_cseq.
    static Result<CSeq> parse(std::string_view text);
    [[nodiscard]] std::string to_string() const;
};

/// Parse delta-seconds (Expires, Max-Forwards-like values): 1*DIGIT; values above
/// 2^32-1 are an error here (RFC 3261 §20.19 allows clamping; callers may choose to).
[[nodiscard]] std::optional<std::uint32_t> parse_uint32(std::string_view digits) noexcept;

}  // namespace voip::sip
