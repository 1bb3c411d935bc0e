#pragma once
/// @file
/// An in-place packet transform between a Session and the wire (SRTP, or none). The rtp layer
/// only knows this interface; voip::srtp::Transform implements it with libsrtp2.

#include <voip/result.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace voip::rtp {

/// What a transform dropped on receive, for rtp::SessionStats.
struct TransformFailures {
    std::uint64_t authentication = 0;  ///< tag did not verify
    std::uint64_t replay = 0;          ///< replayed or too old
    std::uint64_t other = 0;           ///< malformed, too short, ...
};

/// Protects outgoing and unprotects incoming RTP/RTCP in place. Each call gets the whole
/// buffer and the packet length; protect needs max_overhead() free bytes after the packet.
/// Errors mean "drop this packet": implementations count them.
class Transform {
public:
    virtual ~Transform() = default;

    [[nodiscard]] virtual Result<std::size_t> protect_rtp(std::span<std::uint8_t> buffer,
                                                          std::size_t len) = 0;
    [[nodiscard]] virtual Result<std::size_t> unprotect_rtp(std::span<std::uint8_t> buffer,
                                                            std::size_t len) = 0;
    [[nodiscard]] virtual Result<std::size_t> protect_rtcp(std::span<std::uint8_t> buffer,
                                                           std::size_t len) = 0;
    [[nodiscard]] virtual Result<std::size_t> unprotect_rtcp(std::span<std::uint8_t> buffer,
                                                             std::size_t len) = 0;
    /// Free bytes protect needs after a packet.
    [[nodiscard]] virtual std::size_t max_overhead() const noexcept = 0;
    /// Counters of incoming packets dropped so far.
    [[nodiscard]] virtual TransformFailures failures() const noexcept = 0;

protected:
    Transform() = default;
    Transform(const Transform&) = default;
    Transform& operator=(const Transform&) = default;
    Transform(Transform&&) = default;
    Transform& operator=(Transform&&) = default;
};

}  // namespace voip::rtp
