#pragma once
/// @file
/// One RTP payload format of a media section, with the RFC 3551 static table.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace voip::sdp {

/// What a payload type number stands for in one media section: from a=rtpmap, or from the
/// RFC 3551 static table when rtpmap is absent; fmtp attached if present.
struct PayloadFormat {
    std::uint8_t payload_type = 0;
    std::string name;              ///< encoding name, e.g. "PCMU", "opus", "telephone-event"
    std::uint32_t clock_rate = 0;  ///< RTP clock rate in Hz
    unsigned channels = 1;
    std::string fmtp;  ///< format parameters, empty if none
    friend bool operator==(const PayloadFormat&, const PayloadFormat&) = default;
};

/// RFC 3551 §6 table 4/5: the static payload type `pt` (0..34), or nothing if unassigned.
[[nodiscard]] std::optional<PayloadFormat> static_payload_format(unsigned pt);
/// The static payload type of an encoding (name compared case-insensitively), if any.
[[nodiscard]] std::optional<std::uint8_t> static_payload_type(std::string_view name,
                                                              std::uint32_t clock_rate,
                                                              unsigned channels = 1);
/// ASCII case-insensitive comparison (encoding names, RFC 4855 §3).
[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

}  // namespace voip::sdp
