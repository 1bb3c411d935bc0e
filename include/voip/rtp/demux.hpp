#pragma once
/// @file
/// Which protocol a datagram on a shared media port belongs to: RFC 7983 first-byte ranges,
/// then RFC 5761 §4 to split RTP from RTCP when they share the port (rtcp-mux).

#include <cstdint>
#include <span>
#include <string_view>

namespace voip::rtp {

/// The protocols RFC 7983 §7 tells apart on one port.
enum class PacketKind : std::uint8_t {
    unknown,       ///< empty, or a first byte no listed protocol uses: drop it
    stun,          ///< first byte 0–3 (RFC 5389)
    zrtp,          ///< 16–19 (RFC 6189)
    dtls,          ///< 20–63 (RFC 6347)
    turn_channel,  ///< 64–79 (RFC 5766 ChannelData)
    rtp,           ///< 128–191, payload type not in 64–95
    rtcp,          ///< 128–191, second byte & 0x7F in 64–95 (RTCP types 192–223)
};

/// Classifies @p datagram by its first (and for RTP/RTCP its second) byte. Pure and total:
/// any input gives an answer; it does not validate the packet further.
[[nodiscard]] PacketKind classify(std::span<const std::uint8_t> datagram) noexcept;

/// A short name for logs ("stun", "rtp", ...).
[[nodiscard]] std::string_view to_string(PacketKind kind) noexcept;

}  // namespace voip::rtp
