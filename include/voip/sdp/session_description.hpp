#pragma once
/// @file
/// RFC 8866 session descriptions as a value type: parse, inspect, edit, write back.
///
/// Strict on structure (line order per RFC 8866 §5, `<type>=<value>` with nothing around '=',
/// v/o/s/t required), liberal on attributes: unknown ones are kept in order and written back.
/// Input may end lines with LF or CRLF; output always uses CRLF.

#include <voip/result.hpp>
#include <voip/sdp/attributes.hpp>
#include <voip/sdp/crypto.hpp>
#include <voip/sdp/error.hpp>
#include <voip/sdp/payload_format.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace voip::sdp {

/// Resource limits for untrusted input (issue 11). Exceeding one is an error, not a crash.
struct ParseLimits {
    std::size_t max_bytes = std::size_t{64} * 1024;
    std::size_t max_lines = 1024;
    std::size_t max_media = 16;
};

/// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>` (§5.2).
struct Origin {
    std::string username = "-";
    std::uint64_t session_id = 0;
    std::uint64_t session_version = 0;
    std::string net_type = "IN";
    std::string addr_type = "IP4";
    std::string address = "127.0.0.1";
    friend bool operator==(const Origin&, const Origin&) = default;
};

/// `c=<nettype> <addrtype> <address>[/<ttl>][/<number>]` (§5.7).
struct Connection {
    std::string net_type = "IN";
    std::string addr_type = "IP4";  ///< "IP4" or "IP6" (others kept as written)
    std::string address;            ///< without the /ttl and /number suffixes
    std::optional<unsigned> ttl;    ///< IPv4 multicast only
    std::optional<unsigned> count;  ///< number of multicast addresses

    /// The value after "c=".
    [[nodiscard]] std::string to_string() const;
    /// RFC 3264 §8.4 (and RFC 2543 hold): 0.0.0.0 means "do not send to me".
    [[nodiscard]] bool is_null() const noexcept { return address == "0.0.0.0" || address == "::"; }
    friend bool operator==(const Connection&, const Connection&) = default;
};

/// `b=<bwtype>:<bandwidth>` (§5.8), e.g. AS:64 (kbit/s) or TIAS:64000 (bit/s).
struct Bandwidth {
    std::string type;
    std::uint64_t value = 0;
    friend bool operator==(const Bandwidth&, const Bandwidth&) = default;
};

/// One time description: `t=`, its `r=` lines and an optional `z=` (§5.9–5.11), the r= and z=
/// values kept as text.
struct Timing {
    std::uint64_t start = 0;
    std::uint64_t stop = 0;
    std::vector<std::string> repeats;
    std::optional<std::string> zone;
    friend bool operator==(const Timing&, const Timing&) = default;
};

/// One media description: `m=` and the lines under it.
struct Media {
    std::string media = "audio";  ///< "audio", "video", "application", ...
    std::uint16_t port = 0;       ///< 0: the stream is rejected / disabled (RFC 3264 §6)
    std::optional<unsigned> port_count;
    std::string protocol = "RTP/AVP";        ///< "RTP/AVP", "RTP/SAVP", "RTP/SAVPF", ...
    std::vector<std::string> formats;        ///< payload types as written, in preference order
    std::optional<std::string> information;  ///< i=
    std::vector<Connection> connections;     ///< c= (usually zero or one)
    std::vector<Bandwidth> bandwidths;       ///< b=
    std::optional<std::string> key;          ///< k= (obsolete, kept)
    std::vector<Attribute> attributes;       ///< a=, in order

    // Generic attribute access.
    /// The first attribute with this name, or nullptr.
    [[nodiscard]] const Attribute* find_attribute(std::string_view name) const;
    [[nodiscard]] bool has_attribute(std::string_view name) const {
        return find_attribute(name) != nullptr;
    }
    void add_attribute(std::string name, std::optional<std::string> value = std::nullopt);
    /// Removes every attribute with this name; returns how many went.
    std::size_t remove_attributes(std::string_view name);

    // Typed views (malformed attributes, which parse() refuses, are skipped here).
    /// The format of payload type `pt` if it is listed in m=: rtpmap, else the RFC 3551 table.
    [[nodiscard]] std::optional<PayloadFormat> payload_format(unsigned pt) const;
    /// Every listed format that resolves, in m= order.
    [[nodiscard]] std::vector<PayloadFormat> payload_formats() const;
    /// The direction attribute of this section, if any (see SessionDescription::direction).
    [[nodiscard]] std::optional<Direction> direction() const;
    /// Replaces any direction attribute with `d`.
    void set_direction(Direction d);
    [[nodiscard]] std::optional<unsigned> ptime() const;
    [[nodiscard]] std::optional<unsigned> maxptime() const;
    [[nodiscard]] std::optional<Rtcp> rtcp() const;
    [[nodiscard]] bool rtcp_mux() const { return has_attribute("rtcp-mux"); }
    [[nodiscard]] std::vector<Crypto> cryptos() const;
    [[nodiscard]] std::optional<std::string> mid() const;
    /// True for RTP/SAVP and RTP/SAVPF (SDES-keyed SRTP).
    [[nodiscard]] bool is_secure_rtp() const noexcept;

    friend bool operator==(const Media&, const Media&) = default;
};

/// A whole session description.
class SessionDescription {
public:
    int version = 0;                         ///< v=
    Origin origin;                           ///< o=
    std::string session_name = "-";          ///< s= (RFC 8866 §5.3: "-" if none)
    std::optional<std::string> information;  ///< i=
    std::optional<std::string> uri;          ///< u=
    std::vector<std::string> emails;         ///< e=
    std::vector<std::string> phones;         ///< p=
    std::optional<Connection> connection;    ///< session-level c=
    std::vector<Bandwidth> bandwidths;       ///< session-level b=
    std::vector<Timing> timings{Timing{}};   ///< t= (at least one)
    std::optional<std::string> key;          ///< k=
    std::vector<Attribute> attributes;       ///< session-level a=
    std::vector<Media> media;                ///< m= sections

    /// Parses a description. On failure, `error` (if given) names the line and field.
    static Result<SessionDescription> parse(std::string_view text, const ParseLimits& limits = {},
                                            ParseError* error = nullptr);
    /// Writes the description with CRLF line ends, in RFC 8866 §5 order.
    [[nodiscard]] std::string to_string() const;

    /// The connection that applies to media section `m`: its own c=, else the session's.
    [[nodiscard]] const Connection* connection_for(const Media& m) const;
    /// The effective direction of `m`: its own attribute, else the session's, else sendrecv
    /// (RFC 3264 §5.1).
    [[nodiscard]] Direction direction_of(const Media& m) const;
    /// The first session-level attribute with this name, or nullptr.
    [[nodiscard]] const Attribute* find_attribute(std::string_view name) const;

    friend bool operator==(const SessionDescription&, const SessionDescription&) = default;
};

}  // namespace voip::sdp
