#include <voip/sdp/attributes.hpp>
#include <voip/sdp/error.hpp>

#include <gtest/gtest.h>

namespace {

using namespace voip::sdp;

TEST(Attribute, PropertyAndValueForms) {
    EXPECT_EQ((Attribute{"rtcp-mux", std::nullopt}.to_string()), "rtcp-mux");
    EXPECT_EQ((Attribute{"ptime", "20"}.to_string()), "ptime:20");
    EXPECT_EQ((Attribute{"x-empty", ""}.to_string()), "x-empty:");
}

TEST(Direction, NamesRoundTrip) {
    for (auto d :
         {Direction::sendrecv, Direction::sendonly, Direction::recvonly, Direction::inactive}) {
        EXPECT_EQ(direction_from_name(to_string(d)), d);
    }
    EXPECT_FALSE(direction_from_name("sendRecv"));
    EXPECT_FALSE(direction_from_name("rtcp-mux"));
}

TEST(Direction, MirrorFollowsRfc3264) {
    EXPECT_EQ(mirror(Direction::sendonly), Direction::recvonly);
    EXPECT_EQ(mirror(Direction::recvonly), Direction::sendonly);
    EXPECT_EQ(mirror(Direction::sendrecv), Direction::sendrecv);
    EXPECT_EQ(mirror(Direction::inactive), Direction::inactive);
}

TEST(Direction, IntersectKeepsOnlyWhatBothAllow) {
    EXPECT_EQ(intersect(Direction::sendrecv, Direction::sendonly), Direction::sendonly);
    EXPECT_EQ(intersect(Direction::sendonly, Direction::recvonly), Direction::inactive);
    EXPECT_EQ(intersect(Direction::recvonly, Direction::sendrecv), Direction::recvonly);
    EXPECT_EQ(intersect(Direction::inactive, Direction::sendrecv), Direction::inactive);
    EXPECT_TRUE(sends(Direction::sendonly));
    EXPECT_FALSE(receives(Direction::sendonly));
}

TEST(Rtpmap, ParsesWithAndWithoutChannels) {
    auto a = Rtpmap::parse("96 opus/48000/2");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->payload_type, 96);
    EXPECT_EQ(a->encoding, "opus");
    EXPECT_EQ(a->clock_rate, 48000U);
    EXPECT_EQ(a->channels, 2U);
    EXPECT_EQ(a->to_string(), "96 opus/48000/2");

    auto b = Rtpmap::parse("0 PCMU/8000");
    ASSERT_TRUE(b);
    EXPECT_FALSE(b->channels);
    EXPECT_EQ(b->to_string(), "0 PCMU/8000");
}

TEST(Rtpmap, RefusesMalformed) {
    for (const char* bad : {"", "96", "96 opus", "96 opus/", "96 opus/x", "128 opus/48000",
                            "96 opus/0", "96 opus/48000/0", "96 opus/48000/2/1", "-1 a/8000",
                            "96 op us/8000", "96  opus/8000", "96 opus/99999999999"}) {
        EXPECT_EQ(Rtpmap::parse(bad).error(), Errc::bad_rtpmap) << bad;
    }
}

TEST(Fmtp, ParsesAndFindsParameters) {
    auto f = Fmtp::parse("102 useinbandfec=1; maxaveragebitrate=30000");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->format, "102");
    EXPECT_EQ(f->parameters, "useinbandfec=1; maxaveragebitrate=30000");
    EXPECT_EQ(f->to_string(), "102 useinbandfec=1; maxaveragebitrate=30000");
    EXPECT_EQ(Fmtp::parameter(f->parameters, "MaxAverageBitrate"), "30000");
    EXPECT_EQ(Fmtp::parameter(f->parameters, "useinbandfec"), "1");
    EXPECT_FALSE(Fmtp::parameter(f->parameters, "stereo"));
    EXPECT_EQ(Fmtp::parameter("octet-align;mode-set=0,2", "octet-align"), "");
    EXPECT_EQ(Fmtp::parameter("0-16", "0-16"), "");
    EXPECT_EQ(Fmtp::parameter("annexb=no", "annexb"), "no");
}

TEST(Fmtp, RefusesMissingFormat) {
    EXPECT_EQ(Fmtp::parse("101").error(), Errc::bad_fmtp);
    EXPECT_EQ(Fmtp::parse(" 0-16").error(), Errc::bad_fmtp);
    EXPECT_EQ(Fmtp::parse("").error(), Errc::bad_fmtp);
    EXPECT_TRUE(Fmtp::parse("101 "));
}

TEST(Rtcp, PortAndOptionalAddress) {
    auto a = Rtcp::parse("53021");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->port, 53021);
    EXPECT_TRUE(a->address.empty());
    EXPECT_EQ(a->to_string(), "53021");

    auto b = Rtcp::parse("9 IN IP6 2001:db8::7");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->port, 9);
    EXPECT_EQ(b->addr_type, "IP6");
    EXPECT_EQ(b->address, "2001:db8::7");
    EXPECT_EQ(b->to_string(), "9 IN IP6 2001:db8::7");

    for (const char* bad : {"", "x", "70000", "9 IN IP4", "9 IN  IP4 1.2.3.4", "9 IN IP4 a b"}) {
        EXPECT_EQ(Rtcp::parse(bad).error(), Errc::bad_rtcp) << bad;
    }
}

TEST(Ptime, IntegerAndDecimal) {
    EXPECT_EQ(parse_ptime("20").value(), 20U);
    EXPECT_EQ(parse_ptime("30.0").value(), 30U);
    EXPECT_EQ(parse_ptime("0.5").value(), 0U);
    for (const char* bad : {"", "x", "20ms", "-20", "20.", ".5", "1000000"}) {
        EXPECT_EQ(parse_ptime(bad).error(), Errc::bad_ptime) << bad;
    }
}

}  // namespace
