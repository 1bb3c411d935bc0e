#include <voip/codec/error.hpp>
#include <voip/codec/resampler.hpp>

#include <speex/speex_resampler.h>

#include <algorithm>

namespace voip::codec {

void Resampler::Free::operator()(SpeexResamplerState_* s) const noexcept {
    speex_resampler_destroy(s);
}

Resampler::Resampler(std::uint32_t in_rate, std::uint32_t out_rate, SpeexResamplerState_* state)
    : in_rate_(in_rate), out_rate_(out_rate), state_(state) {}

Result<Resampler> Resampler::create(std::uint32_t in_rate, std::uint32_t out_rate, int quality) {
    if (in_rate == 0 || out_rate == 0 || quality < SPEEX_RESAMPLER_QUALITY_MIN ||
        quality > SPEEX_RESAMPLER_QUALITY_MAX) {
        return Errc::invalid_parameter;
    }
    if (in_rate == out_rate) return Resampler{in_rate, out_rate, nullptr};
    int err = RESAMPLER_ERR_SUCCESS;
    SpeexResamplerState* state = speex_resampler_init(1, in_rate, out_rate, quality, &err);
    if (state == nullptr || err != RESAMPLER_ERR_SUCCESS) {
        if (state != nullptr) speex_resampler_destroy(state);
        return Errc::codec_failure;
    }
    // Drop the filter's leading delay so output is aligned with input from the first sample.
    speex_resampler_skip_zeros(state);
    return Resampler{in_rate, out_rate, state};
}

void Resampler::process(std::span<const float> in, std::vector<float>& out) {
    total_in_ += in.size();
    if (!state_) {
        out.insert(out.end(), in.begin(), in.end());
        total_out_ += in.size();
        return;
    }
    // Bounded: each round consumes input or produces output; speex always makes progress when
    // given room for at least one output sample, and we give it room for all of them.
    const std::size_t room = in.size() * out_rate_ / in_rate_ + 16;
    while (!in.empty()) {
        const std::size_t start = out.size();
        out.resize(start + room);
        auto in_len = static_cast<spx_uint32_t>(in.size());
        auto out_len = static_cast<spx_uint32_t>(room);
        speex_resampler_process_float(state_.get(), 0, in.data(), &in_len, out.data() + start,
                                      &out_len);
        out.resize(start + out_len);
        total_out_ += out_len;
        if (in_len == 0 && out_len == 0) break;  // cannot happen with room > 0; be safe
        in = in.subspan(in_len);
    }
}

std::vector<float> Resampler::process(std::span<const float> in) {
    std::vector<float> out;
    out.reserve(in.size() * out_rate_ / in_rate_ + 16);
    process(in, out);
    return out;
}

void Resampler::flush(std::vector<float>& out) {
    if (state_) {
        // Round to nearest: what an ideal converter makes of the whole signal.
        const std::uint64_t expected = (total_in_ * out_rate_ + in_rate_ / 2) / in_rate_;
        const auto latency =
            static_cast<std::size_t>(speex_resampler_get_input_latency(state_.get()));
        const std::vector<float> zeros(latency + 8, 0.0F);
        std::vector<float> tail;
        const std::uint64_t saved_in = total_in_;
        process(zeros, tail);
        total_in_ = saved_in;
        const std::uint64_t produced_before = total_out_ - tail.size();
        const std::uint64_t want = expected > produced_before ? expected - produced_before : 0;
        tail.resize(std::min<std::uint64_t>(want, tail.size()));
        out.insert(out.end(), tail.begin(), tail.end());
        speex_resampler_reset_mem(state_.get());
        speex_resampler_skip_zeros(state_.get());
    }
    total_in_ = 0;
    total_out_ = 0;
}

Result<std::vector<float>> resample(std::span<const float> in, std::uint32_t in_rate,
                                    std::uint32_t out_rate, int quality) {
    auto r = Resampler::create(in_rate, out_rate, quality);
    if (!r) return r.error();
    std::vector<float> out = r->process(in);
    r->flush(out);
    return out;
}

}  // namespace voip::codec
