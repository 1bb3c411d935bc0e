#pragma once
// What a codec is, as far as SDP and RTP are concerned, and what it really does to audio.
//
// The RTP clock rate is not always the audio sample rate: G.722 is "G722/8000" in SDP for a
// historical mistake (RFC 3551 §4.5.2) but samples at 16 kHz, and Opus always uses a 48 kHz RTP
// clock (RFC 7587 §4.1) whatever rate its encoder and decoder run at. Format keeps both, and the
// helpers convert between samples and RTP timestamp ticks so nobody has to remember.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace voip::codec {

/// The plain fields of one SDP payload format (a=rtpmap + a=fmtp); free of SDP types so the SDP
/// layer can copy them into its own.
struct PayloadFormat {
    int payload_type = -1;      ///< 0..127
    std::string encoding_name;  ///< as written in a=rtpmap ("PCMU", "G722", "opus")
    std::uint32_t clock_rate = 0;
    std::uint32_t channels = 1;  ///< written in a=rtpmap only when not 1 (opus/48000/2)
    std::string fmtp;            ///< a=fmtp value, empty when none

    /// "PCMU/8000", "opus/48000/2": the a=rtpmap value after the payload type.
    [[nodiscard]] std::string rtpmap() const;
    friend bool operator==(const PayloadFormat&, const PayloadFormat&) = default;
};

struct Format {
    std::string encoding_name;     ///< SDP encoding name, matched case-insensitively
    std::uint32_t clock_rate = 0;  ///< RTP timestamp ticks per second
    std::uint32_t channels = 1;    ///< SDP channel count (opus says 2 even for mono, RFC 7587)
    int payload_type = -1;         ///< static PT (RFC 3551 table 4) or a suggested dynamic one
    bool static_payload_type = false;
    std::string fmtp;               ///< default a=fmtp we offer
    std::uint32_t sample_rate = 0;  ///< real rate of the PCM the codec consumes and produces
    std::chrono::milliseconds frame_duration{20};  ///< packet time we encode

    /// Samples (mono, at sample_rate) in one frame of frame_duration.
    [[nodiscard]] std::size_t samples_per_frame() const noexcept {
        return static_cast<std::size_t>(sample_rate) *
               static_cast<std::size_t>(frame_duration.count()) / 1000U;
    }
    /// RTP timestamp advance for one frame (G.722: 160 per 20 ms although it codes 320 samples).
    [[nodiscard]] std::uint32_t timestamp_increment() const noexcept {
        return static_cast<std::uint32_t>(static_cast<std::uint64_t>(clock_rate) *
                                          static_cast<std::uint64_t>(frame_duration.count()) /
                                          1000U);
    }
    /// RTP timestamp ticks covered by `samples` samples at sample_rate.
    [[nodiscard]] std::uint32_t samples_to_ticks(std::size_t samples) const noexcept {
        return static_cast<std::uint32_t>(static_cast<std::uint64_t>(samples) * clock_rate /
                                          sample_rate);
    }
    /// Samples at sample_rate covered by `ticks` RTP timestamp ticks.
    [[nodiscard]] std::size_t ticks_to_samples(std::uint32_t ticks) const noexcept {
        return static_cast<std::size_t>(static_cast<std::uint64_t>(ticks) * sample_rate /
                                        clock_rate);
    }

    /// The SDP view, with `payload_type` overriding the default when >= 0 (dynamic PTs are
    /// chosen by the offerer, RFC 3264 §6.1).
    [[nodiscard]] PayloadFormat to_payload_format(int payload_type = -1) const;
};

}  // namespace voip::codec
