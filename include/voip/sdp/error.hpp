#pragma once
/// @file
/// Error codes of the SDP module: parsing (RFC 8866) and offer/answer (RFC 3264).

#include <cstddef>
#include <string>
#include <system_error>

namespace voip::sdp {

/// Why a session description was refused or an offer could not be answered.
enum class Errc {
    // Parsing: structure (RFC 8866 §5).
    empty_input = 1,       ///< no lines at all
    too_large,             ///< input bytes above ParseLimits::max_bytes
    too_many_lines,        ///< more lines than ParseLimits::max_lines
    too_many_media,        ///< more m= sections than ParseLimits::max_media
    bad_line,              ///< not `<letter>=<value>` (spaces around '=', empty line, ...)
    bad_character,         ///< NUL or a stray CR inside a line
    unknown_line_type,     ///< a type letter RFC 8866 does not define
    out_of_order,          ///< a line in the wrong place (RFC 8866 §5 order)
    duplicate_line,        ///< a line that may appear once appeared twice
    missing_version,       ///< first line is not v=
    bad_version,           ///< v= other than 0
    missing_origin,        ///< no o= line
    bad_origin,            ///< malformed o= line
    missing_session_name,  ///< no s= line
    missing_timing,        ///< no t= line
    bad_timing,            ///< malformed t= or r= line
    bad_connection,        ///< malformed c= line
    missing_connection,    ///< a media section without c= and no session-level c=
    bad_bandwidth,         ///< malformed b= line
    bad_media,             ///< malformed m= line
    bad_attribute,         ///< malformed a= line (empty name, bad characters)
    bad_rtpmap,            ///< malformed a=rtpmap
    bad_fmtp,              ///< malformed a=fmtp
    bad_ptime,             ///< malformed a=ptime or a=maxptime
    bad_rtcp,              ///< malformed a=rtcp
    bad_crypto,            ///< malformed a=crypto (RFC 4568 §9.1)
    bad_direction,         ///< a direction attribute carrying a value
    bad_mid,               ///< empty a=mid
    // Offer/answer (RFC 3264).
    invalid_local_media,    ///< our own LocalMedia is unusable (no codecs, bad address)
    no_audio_media,         ///< the offer has no audio section we could consider
    no_common_codec,        ///< no codec in common: the dialog answers 488
    secure_media_required,  ///< policy requires SRTP and the peer offered none usable
    no_usable_crypto,       ///< RTP/SAVP without a crypto line we can use
    unsupported_transport,  ///< a transport we do not speak (e.g. UDP/TLS/RTP/SAVP)
    answer_mismatch,        ///< the answer does not line up with our offer
    answer_rejected,        ///< the answer rejected (port 0) every audio section
    srtp_required,          ///< no RTP/AVP fallback: the crypto policy requires SRTP
    no_fallback,            ///< the refused offer had no RTP/SAVP stream to fall back from
};

/// The error category of voip::sdp::Errc ("voip.sdp").
[[nodiscard]] const std::error_category& error_category() noexcept;

/// Makes Errc usable as a std::error_code.
[[nodiscard]] inline std::error_code make_error_code(Errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

/// Where a parse failed: the 1-based line number and type letter, and a short human note.
struct ParseError {
    std::size_t line = 0;  ///< 1-based line number; 0 if the input as a whole failed
    char type = 0;         ///< the line's type letter ('m', 'a', ...) or 0
    std::string detail;    ///< e.g. "rtpmap: clock rate is not a number"
};

}  // namespace voip::sdp

template <>
struct std::is_error_code_enum<voip::sdp::Errc> : std::true_type {};
