#include <voip/codec/samples.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>

namespace voip::codec {

void to_float(std::span<const std::int16_t> in, std::span<float> out) noexcept {
    const std::size_t n = std::min(in.size(), out.size());
    const std::int16_t* src = in.data();
    float* dst = out.data();
    constexpr float scale = 1.0F / 32768.0F;  // a power of two: exactly the division
    for (std::size_t i = 0; i < n; ++i)
        dst[i] = static_cast<float>(src[i]) * scale;
}

void to_int16(std::span<const float> in, std::span<std::int16_t> out) noexcept {
    const std::size_t n = std::min(in.size(), out.size());
    // Round half to even, as nearbyint() in the default rounding mode, without a libm call per
    // sample: adding and subtracting 1.5 × 2^23 leaves the nearest integer for |v| < 2^22
    // (IEEE 754 binary32 has 23 fraction bits). Two simple loops per block, because GCC 12
    // vectorises each of them but not the two steps fused. The comparisons are written so
    // that NaN ends up at -32768 instead of reaching an undefined conversion.
    constexpr float magic = 12582912.0F;
    constexpr std::size_t block = 64;
    std::array<float, block> scaled;  // NOLINT(cppcoreguidelines-pro-type-member-init)
    for (std::size_t done = 0; done < n; done += block) {
        const std::size_t m = std::min(block, n - done);
        const float* src = in.data() + done;
        std::int16_t* dst = out.data() + done;
        for (std::size_t i = 0; i < m; ++i) {
            float v = src[i] * 32768.0F;
            v = v > -32768.0F ? v : -32768.0F;
            v = v < 32767.0F ? v : 32767.0F;
            scaled[i] = v;
        }
        for (std::size_t i = 0; i < m; ++i)
            dst[i] = static_cast<std::int16_t>(static_cast<int>((scaled[i] + magic) - magic));
    }
}

std::vector<float> to_float(std::span<const std::int16_t> in) {
    std::vector<float> out(in.size());
    to_float(in, out);
    return out;
}

std::vector<std::int16_t> to_int16(std::span<const float> in) {
    std::vector<std::int16_t> out(in.size());
    to_int16(in, out);
    return out;
}

float rms(std::span<const float> samples) noexcept {
    if (samples.empty()) return 0.0F;
    // Four independent partial sums in double: the summation order is written out, so the
    // compiler may vectorise it without -ffast-math, and double keeps long signals exact enough.
    std::array<double, 4> sums{};
    const float* s = samples.data();
    const std::size_t n = samples.size();
    std::size_t i = 0;
    for (; i + sums.size() <= n; i += sums.size()) {
        for (std::size_t j = 0; j < sums.size(); ++j)
            sums[j] += static_cast<double>(s[i + j]) * s[i + j];
    }
    double sum = (sums[0] + sums[1]) + (sums[2] + sums[3]);
    for (; i < n; ++i)
        sum += static_cast<double>(s[i]) * s[i];
    return static_cast<float>(std::sqrt(sum / static_cast<double>(n)));
}

}  // namespace voip::codec
