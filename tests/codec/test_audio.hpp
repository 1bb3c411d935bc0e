#pragma once
// Test signals and measurements shared by the codec tests: real speech from espeak-ng (generated
// at test time, 22050 Hz, resampled by our Resampler), tones, SNR, delay-aligned correlation
// and frequency estimates.

#include <voip/codec/wav.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <numbers>
#include <span>
#include <string>
#include <unistd.h>
#include <vector>

namespace voip::codec::test {

inline std::filesystem::path temp_path(const std::string& name) {
    return std::filesystem::temp_directory_path() /
           ("voip_codec_" + std::to_string(::getpid()) + "_" + name);
}

/// About five seconds of English speech at `rate`, produced by espeak-ng once per process.
inline const std::vector<float>& speech(std::uint32_t rate) {
    static std::map<std::uint32_t, std::vector<float>> cache;
    if (auto it = cache.find(rate); it != cache.end()) return it->second;
    const auto wav = temp_path("speech.wav");
    const std::string cmd =
        "espeak-ng -s 150 -w '" + wav.string() +
        "' 'The quick brown fox jumps over the lazy dog. Please call me back at five five "
        "five, one two three four, before noon tomorrow.' 2>/dev/null";
    const int rc = std::system(cmd.c_str());  // NOLINT(cert-env33-c,concurrency-mt-unsafe): fixture
    EXPECT_EQ(rc, 0) << "espeak-ng failed: " << cmd;
    auto audio = read_wav(wav, rate);
    std::filesystem::remove(wav);
    EXPECT_TRUE(audio) << audio.error().message();
    std::vector<float> samples = audio ? std::move(audio->samples) : std::vector<float>{};
    // Speech from espeak-ng peaks near full scale; keep it but ensure it is real audio.
    EXPECT_GT(samples.size(), rate * 3U) << "expected several seconds of speech";
    return cache.emplace(rate, std::move(samples)).first->second;
}

inline std::vector<float> sine(double hz, std::uint32_t rate, std::size_t n, float amp = 0.5F) {
    std::vector<float> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = amp * static_cast<float>(
                           std::sin(2.0 * std::numbers::pi * hz * static_cast<double>(i) / rate));
    }
    return out;
}

/// Signal-to-noise ratio of `test` against `ref` in dB (same alignment, common length).
inline double snr_db(std::span<const float> ref, std::span<const float> test) {
    const std::size_t n = std::min(ref.size(), test.size());
    double s = 0;
    double e = 0;
    for (std::size_t i = 0; i < n; ++i) {
        s += static_cast<double>(ref[i]) * ref[i];
        const double d = static_cast<double>(ref[i]) - test[i];
        e += d * d;
    }
    return 10.0 * std::log10(s / std::max(e, 1e-20));
}

struct Alignment {
    double correlation = -1;
    std::size_t lag = 0;  ///< test[i + lag] best matches ref[i]
};

/// Normalised cross-correlation of `test` against `ref`, best over lags 0..max_lag (codec
/// delay), computed on the common part.
inline Alignment best_correlation(std::span<const float> ref, std::span<const float> test,
                                  std::size_t max_lag) {
    Alignment best;
    for (std::size_t lag = 0; lag <= max_lag && lag < test.size(); ++lag) {
        const std::size_t n = std::min(ref.size(), test.size() - lag);
        double xy = 0;
        double xx = 0;
        double yy = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const double x = ref[i];
            const double y = test[i + lag];
            xy += x * y;
            xx += x * x;
            yy += y * y;
        }
        const double c = xy / std::sqrt(std::max(xx * yy, 1e-30));
        if (c > best.correlation) best = {c, lag};
    }
    return best;
}

/// Frequency from rising zero crossings (for a clean tone).
inline double zero_crossing_hz(std::span<const float> x, std::uint32_t rate) {
    std::size_t first = 0;
    std::size_t last = 0;
    std::size_t count = 0;
    for (std::size_t i = 1; i < x.size(); ++i) {
        if (x[i - 1] < 0 && x[i] >= 0) {
            if (count == 0) first = i;
            last = i;
            ++count;
        }
    }
    if (count < 2) return 0;
    return static_cast<double>(count - 1) * rate / static_cast<double>(last - first);
}

/// Goertzel power of `hz` in `x`, normalised by length.
inline double goertzel_power(std::span<const float> x, double hz, std::uint32_t rate) {
    const double w = 2.0 * std::numbers::pi * hz / rate;
    const double coeff = 2.0 * std::cos(w);
    double s1 = 0;
    double s2 = 0;
    for (const float v : x) {
        const double s0 = v + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    return power / static_cast<double>(x.size() * x.size());
}

}  // namespace voip::codec::test
