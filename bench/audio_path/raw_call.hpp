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

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace audio_path {

enum class RawCodecKind { pcmu, g722, opus };

struct RawCallConfig {
    RawCodecKind codec = RawCodecKind::pcmu;
    bool srtp = false;
    std::uint32_t call_rate = 8000;  ///< the application's audio rate (resampled when different)
    int opus_complexity = 5;
    int pairs = 1;
};

/// The hand-written calls of @p config, set up and running: run_for() drives them (one thread,
/// its own epoll loop, nothing else runs meanwhile); the counters are cumulative, so a caller
/// measures a window by the difference. Throws std::runtime_error when sockets or libraries fail.
class RawCalls {
public:
    explicit RawCalls(const RawCallConfig& config);
    ~RawCalls();
    RawCalls(const RawCalls&) = delete;
    RawCalls& operator=(const RawCalls&) = delete;
    RawCalls(RawCalls&&) = delete;
    RawCalls& operator=(RawCalls&&) = delete;

    /// Runs the calls for @p duration. After a pause (another row measured meanwhile) the
    /// 20 ms grid resumes from now: the missed expirations are not counted late.
    void run_for(std::chrono::duration<double> duration);

    struct Counters {
        std::uint64_t sent = 0;
        std::uint64_t received = 0;
        std::uint64_t late_ticks = 0;  ///< expirations beyond one per wake-up (not real time)
    };
    [[nodiscard]] Counters counters() const noexcept;
    [[nodiscard]] double heap_per_leg() const noexcept;  ///< bytes: codec, SRTP, resamplers
    [[nodiscard]] std::size_t payload() const noexcept;  ///< mean payload bytes so far

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

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
