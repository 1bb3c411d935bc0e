#pragma once
/// @file
/// Errors of the audio module (mostly misuse of a call's media before or after negotiation;
/// codec, SDP and SRTP problems keep their own module's codes).

#include <system_error>

namespace voip::audio {

enum class Errc {
    not_started = 1,     ///< start_media() has not succeeded (or stop_media() ran)
    already_started,     ///< start_media() called twice
    no_telephone_event,  ///< DTMF asked for but telephone-event was not negotiated
    direction_forbids,   ///< the negotiated direction does not allow this (inactive/recvonly)
    bad_remote_address,  ///< the SDP connection address is not an IP literal
    codec_changed,       ///< a re-negotiation changed the codec: update_media() cannot apply it
};

[[nodiscard]] const std::error_category& error_category() noexcept;
[[nodiscard]] std::error_code make_error_code(Errc e) noexcept;

}  // namespace voip::audio

template <>
struct std::is_error_code_enum<voip::audio::Errc> : std::true_type {};
