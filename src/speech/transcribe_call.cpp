#include <voip/log.hpp>
#include <voip/speech/default_engines.hpp>
#include <voip/speech/transcribe_call.hpp>

#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>

#include <utility>

#include "speech/worker.hpp"

namespace voip::speech {

TranscribeCall::TranscribeCall(rtp::Multiplexer& mux, std::shared_ptr<SpeechToText> engine,
                               audio::AudioConfig config, audio::VoiceDetectorConfig voice)
    : VoiceActivityCall(mux, std::move(config), voice), engine_(std::move(engine)) {
    if (!engine_) {
        if (auto made = default_speech_to_text()) {
            engine_ = std::move(*made);
        } else {
            engine_error_ = made.error();
            log::error("speech", "transcribe: no speech-to-text engine: {}",
                       engine_error_.message());
        }
    }
}

TranscribeCall::~TranscribeCall() = default;

Result<void> TranscribeCall::start_media(const sdp::Negotiated& negotiated) {
    if (auto started = AudioCall::start_media(negotiated); !started) return started;
    if (narrowband()) {
        const auto* format = codec_format();
        log::warning("speech",
                     "transcribe: the call negotiated {} at {} Hz; the speech model is wideband "
                     "(16 kHz), so transcription will be poor or empty: prefer Opus or G.722",
                     format->encoding_name, format->sample_rate);
    }
    return {};
}

bool TranscribeCall::narrowband() const noexcept {
    const auto* format = codec_format();
    return format != nullptr && format->sample_rate <= 8000;
}

void TranscribeCall::on_voice(audio::AudioFrame utterance) {
    if (!engine_) {
        ++errors_;
        on_transcription_error(engine_error_);
        return;
    }
    ++pending_;
    // The job keeps the engine alive and holds work on our io_context, so the result always
    // has somewhere to go; `alive` tells it whether this call still exists.
    auto io = context().get_executor();
    asio::post(detail::worker(),
               [this, engine = engine_, frame = std::move(utterance),
                work = asio::make_work_guard(io), alive = std::weak_ptr<int>(alive_)]() mutable {
                   auto result = engine->transcribe(frame.samples, frame.sample_rate);
                   auto executor = work.get_executor();
                   asio::post(executor, [this, result = std::move(result), work = std::move(work),
                                         alive = std::move(alive)]() mutable {
                       work.reset();
                       if (alive.expired()) {
                           log::debug("speech", "transcribe: result for an ended call dropped");
                           return;
                       }
                       deliver(std::move(result));
                   });
               });
}

void TranscribeCall::deliver(Result<std::string> result) {
    --pending_;
    if (!result) {
        ++errors_;
        on_transcription_error(result.error());
        return;
    }
    ++delivered_;
    on_transcription(std::move(*result));
}

// By value: overrides keep the text; the default only logs it.
void TranscribeCall::on_transcription(
    std::string text) {  // NOLINT(performance-unnecessary-value-param)
    log::info("speech", "transcribe: \"{}\"", text);
}

void TranscribeCall::on_transcription_error(std::error_code ec) {
    log::warning("speech", "transcribe: {}", ec.message());
}

}  // namespace voip::speech
