#pragma once
/// @file
/// One direction of SRTP/SRTCP (RFC 3711) for one session, backed by libsrtp2.

#include <voip/result.hpp>
#include <voip/srtp/key_material.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

struct srtp_ctx_t_;  // libsrtp2's context; its header stays out of ours

namespace voip::srtp {

/// Counters of one Context. Packets that fail authentication or the replay check are counted
/// here and dropped by the caller.
struct Stats {
    std::uint64_t rtp_protected = 0;
    std::uint64_t rtp_unprotected = 0;
    std::uint64_t rtcp_protected = 0;
    std::uint64_t rtcp_unprotected = 0;
    std::uint64_t authentication_failures = 0;  ///< RTP and RTCP, RFC 3711 §3.4
    std::uint64_t replay_failures = 0;          ///< RTP and RTCP, RFC 3711 §3.3.2
    std::uint64_t other_failures = 0;           ///< too short, malformed, ...
};

/// Which implementation runs AES-128 counter mode and HMAC-SHA1 under libsrtp2 (initialising
/// libsrtp2 if needed): "openssl" (the default: OpenSSL's EVP registered with libsrtp2, much
/// cheaper per packet than Debian's NSS-backed build) or "libsrtp2 built-in" (environment
/// VOIP_SRTP_CRYPTO=builtin at the first SRTP use, or if libsrtp2's self-test refused ours).
/// AEAD_AES_128_GCM always runs libsrtp2's own.
[[nodiscard]] std::string_view crypto_backend();

/// SRTP for one direction: an outbound context protects what we send with our key, an
/// inbound context unprotects what we receive with the far end's key. Any SSRC is accepted
/// (libsrtp's ssrc_any_*), with a replay window per SSRC. Not thread-safe; move-only.
class Context {
public:
    enum class Direction { inbound, outbound };

    /// Bytes a buffer must have free after the packet for protect (libsrtp2's documented
    /// worst case: SRTP_MAX_TRAILER_LEN plus the 4-byte SRTCP index).
    static constexpr std::size_t max_trailer = 16 + 128 + 4;

    /// Sets up libsrtp2 (srtp_init, once per process, thread-safe) and a context for `key`.
    [[nodiscard]] static Result<Context> create(const KeyMaterial& key, Direction direction,
                                                std::size_t replay_window = 128);

    /// Protects the RTP packet in buffer[0, len) in place; returns the SRTP length.
    /// buffer.size() must be at least len + max_trailer.
    [[nodiscard]] Result<std::size_t> protect(std::span<std::uint8_t> buffer, std::size_t len);
    /// Authenticates, replay-checks and decrypts the SRTP packet in buffer[0, len) in place;
    /// returns the RTP length. Failures are counted in stats().
    [[nodiscard]] Result<std::size_t> unprotect(std::span<std::uint8_t> buffer, std::size_t len);
    /// SRTCP counterparts (RFC 3711 §3.4).
    [[nodiscard]] Result<std::size_t> protect_rtcp(std::span<std::uint8_t> buffer, std::size_t len);
    [[nodiscard]] Result<std::size_t> unprotect_rtcp(std::span<std::uint8_t> buffer,
                                                     std::size_t len);

    [[nodiscard]] const Stats& stats() const noexcept { return stats_; }
    [[nodiscard]] Direction direction() const noexcept { return direction_; }
    [[nodiscard]] Suite suite() const noexcept { return suite_; }

    Context(Context&& other) noexcept;
    Context& operator=(Context&& other) noexcept;
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
    ~Context();

private:
    Context(srtp_ctx_t_* ctx, Direction direction, Suite suite) noexcept
        : ctx_(ctx), direction_(direction), suite_(suite) {}
    Result<std::size_t> run(std::span<std::uint8_t> buffer, std::size_t len, bool rtcp,
                            bool protect);

    srtp_ctx_t_* ctx_ = nullptr;
    Direction direction_;
    Suite suite_;
    Stats stats_;
};

}  // namespace voip::srtp
