#pragma once
/// @file
/// SDP attributes: the generic `a=<name>[:<value>]` line and the typed views of the ones the
/// audio path needs (rtpmap, fmtp, ptime, direction, rtcp). Crypto lives in crypto.hpp.

#include <voip/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace voip::sdp {

/// One `a=` line as written: a property (`a=rtcp-mux`, no value) or a value attribute
/// (`a=ptime:20`). Unknown attributes are kept as they are, in order.
struct Attribute {
    std::string name;                  ///< e.g. "rtpmap"
    std::optional<std::string> value;  ///< text after the first ':'; empty optional = property

    /// The text after `a=`.
    [[nodiscard]] std::string to_string() const;
    friend bool operator==(const Attribute&, const Attribute&) = default;
};

/// RFC 8866 §6.7: media direction, from the point of view of the side that wrote it.
enum class Direction { sendrecv, sendonly, recvonly, inactive };

/// "sendrecv", "sendonly", ...
[[nodiscard]] std::string_view to_string(Direction d) noexcept;
/// The direction named by an attribute name, or nothing if it is not one.
[[nodiscard]] std::optional<Direction> direction_from_name(std::string_view name) noexcept;
/// RFC 3264 §6.1: what the answerer says to an offered direction (sendonly ↔ recvonly).
[[nodiscard]] Direction mirror(Direction d) noexcept;
/// Both sides' permissions together: sends only if both allow sending, and so on.
[[nodiscard]] Direction intersect(Direction a, Direction b) noexcept;
/// True if the direction lets the writer send / receive.
[[nodiscard]] bool sends(Direction d) noexcept;
[[nodiscard]] bool receives(Direction d) noexcept;

/// `a=rtpmap:<pt> <encoding>/<clock rate>[/<channels>]` (RFC 8866 §6.6).
struct Rtpmap {
    std::uint8_t payload_type = 0;
    std::string encoding;  ///< as written; compare case-insensitively (RFC 4855 §3)
    std::uint32_t clock_rate = 0;
    std::optional<unsigned> channels;  ///< only if written; absent means 1

    /// Parses the attribute value (after "rtpmap:").
    static Result<Rtpmap> parse(std::string_view value);
    [[nodiscard]] std::string to_string() const;  ///< the value, without "rtpmap:"
    friend bool operator==(const Rtpmap&, const Rtpmap&) = default;
};

/// `a=fmtp:<format> <parameters>` (RFC 8866 §6.15). The parameters are codec specific and
/// kept as text.
struct Fmtp {
    std::string format;  ///< the payload type as written in m=
    std::string parameters;

    static Result<Fmtp> parse(std::string_view value);
    [[nodiscard]] std::string to_string() const;
    /// The value of `name=value` in a `;`-separated parameter list (names case-insensitive).
    [[nodiscard]] static std::optional<std::string> parameter(std::string_view parameters,
                                                              std::string_view name);
    friend bool operator==(const Fmtp&, const Fmtp&) = default;
};

/// `a=rtcp:<port> [IN IP4|IP6 <address>]` (RFC 3605).
struct Rtcp {
    std::uint16_t port = 0;
    std::string net_type;   ///< "IN" if an address is given, else empty
    std::string addr_type;  ///< "IP4"/"IP6" if an address is given, else empty
    std::string address;    ///< empty if not given

    static Result<Rtcp> parse(std::string_view value);
    [[nodiscard]] std::string to_string() const;
    friend bool operator==(const Rtcp&, const Rtcp&) = default;
};

/// Parses `a=ptime` / `a=maxptime` values: milliseconds, an integer; RFC 4566 allows a decimal
/// fraction, which is accepted and truncated to whole milliseconds.
Result<unsigned> parse_ptime(std::string_view value);

}  // namespace voip::sdp
