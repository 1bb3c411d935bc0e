#include <voip/codec/samples.hpp>

#include <algorithm>
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
    const float* src = in.data();
    std::int16_t* dst = out.data();
    // Round half to even, as nearbyint() in the default rounding mode, without a libm call per
    // sample: adding and subtracting 1.5 × 2^23 leaves the nearest integer for |v| < 2^22
    // (IEEE 754 binary32 has 23 fraction bits). Loops like this one vectorise. The comparisons
    // are written so that NaN ends up at -32768 instead of reaching an undefined conversion.
    constexpr float magic = 12582912.0F;
    for (std::size_t i = 0; i < n; ++i) {
        float v = src[i] * 32768.0F;
        v = v > -32768.0F ? v : -32768.0F;
        v = v < 32767.0F ? v : 32767.0F;
        v = (v + magic) - magic;
        dst[i] = static_cast<std::int16_t>(v);
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
    double sum = 0.0;
    for (const float s : samples)
        sum += static_cast<double>(s) * s;
    return static_cast<float>(std::sqrt(sum / static_cast<double>(samples.size())));
}

}  // namespace voip::codec
