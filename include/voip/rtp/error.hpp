#pragma once
/// @file
/// Error codes of the RTP wire layer (RTP packets, RTCP, demultiplexing).

#include <system_error>

namespace voip::rtp {

/// Why an RTP or RTCP datagram was rejected, or why serialization failed.
enum class Error {
    ok = 0,
    truncated,              ///< fewer bytes than the fixed header or a length field says
    bad_version,            ///< version field is not 2 (RFC 3550 §5.1)
    csrc_past_end,          ///< CSRC list runs past the end of the datagram
    extension_past_end,     ///< header extension runs past the end of the datagram
    bad_padding,            ///< padding count is 0 or larger than the payload (RFC 3550 §5.1)
    bad_extension_element,  ///< RFC 8285 element list malformed
    buffer_too_small,       ///< serialize: caller's buffer cannot hold the packet
    too_many_csrcs,         ///< serialize: more than 15 CSRCs
    bad_extension_length,   ///< serialize: extension data not a multiple of 4 bytes
    rtcp_bad_length,        ///< RTCP length field inconsistent with the datagram (RFC 3550 §A.2)
    rtcp_first_not_report,  ///< compound packet does not start with SR or RR (RFC 3550 §A.2)
    rtcp_padding_not_last,  ///< padding bit set on a packet other than the last (RFC 3550 §A.2)
    rtcp_bad_count,         ///< report/source count does not fit the packet length
    rtcp_bad_sdes,          ///< SDES chunk or item malformed (RFC 3550 §6.5)
    rtcp_wrong_type,        ///< packet is not of the type the caller asked to decode
    value_out_of_range,     ///< serialize: a field does not fit its wire width
};

/// The category of rtp::Error values ("voip.rtp").
[[nodiscard]] const std::error_category& error_category() noexcept;

/// Makes std::error_code from rtp::Error (found by ADL).
[[nodiscard]] inline std::error_code make_error_code(Error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

}  // namespace voip::rtp

template <>
struct std::is_error_code_enum<voip::rtp::Error> : std::true_type {};
