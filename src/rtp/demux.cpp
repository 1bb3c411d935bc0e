#include <voip/rtp/demux.hpp>

namespace voip::rtp {

PacketKind classify(std::span<const std::uint8_t> datagram) noexcept {
    if (datagram.empty()) return PacketKind::unknown;
    const std::uint8_t b = datagram[0];
    // RFC 7983 §7: the first byte tells the protocols apart.
    if (b <= 3) return PacketKind::stun;
    if (b >= 16 && b <= 19) return PacketKind::zrtp;
    if (b >= 20 && b <= 63) return PacketKind::dtls;
    if (b >= 64 && b <= 79) return PacketKind::turn_channel;
    if (b >= 128 && b <= 191) {
        if (datagram.size() < 2) return PacketKind::unknown;
        // RFC 5761 §4: RTCP packet types 192–223 would be RTP payload types 64–95 with the
        // marker bit set, which is why RTP must not use those payload types with rtcp-mux.
        const std::uint8_t pt = datagram[1] & 0x7F;
        return pt >= 64 && pt <= 95 ? PacketKind::rtcp : PacketKind::rtp;
    }
    return PacketKind::unknown;
}

std::string_view to_string(PacketKind kind) noexcept {
    switch (kind) {
        case PacketKind::unknown:
            return "unknown";
        case PacketKind::stun:
            return "stun";
        case PacketKind::zrtp:
            return "zrtp";
        case PacketKind::dtls:
            return "dtls";
        case PacketKind::turn_channel:
            return "turn-channel";
        case PacketKind::rtp:
            return "rtp";
        case PacketKind::rtcp:
            return "rtcp";
    }
    return "unknown";
}

}  // namespace voip::rtp
