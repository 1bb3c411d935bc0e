#pragma once
// bench/audio_path's honest baseline: what N full-duplex calls cost when written by hand on the
// underlying libraries, without libvoip and without Asio. Each leg is a non-blocking UDP socket
// on 127.0.0.1; one timerfd on an absolute 20 ms grid (kernel re-armed, no syscall to re-arm)
// and one epoll loop drive all legs. Per 20 ms each leg resamples (only when the call's rate
// differs from the codec's; speexdsp, quality 5 as the library), encodes one frame with
// spandsp/libopus directly, writes a 12-byte RTP header, srtp_protect()s it (SRTP rows) and
// sendto()s it to its peer; every readable socket is drained with recvfrom() until EAGAIN, each
// datagram srtp_unprotect()ed, decoded and resampled back. That is the work a paced real-time
// call must do; everything the library does beyond it (jitter buffer, VAD, RTCP, statistics,
// float API, event loop) is the overhead the bench reports.

#include <srtp2/srtp.h>

#include <cstddef>
#include <cstdint>

namespace audio_path {

enum class RawCodecKind { pcmu, g722, opus };

struct RawCallConfig {
    RawCodecKind codec = RawCodecKind::pcmu;
    bool srtp = false;
    std::uint32_t call_rate = 8000;  ///< the application's audio rate (resampled when different)
    int opus_complexity = 5;
    int pairs = 1;
    double seconds = 3;
};

struct RawCallResult {
    double cpu_per_leg_second = 0;  ///< CPU seconds per second of one call leg
    std::uint64_t sent = 0;
    std::uint64_t received = 0;
    std::uint64_t late_ticks = 0;  ///< timer expirations beyond one per wake-up (not real time)
    double heap_per_leg = 0;       ///< bytes: codec, SRTP and resampler state, buffers
    std::size_t payload = 0;       ///< mean payload bytes
};

/// Runs the hand-written calls (0.5 s warm-up, then @p config.seconds measured).
/// Throws std::runtime_error when sockets or libraries fail.
RawCallResult run_raw_calls(const RawCallConfig& config);

/// A libsrtp2 session (AES_CM_128_HMAC_SHA1_80, the library's default suite) for any SSRC of
/// @p type with the 30-byte master key+salt @p key; libsrtp2 must be initialised already.
srtp_t make_raw_srtp(srtp_ssrc_type_t type, std::uint8_t* key);

/// Codec rate of @p kind (what the codec library consumes and produces).
std::uint32_t raw_codec_rate(RawCodecKind kind);

/// Bytes of libopus encoder + decoder state for one mono 16 kHz leg (the raw memory floor).
std::size_t opus_state_bytes();

/// Live heap bytes (mallinfo2), for per-call memory figures.
std::size_t heap_in_use();

}  // namespace audio_path
