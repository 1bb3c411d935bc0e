#pragma once
// In-band DTMF: the tones themselves in the audio, for peers that do not send RFC 4733 events.
// Detection and generation by spandsp (dtmf_rx, dtmf_tx), which work at 8 kHz: resample other
// rates first (codec::Resampler).

#include <voip/result.hpp>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace voip::codec {

class InbandDtmfDetector {
public:
    InbandDtmfDetector();
    ~InbandDtmfDetector();
    InbandDtmfDetector(InbandDtmfDetector&&) noexcept;
    InbandDtmfDetector& operator=(InbandDtmfDetector&&) noexcept;

    /// Feed 8 kHz audio; returns the digits whose tones were recognised in it (usually empty).
    [[nodiscard]] std::string process(std::span<const float> samples_8k);

private:
    struct State;
    std::unique_ptr<State> state_;
};

class InbandDtmfGenerator {
public:
    /// `on`/`off`: tone and pause lengths per digit; `level_dbm0`: level of the low tone.
    explicit InbandDtmfGenerator(int on_ms = 100, int off_ms = 60, int level_dbm0 = -10);
    ~InbandDtmfGenerator();
    InbandDtmfGenerator(InbandDtmfGenerator&&) noexcept;
    InbandDtmfGenerator& operator=(InbandDtmfGenerator&&) noexcept;

    /// Queue digits ("0-9*#A-D"); Errc::invalid_parameter for any other character (nothing is
    /// queued then).
    Result<void> add(std::string_view digits);
    /// Write up to out.size() samples of 8 kHz tone; returns how many (0 once all are played).
    std::size_t generate(std::span<float> out);

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace voip::codec
