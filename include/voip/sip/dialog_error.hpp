#pragma once
/// @file
/// Errors of dialog operations (issue 6). A final non-2xx response to one of our requests is
/// reported as an error code in status_category() whose value is the SIP status (486, 603, 487,
/// 408 ...); local failures are DialogErrc values.
///
/// @code
///   auto [ec, call] = co_await dialog->async_dial<Call>(target,
///   asio::as_tuple(asio::use_awaitable)); if (sip::status_of(ec) == 486) { /* busy */ }
/// @endcode

#include <string_view>
#include <system_error>
#include <type_traits>

namespace voip::sip {

/// Local reasons a dialog operation failed.
enum class DialogErrc {
    not_confirmed = 1,  ///< needs a confirmed dialog (BYE/re-INVITE/INFO before the 2xx/ACK)
    already_ending,     ///< a BYE was sent or received, or the dialog ended
    no_media,           ///< no media session (the layer is gone, or open() failed)
    glare,              ///< a re-INVITE of ours is pending (RFC 3261 §14.1)
    bad_sdp,            ///< the far end's SDP is missing, unparsable or unusable
    wrong_state,        ///< the action does not fit the dialog's role or state
    no_ack,             ///< our 2xx was never acknowledged (RFC 3261 §13.3.1.4: 64*T1)
    bad_target,         ///< the target URI cannot be resolved to a transport address
    auth_failed,        ///< a second challenge, or no usable challenge/credentials
    too_many_dialogs,   ///< CallConfig::max_dialogs reached
    forked_late,        ///< (reserved) a 2xx of another fork arrived after the first
    shutdown,           ///< the UserAgent / dialog layer went away
    media_timeout,      ///< no RTP/RTCP for CallConfig::media_timeout: the far end vanished
};

/// The std::error_category of DialogErrc ("voip.sip.dialog").
[[nodiscard]] const std::error_category& dialog_category() noexcept;

[[nodiscard]] inline std::error_code make_error_code(DialogErrc e) noexcept {
    return {static_cast<int>(e), dialog_category()};
}

/// The category of SIP final statuses as errors ("voip.sip.status"): value = the status code.
[[nodiscard]] const std::error_category& status_category() noexcept;

/// An error carrying SIP status @p status (300..699), e.g. make_status_error(486).
[[nodiscard]] inline std::error_code make_status_error(int status) noexcept {
    return {status, status_category()};
}

/// The SIP status an error carries, 0 when it is not a status error.
[[nodiscard]] inline int status_of(std::error_code ec) noexcept {
    return ec.category() == status_category() ? ec.value() : 0;
}

}  // namespace voip::sip

template <>
struct std::is_error_code_enum<voip::sip::DialogErrc> : std::true_type {};
