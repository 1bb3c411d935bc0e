#include <voip/sdp/payload_format.hpp>

#include <gtest/gtest.h>

namespace {

using namespace voip::sdp;

TEST(StaticPayload, Rfc3551AudioTable) {
    struct Row {
        unsigned pt;
        const char* name;
        std::uint32_t rate;
        unsigned channels;
    };
    const Row rows[] = {{0, "PCMU", 8000, 1},  {3, "GSM", 8000, 1},  {4, "G723", 8000, 1},
                        {8, "PCMA", 8000, 1},  {9, "G722", 8000, 1}, {10, "L16", 44100, 2},
                        {11, "L16", 44100, 1}, {13, "CN", 8000, 1},  {18, "G729", 8000, 1}};
    for (const auto& r : rows) {
        auto f = static_payload_format(r.pt);
        ASSERT_TRUE(f) << r.pt;
        EXPECT_EQ(f->payload_type, r.pt);
        EXPECT_EQ(f->name, r.name);
        EXPECT_EQ(f->clock_rate, r.rate);
        EXPECT_EQ(f->channels, r.channels);
        EXPECT_TRUE(f->fmtp.empty());
    }
}

TEST(StaticPayload, UnassignedAndDynamicHaveNoEntry) {
    for (unsigned pt : {1U, 2U, 19U, 20U, 35U, 72U, 96U, 101U, 127U, 128U, 1000U}) {
        EXPECT_FALSE(static_payload_format(pt)) << pt;
    }
}

TEST(StaticPayload, ReverseLookupIgnoresCase) {
    EXPECT_EQ(static_payload_type("pcmu", 8000), 0);
    EXPECT_EQ(static_payload_type("PCMA", 8000), 8);
    EXPECT_EQ(static_payload_type("g722", 8000), 9);
    EXPECT_EQ(static_payload_type("L16", 44100, 2), 10);
    EXPECT_FALSE(static_payload_type("G722", 16000));
    EXPECT_FALSE(static_payload_type("opus", 48000, 2));
}

TEST(Iequals, AsciiCaseInsensitive) {
    EXPECT_TRUE(iequals("telephone-event", "Telephone-Event"));
    EXPECT_FALSE(iequals("AMR", "AMR-WB"));
    EXPECT_FALSE(iequals("abc", "abd"));
    EXPECT_TRUE(iequals("", ""));
}

}  // namespace
