#include <voip/codec/resampler.hpp>
#include <voip/log.hpp>
#include <voip/speech/default_engines.hpp>
#include <voip/speech/error.hpp>
#include <voip/speech/say_call.hpp>

#include <utility>

namespace voip::speech {
namespace {

std::size_t samples_of(std::chrono::milliseconds d, std::uint32_t rate) {
    return static_cast<std::size_t>(d.count()) * rate / 1000U;
}

}  // namespace

SayCall::SayCall(rtp::Multiplexer& mux, std::string text, std::shared_ptr<TextToSpeech> engine,
                 audio::AudioConfig config, SayOptions options)
    : AudioCall(mux, std::move(config)),
      text_(std::move(text)),
      engine_(std::move(engine)),
      options_(options),
      tail_timer_(context()) {}

SayCall::~SayCall() = default;

Result<void> SayCall::start_media(const sdp::Negotiated& negotiated) {
    if (auto started = AudioCall::start_media(negotiated); !started) return started;
    if (queued_) return {};  // a re-INVITE's new media: the speech is already on its way
    auto fail = [this](std::error_code ec) -> Result<void> {
        log::error("speech", "say: {}", ec.message());
        stop_media();
        return ec;
    };
    if (!engine_) {
        auto engine = default_text_to_speech();
        if (!engine) return fail(engine.error());
        engine_ = std::move(*engine);
    }
    auto audio = engine_->synthesize(text_);
    if (!audio) return fail(audio.error());
    const std::uint32_t rate = audio_config().sample_rate;
    if (audio->rate != rate) {
        auto converted = codec::resample(audio->samples, audio->rate, rate);
        if (!converted) return fail(converted.error());
        speech_ = std::move(*converted);
    } else {
        speech_ = std::move(audio->samples);
    }
    std::vector<float> all(samples_of(options_.leading_silence, rate), 0.0F);
    all.insert(all.end(), speech_.begin(), speech_.end());
    all.resize(all.size() + samples_of(options_.trailing_silence, rate), 0.0F);
    queued_ = true;
    log::info("speech", "say: \"{}\" ({:.1f} s of speech)", text_,
              static_cast<double>(speech_.size()) / rate);
    // Completes with an error only when the media stops first (the far end hung up, or the
    // dialog ended): then there is nothing left to say or hang up.
    send_audio(all, [this, alive = std::weak_ptr<int>(alive_)](std::error_code ec) {
        if (!ec || alive.expired() || hanging_up_) return;
        finish(ec);
    });
    return {};
}

void SayCall::on_audio_sent() {
    if (!queued_ || said_) return;
    if (!options_.hang_up) {
        finish({});
        return;
    }
    // Hang up from a fresh handler, not from inside the pacing tick that reported the end.
    tail_timer_.expires_after(std::chrono::milliseconds{0});
    tail_timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](std::error_code ec) {
        if (ec || alive.expired()) return;
        if (!media_started()) {  // the far end hung up first
            finish({});
            return;
        }
        hanging_up_ = true;
        stop_media();
        hang_up([this, alive](std::error_code result) {
            if (alive.expired()) return;
            finish(result);
        });
    });
}

void SayCall::finish(std::error_code ec) {
    if (said_) return;
    said_ = ec;
    on_said(ec);
}

void SayCall::on_said(std::error_code ec) {
    if (ec) log::warning("speech", "say: hang-up after speaking failed: {}", ec.message());
}

}  // namespace voip::speech
