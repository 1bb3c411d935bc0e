#pragma once
// The echo-call set-up the media load benchmarks share (bench/concurrent_calls,
// bench/audio_path): a talking AudioCall that speaks a clip again as soon as it was sent, an
// EchoCall that plays every utterance back, both limited to one codec; the synthetic talker
// signal; the AudioConfig of a call rate and Opus complexity; and the raw libopus
// encode+decode cost of one 20 ms frame to read the Opus rows against.

#include <voip/audio/audio_call.hpp>
#include <voip/audio/voice_activity_call.hpp>
#include <voip/codec/registry.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <numbers>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "proc_stats.hpp"

namespace voip::bench {

/// Harmonics of a gliding pitch plus a little noise, 1.2 s bursts and 0.4 s pauses, at @p rate:
/// speech-like audio for both directions (a voice activity detector cuts it into utterances).
inline std::vector<float> talk_signal(std::uint32_t rate) {
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

/// Calls at @p call_rate Hz; Opus at 16 kHz with @p opus_complexity; one shared registry.
inline AudioConfig echo_audio_config(std::uint32_t call_rate, int opus_complexity) {
    AudioConfig config;
    config.sample_rate = call_rate;
    config.opus.complexity = opus_complexity;
    config.opus.sample_rate = 16000;
    config.registry =
        std::make_shared<const codec::Registry>(codec::Registry::with_defaults(config.opus));
    return config;
}

/// Speaks @p clip, and again each time it was sent: a continuous talker. With @p chunk > 0 it
/// queues the clip that many samples at a time (a copy of each piece), the next piece from
/// on_audio_sent (in the tick that sent the last frame of the one before), as a relay feeds a
/// call; 0 queues the whole clip each time, shared by every talker (send_audio of a
/// shared_ptr: no copy per call), as a prompt player plays one announcement to many callers.
/// @p start: where in the clip it starts (so that many talkers are not all in the same syllable
/// at once); in whole-clip mode the rest of the clip from there is queued as a copy, once.
class Talker : public AudioCall {
public:
    Talker(rtp::Multiplexer& mux, AudioConfig config, std::string codec,
           std::shared_ptr<const std::vector<float>> clip, std::size_t chunk = 0,
           std::size_t start = 0)
        : AudioCall(mux, std::move(config)),
          codec_(std::move(codec)),
          clip_(std::move(clip)),
          chunk_(chunk == 0 ? clip_->size() : chunk),
          position_(start % clip_->size()) {}
    void talk() {
        if (chunk_ == clip_->size()) {
            if (position_ != 0) {
                send_audio(std::span(clip_->data() + position_, clip_->size() - position_));
                position_ = 0;
                return;
            }
            send_audio(clip_);
            return;
        }
        const std::size_t n = std::min(chunk_, clip_->size() - position_);
        send_audio(std::span(clip_->data() + position_, n));
        position_ = (position_ + n) % clip_->size();
    }

protected:
    [[nodiscard]] std::vector<std::string> codec_preference() const override { return {codec_}; }
    void on_audio_sent() override { talk(); }

private:
    std::string codec_;
    std::shared_ptr<const std::vector<float>> clip_;
    std::size_t chunk_;
    std::size_t position_ = 0;
};

/// An EchoCall offering/accepting only @p codec.
class Echo : public EchoCall {
public:
    Echo(rtp::Multiplexer& mux, AudioConfig config, std::string codec)
        : EchoCall(mux, std::move(config)), codec_(std::move(codec)) {}

protected:
    [[nodiscard]] std::vector<std::string> codec_preference() const override { return {codec_}; }

private:
    std::string codec_;
};

/// CPU ns of one encode + decode of a 20 ms frame of talk_signal with the registry's
/// @p codec_name (e.g. "opus" at the complexity @p config was made with), @p iterations times.
inline double raw_codec_ns(const AudioConfig& config, const std::string& codec_name,
                           int iterations = 2000) {
    const auto codec = config.registry->find(codec_name);
    if (!codec) return -1;
    auto enc = codec->make_encoder({}).value();
    auto dec = codec->make_decoder({}).value();
    const auto signal = talk_signal(codec->format().sample_rate);
    const std::size_t spf = codec->format().samples_per_frame();
    std::vector<std::uint8_t> payload(enc->max_payload_size());
    std::vector<float> out(dec->max_samples_per_payload());
    std::size_t pos = 0;
    const double t0 = thread_cpu_seconds();
    for (int i = 0; i < iterations; ++i) {
        if (pos + spf > signal.size()) pos = 0;
        const auto bytes = enc->encode(std::span(signal.data() + pos, spf), payload).value();
        (void)dec->decode(std::span(payload.data(), bytes), out);
        pos += spf;
    }
    return (thread_cpu_seconds() - t0) * 1e9 / iterations;
}

}  // namespace voip::bench
