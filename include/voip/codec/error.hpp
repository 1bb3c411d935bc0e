#pragma once
// Errors of the codec module: bad payloads, unknown codecs, unusable parameters and bad files.

#include <system_error>

namespace voip::codec {

enum class Errc {
    unknown_codec = 1,        ///< no codec of that encoding name (and clock rate) is registered
    invalid_parameter,        ///< a rate, frame size, bitrate or digit the codec cannot use
    frame_size_mismatch,      ///< encode() was given a number of samples other than one frame
    buffer_too_small,         ///< the output span cannot hold the result
    empty_payload,            ///< a zero-length RTP payload where one frame was expected
    truncated_payload,        ///< fewer bytes than the payload format requires
    corrupt_payload,          ///< the codec rejected the payload bytes
    codec_failure,            ///< the codec library failed (allocation, internal error)
    file_open_failed,         ///< a WAV file could not be opened (missing, unreadable, not audio)
    file_format_unsupported,  ///< an audio file in a format we do not read or write
    file_read_failed,         ///< reading samples from an open file failed
    file_write_failed,        ///< writing a file failed
};

[[nodiscard]] const std::error_category& error_category() noexcept;
[[nodiscard]] std::error_code make_error_code(Errc e) noexcept;

}  // namespace voip::codec

template <>
struct std::is_error_code_enum<voip::codec::Errc> : std::true_type {};
