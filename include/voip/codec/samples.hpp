#pragma once
// Conversions between float32 samples (the library's working type, full scale = ±1.0) and the
// int16 samples that codec libraries and WAV files use.

#include <cstdint>
#include <span>
#include <vector>

namespace voip::codec {

/// int16 → float in [-1, 1). `out` must be at least as long as `in`.
void to_float(std::span<const std::int16_t> in, std::span<float> out) noexcept;
/// float → int16 with rounding and saturation (values beyond ±1 clip instead of wrapping).
void to_int16(std::span<const float> in, std::span<std::int16_t> out) noexcept;

[[nodiscard]] std::vector<float> to_float(std::span<const std::int16_t> in);
[[nodiscard]] std::vector<std::int16_t> to_int16(std::span<const float> in);

/// Root mean square of the samples (0 for an empty span).
[[nodiscard]] float rms(std::span<const float> samples) noexcept;

}  // namespace voip::codec
