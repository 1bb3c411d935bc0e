#pragma once
/// @file
/// Error codes of the media machinery (rtp::Multiplexer, rtp::Session).

#include <system_error>

namespace voip::rtp {

/// Why a media operation failed.
enum class MediaErrc {
    no_free_port = 1,   ///< every even port of the configured range is taken
    bad_port_range,     ///< the configured range holds no even port (with its RTCP pair)
    not_open,           ///< the session has no local ports (open() not called, or stopped)
    no_remote,          ///< no remote address to send to yet (set_remote())
    send_failed,        ///< the socket refused the datagram (would block, unreachable, ...)
    payload_too_large,  ///< payload does not fit one datagram
    protect_failed,     ///< the transform (SRTP) refused to protect the packet
    no_signalling,      ///< hang_up() without a SessionOwner to send the BYE
    stopped,            ///< the session was stopped
    too_many_sessions,  ///< Multiplexer::Config::max_sessions sessions are open already
};

/// The category of MediaErrc ("voip.rtp.media").
[[nodiscard]] const std::error_category& media_error_category() noexcept;

[[nodiscard]] inline std::error_code make_error_code(MediaErrc e) noexcept {
    return {static_cast<int>(e), media_error_category()};
}

}  // namespace voip::rtp

template <>
struct std::is_error_code_enum<voip::rtp::MediaErrc> : std::true_type {};
