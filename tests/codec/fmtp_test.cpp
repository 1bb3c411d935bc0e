#include <voip/codec/fmtp.hpp>

#include <gtest/gtest.h>

namespace voip::codec {
namespace {

TEST(Fmtp, ParsesKeyValuePairsWithSpaces) {
    const Fmtp f = Fmtp::parse("minptime=10; useinbandfec=1 ;maxaveragebitrate = 20000");
    EXPECT_EQ(f.params().size(), 3U);
    EXPECT_EQ(f.get("minptime"), "10");
    EXPECT_TRUE(f.flag("useinbandfec"));
    EXPECT_EQ(f.get_uint("maxaveragebitrate"), 20000U);
    EXPECT_EQ(f.to_string(), "minptime=10;useinbandfec=1;maxaveragebitrate=20000");
}

TEST(Fmtp, KeysAreCaseInsensitive) {
    const Fmtp f = Fmtp::parse("UseInbandFEC=1");
    EXPECT_TRUE(f.flag("useinbandfec"));
    EXPECT_TRUE(iequals("PCMU", "pcmu"));
    EXPECT_FALSE(iequals("PCMU", "PCMA"));
    EXPECT_FALSE(iequals("opus", "opu"));
}

TEST(Fmtp, LenientWithMalformedPieces) {
    const Fmtp f = Fmtp::parse(";;0-16; =5; stereo=; x=abc; big=99999999999");
    EXPECT_EQ(f.get("0-16"), "");  // telephone-event style value without '='
    EXPECT_EQ(f.get("stereo"), "");
    EXPECT_FALSE(f.flag("stereo"));
    EXPECT_FALSE(f.get_uint("x"));    // not a number
    EXPECT_FALSE(f.get_uint("big"));  // out of range
    EXPECT_FALSE(f.get("missing"));
    EXPECT_TRUE(Fmtp::parse("").empty());
    EXPECT_TRUE(Fmtp::parse(" ; ").empty());
}

TEST(Fmtp, SetReplacesCaseInsensitively) {
    Fmtp f = Fmtp::parse("a=1;b=2");
    f.set("A", "3");
    f.set("c", "4");
    EXPECT_EQ(f.to_string(), "a=3;b=2;c=4");
}

}  // namespace
}  // namespace voip::codec
