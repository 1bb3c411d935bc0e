#pragma once
// Reading and writing WAV files with libsndfile, for tests, examples and call recording.
// (DESIGN.md places WAV loosely under audio/; it lives in codec/ so that the codec tests, which
// sit below audio/, can load and save speech too.)
//
// Files are untrusted input: a missing, truncated or non-audio file is an error code.

#include <voip/result.hpp>

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace voip::codec {

/// Mono float32 audio at a known rate.
struct Audio {
    std::vector<float> samples;
    std::uint32_t sample_rate = 0;
    [[nodiscard]] double seconds() const noexcept {
        return sample_rate == 0 ? 0.0 : static_cast<double>(samples.size()) / sample_rate;
    }
};

enum class WavEncoding { pcm16, float32 };

/// Read any file libsndfile reads (WAV, also AIFF, FLAC, ...), mixing channels down to mono;
/// resampled to `sample_rate` unless it is 0 (keep the file's rate).
[[nodiscard]] Result<Audio> read_wav(const std::filesystem::path& path,
                                     std::uint32_t sample_rate = 0);

/// Write mono WAV (16-bit PCM by default; samples beyond ±1 clip).
[[nodiscard]] Result<void> write_wav(const std::filesystem::path& path,
                                     std::span<const float> samples, std::uint32_t sample_rate,
                                     WavEncoding encoding = WavEncoding::pcm16);

}  // namespace voip::codec
