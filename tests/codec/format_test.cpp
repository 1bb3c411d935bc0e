#include <voip/codec/format.hpp>
#include <voip/codec/g711.hpp>

#include <gtest/gtest.h>

namespace voip::codec {
namespace {

TEST(Format, PayloadFormatForSdp) {
    const Format f = make_pcma()->format();
    const PayloadFormat pf = f.to_payload_format();
    EXPECT_EQ(pf.payload_type, 8);
    EXPECT_EQ(pf.encoding_name, "PCMA");
    EXPECT_EQ(pf.clock_rate, 8000U);
    EXPECT_EQ(pf.channels, 1U);
    EXPECT_EQ(pf.rtpmap(), "PCMA/8000");
    EXPECT_TRUE(pf.fmtp.empty());
}

TEST(Format, TicksAndSamplesWhenRatesDiffer) {
    const Format f{.encoding_name = "X",
                   .clock_rate = 48000,
                   .channels = 2,
                   .payload_type = 120,
                   .static_payload_type = false,
                   .fmtp = "a=1",
                   .sample_rate = 16000,
                   .frame_duration = std::chrono::milliseconds{40}};
    EXPECT_EQ(f.samples_per_frame(), 640U);
    EXPECT_EQ(f.timestamp_increment(), 1920U);
    EXPECT_EQ(f.samples_to_ticks(640), 1920U);
    EXPECT_EQ(f.ticks_to_samples(1920), 640U);
    const PayloadFormat pf = f.to_payload_format(101);
    EXPECT_EQ(pf.payload_type, 101);
    EXPECT_EQ(pf.rtpmap(), "X/48000/2");
    EXPECT_EQ(pf.fmtp, "a=1");
    EXPECT_EQ(f.to_payload_format().payload_type, 120);
}

}  // namespace
}  // namespace voip::codec
