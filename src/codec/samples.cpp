#include <voip/codec/samples.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace voip::codec {

void to_float(std::span<const std::int16_t> in, std::span<float> out) noexcept {
    const std::size_t n = std::min(in.size(), out.size());
    for (std::size_t i = 0; i < n; ++i)
        out[i] = static_cast<float>(in[i]) / 32768.0F;
}

void to_int16(std::span<const float> in, std::span<std::int16_t> out) noexcept {
    const std::size_t n = std::min(in.size(), out.size());
    for (std::size_t i = 0; i < n; ++i) {
        const float scaled = std::nearbyint(in[i] * 32768.0F);
        out[i] = static_cast<std::int16_t>(std::clamp(scaled, -32768.0F, 32767.0F));
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
