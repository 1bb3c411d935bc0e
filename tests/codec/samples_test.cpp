#include <voip/codec/samples.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace voip::codec {
namespace {

TEST(Samples, Int16ToFloatAndBack) {
    const std::vector<std::int16_t> in{0, 1, -1, 16384, -16384, 32767, -32768};
    const auto f = to_float(in);
    EXPECT_FLOAT_EQ(f[3], 0.5F);
    EXPECT_FLOAT_EQ(f[6], -1.0F);
    EXPECT_EQ(to_int16(f), in);
}

TEST(Samples, FloatToInt16SaturatesAndRounds) {
    const std::vector<float> in{2.0F, -2.0F, 1.0F, 0.49F / 32768.0F, 0.51F / 32768.0F};
    const auto out = to_int16(in);
    EXPECT_EQ(out[0], 32767);
    EXPECT_EQ(out[1], -32768);
    EXPECT_EQ(out[2], 32767);
    EXPECT_EQ(out[3], 0);
    EXPECT_EQ(out[4], 1);
}

TEST(Samples, FloatToInt16RoundsHalfToEvenLikeNearbyint) {
    // Every half-way point and its neighbours across the range, plus values just inside the
    // clamp: the fast conversion must agree with nearbyint() + clamp exactly.
    std::vector<float> in;
    for (int k = -32770; k <= 32770; k += 7) {
        for (const float frac : {-0.5F, -0.25F, 0.0F, 0.25F, 0.5F, 0.75F})
            in.push_back((static_cast<float>(k) + frac) / 32768.0F);
    }
    const auto out = to_int16(in);
    for (std::size_t i = 0; i < in.size(); ++i) {
        const float expected = std::clamp(std::nearbyint(in[i] * 32768.0F), -32768.0F, 32767.0F);
        ASSERT_EQ(out[i], static_cast<std::int16_t>(expected)) << in[i] * 32768.0F;
    }
    // NaN (a corrupt upstream signal) saturates instead of reaching an undefined conversion.
    const std::vector<float> nan{std::nanf("")};
    EXPECT_EQ(to_int16(nan)[0], -32768);
}

TEST(Samples, Rms) {
    EXPECT_EQ(rms({}), 0.0F);
    const std::vector<float> square{0.5F, -0.5F, 0.5F, -0.5F};
    EXPECT_FLOAT_EQ(rms(square), 0.5F);
}

}  // namespace
}  // namespace voip::codec
