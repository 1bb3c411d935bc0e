#pragma once
// Streaming sample-rate conversion (speexdsp), one object per stream because it keeps filter
// state between calls. Any integer rates work; the library uses 8, 16 and 48 kHz.
//
// The filter's delay is removed at the start (speex_resampler_skip_zeros), so output sample k
// lines up with input time k/out_rate; flush() pushes out the tail so a whole signal comes out
// with round(in * out_rate / in_rate) samples.

#include <voip/result.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

struct SpeexResamplerState_;

namespace voip::codec {

class Resampler {
public:
    /// quality 0 (fast) .. 10 (best); 5 is speex's VoIP default. Errc::invalid_parameter for
    /// zero rates or quality out of range.
    [[nodiscard]] static Result<Resampler> create(std::uint32_t in_rate, std::uint32_t out_rate,
                                                  int quality = 5);

    /// Convert a chunk; appends to `out`. Chunks may be any length.
    void process(std::span<const float> in, std::vector<float>& out);
    [[nodiscard]] std::vector<float> process(std::span<const float> in);
    /// End of stream: append the remaining delayed samples, then reset for a new stream.
    void flush(std::vector<float>& out);

    [[nodiscard]] std::uint32_t in_rate() const noexcept { return in_rate_; }
    [[nodiscard]] std::uint32_t out_rate() const noexcept { return out_rate_; }

private:
    struct Free {
        void operator()(SpeexResamplerState_* s) const noexcept;
    };
    Resampler(std::uint32_t in_rate, std::uint32_t out_rate, SpeexResamplerState_* state);

    std::uint32_t in_rate_;
    std::uint32_t out_rate_;
    std::unique_ptr<SpeexResamplerState_, Free> state_;  // null when the rates are equal
    std::uint64_t total_in_ = 0;
    std::uint64_t total_out_ = 0;
};

/// One-shot conversion of a whole signal (creates a Resampler, processes, flushes).
[[nodiscard]] Result<std::vector<float>> resample(std::span<const float> in, std::uint32_t in_rate,
                                                  std::uint32_t out_rate, int quality = 5);

}  // namespace voip::codec
