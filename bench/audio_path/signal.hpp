#pragma once
// The synthetic talker of bench/audio_path: harmonics of a gliding pitch plus a little noise,
// in 1.2 s bursts with 0.4 s pauses (both the library rows and the raw baseline send it).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

namespace audio_path {

inline std::vector<float> talk(std::uint32_t rate) {
    std::vector<float> out(static_cast<std::size_t>(rate) * 16 / 10, 0.0F);
    std::mt19937 rng(1);
    std::normal_distribution<float> noise(0.0F, 0.01F);
    double phase = 0;
    for (std::size_t i = 0; i < static_cast<std::size_t>(rate) * 12 / 10; ++i) {
        const double t = static_cast<double>(i) / rate;
        phase +=
            2 * std::numbers::pi * (120.0 + 30.0 * std::sin(2 * std::numbers::pi * 0.7 * t)) / rate;
        double v = 0;
        for (int h = 1; h <= 12; ++h)
            v += std::sin(h * phase) / h;
        out[i] =
            static_cast<float>(0.15 * v * (0.6 + 0.4 * std::sin(2 * std::numbers::pi * 3 * t))) +
            noise(rng);
    }
    return out;
}

}  // namespace audio_path
