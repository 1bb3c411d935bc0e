#pragma once
// Media classes of the `voip` commands: codec order from --codecs, and the recorder.

#include <voip/audio/audio_call.hpp>
#include <voip/audio/voice_activity_call.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace voip::cli {

/// @p Base with the codec preference of --codecs (empty: Base's own order).
template <class Base>
class Preferring : public Base {
public:
    template <class... Args>
    Preferring(rtp::Multiplexer& mux, std::vector<std::string> codecs, Args&&... args)
        : Base(mux, std::forward<Args>(args)...), codecs_(std::move(codecs)) {}

protected:
    [[nodiscard]] std::vector<std::string> codec_preference() const override {
        return codecs_.empty() ? Base::codec_preference() : codecs_;
    }

private:
    std::vector<std::string> codecs_;
};

/// Keeps what the far end says (decoded, at AudioConfig::sample_rate) for a WAV file.
class Recorder : public audio::AudioCall {
public:
    /// At most @p max_samples are kept (bounded memory); later audio is dropped.
    Recorder(rtp::Multiplexer& mux, audio::AudioConfig config, std::size_t max_samples)
        : AudioCall(mux, std::move(config)), max_samples_(max_samples) {}

    [[nodiscard]] const std::vector<float>& samples() const noexcept { return samples_; }
    [[nodiscard]] bool truncated() const noexcept { return truncated_; }

protected:
    void on_audio(std::span<const float> samples, float /*rms*/) override {
        const std::size_t room = max_samples_ - samples_.size();
        if (samples.size() > room) truncated_ = true;
        const auto take = std::min(room, samples.size());
        samples_.insert(samples_.end(), samples.begin(),
                        samples.begin() + static_cast<std::ptrdiff_t>(take));
    }

private:
    std::size_t max_samples_;
    std::vector<float> samples_;
    bool truncated_ = false;
};

}  // namespace voip::cli
