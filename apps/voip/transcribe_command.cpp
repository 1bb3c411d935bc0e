// voip transcribe: answer calls (or --dial) and print what the far end says, one line per
// utterance (TranscribeCall: PocketSphinx on a worker thread).

#include <voip/speech/default_engines.hpp>
#include <voip/speech/transcribe_call.hpp>

#include <fmt/format.h>

#include <vector>

#include "agent.hpp"
#include "call_dialog.hpp"
#include "commands.hpp"
#include "media.hpp"

namespace voip::cli {

namespace {

class Printer : public speech::TranscribeCall {
public:
    Printer(rtp::Multiplexer& mux, const Console* console,
            std::shared_ptr<speech::SpeechToText> engine, audio::AudioConfig config)
        : TranscribeCall(mux, std::move(engine), std::move(config)), console_(console) {}

protected:
    void on_transcription(std::string text) override {
        console_->line(text.empty() ? std::string("heard: (nothing recognised)")
                                    : fmt::format("heard: {}", text));
    }
    void on_transcription_error(std::error_code ec) override {
        console_->warn(fmt::format("transcription failed: {}", ec.message()));
    }

private:
    const Console* console_;
};

using Transcriber = Preferring<Printer>;

class TranscribeBehaviour final : public CallBehaviour {
public:
    TranscribeBehaviour(Agent& agent, std::shared_ptr<speech::SpeechToText> engine)
        : agent_(agent), engine_(std::move(engine)) {}

    std::shared_ptr<audio::AudioCall> accept(sip::Dialog& dialog) override {
        return accept_as<Transcriber>(dialog, agent_.codecs(), &agent_.console(), engine_,
                                      agent_.audio_config());
    }
    void dial(sip::Dialog& dialog, const sip::Uri& target, DialDone done) override {
        dial_as<Transcriber>(dialog, target, std::move(done), agent_.codecs(), &agent_.console(),
                             engine_, agent_.audio_config());
    }
    void started(const std::shared_ptr<audio::AudioCall>& call) override {
        if (static_cast<const speech::TranscribeCall&>(*call).narrowband()) {
            agent_.console().warn(
                "8 kHz codec: the speech model is wideband and will hear little; offer opus "
                "or g722 (--codecs opus,g722)");
        }
    }
    // The last utterance is often still being recognised when the caller hangs up: keep the
    // call (its result is dropped if the call is destroyed) until the text came.
    void ended(const std::shared_ptr<audio::AudioCall>& call) override {
        if (static_cast<const speech::TranscribeCall&>(*call).transcriptions_pending() > 0) {
            lingering_.push_back(call);
        }
    }
    bool busy() override {
        std::erase_if(lingering_, [](const auto& call) {
            return static_cast<const speech::TranscribeCall&>(*call).transcriptions_pending() == 0;
        });
        return !lingering_.empty();
    }

private:
    Agent& agent_;
    std::shared_ptr<speech::SpeechToText> engine_;
    std::vector<std::shared_ptr<audio::AudioCall>> lingering_;
};

}  // namespace

int run_transcribe(const Options& options, const Console& console) {
    console.progress("loading the speech model");
    auto engine = speech::default_speech_to_text();
    if (!engine) {
        console.error(
            fmt::format("transcribe: no speech-to-text engine: {}", engine.error().message()));
        return 1;
    }
    return run_calls(options, console, [engine = *engine](Agent& agent) {
        return std::make_unique<TranscribeBehaviour>(agent, engine);
    });
}

}  // namespace voip::cli
