#include <voip/rtp/demux.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace {

using voip::rtp::classify;
using voip::rtp::PacketKind;

PacketKind first_byte(int b, int second = 0) {
    const std::array<std::uint8_t, 2> d = {static_cast<std::uint8_t>(b),
                                           static_cast<std::uint8_t>(second)};
    return classify(d);
}

TEST(Demux, FirstByteRangesOfRfc7983) {
    EXPECT_EQ(classify({}), PacketKind::unknown);
    for (int b = 0; b <= 3; ++b)
        EXPECT_EQ(first_byte(b), PacketKind::stun) << b;
    for (int b = 4; b <= 15; ++b)
        EXPECT_EQ(first_byte(b), PacketKind::unknown) << b;
    for (int b = 16; b <= 19; ++b)
        EXPECT_EQ(first_byte(b), PacketKind::zrtp) << b;
    for (int b = 20; b <= 63; ++b)
        EXPECT_EQ(first_byte(b), PacketKind::dtls) << b;
    for (int b = 64; b <= 79; ++b)
        EXPECT_EQ(first_byte(b), PacketKind::turn_channel) << b;
    for (int b = 80; b <= 127; ++b)
        EXPECT_EQ(first_byte(b), PacketKind::unknown) << b;
    for (int b = 128; b <= 191; ++b)
        EXPECT_EQ(first_byte(b, 0), PacketKind::rtp) << b;
    for (int b = 192; b <= 255; ++b)
        EXPECT_EQ(first_byte(b), PacketKind::unknown) << b;
}

TEST(Demux, RtcpMuxSplitBySecondByte) {
    // RFC 5761 §4: masked payload type 64–95 => RTCP (types 192–223 carry the marker bit).
    for (int second = 0; second <= 255; ++second) {
        const int pt = second & 0x7F;
        const auto expected = pt >= 64 && pt <= 95 ? PacketKind::rtcp : PacketKind::rtp;
        EXPECT_EQ(first_byte(0x80, second), expected) << second;
    }
    EXPECT_EQ(first_byte(0x81, 200), PacketKind::rtcp);        // SR
    EXPECT_EQ(first_byte(0x81, 201), PacketKind::rtcp);        // RR
    EXPECT_EQ(first_byte(0x80, 0x80 | 111), PacketKind::rtp);  // Opus with marker
    EXPECT_EQ(first_byte(0x80, 0), PacketKind::rtp);           // PCMU
    // One byte only: cannot tell RTP from RTCP.
    const std::array<std::uint8_t, 1> lone = {0x80};
    EXPECT_EQ(classify(lone), PacketKind::unknown);
}

TEST(Demux, StunBindingRequestHeader) {
    const std::vector<std::uint8_t> binding = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42};
    EXPECT_EQ(classify(binding), PacketKind::stun);
    EXPECT_EQ(voip::rtp::to_string(PacketKind::stun), "stun");
    EXPECT_EQ(voip::rtp::to_string(PacketKind::rtcp), "rtcp");
}

}  // namespace
