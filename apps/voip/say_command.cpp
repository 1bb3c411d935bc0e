// voip say <target> "text": dial, speak the text (SayCall: Flite), hang up; exit 0 once the
// call completed.

#include <voip/speech/default_engines.hpp>
#include <voip/speech/say_call.hpp>

#include <fmt/format.h>

#include "agent.hpp"
#include "call_dialog.hpp"
#include "commands.hpp"
#include "media.hpp"

namespace voip::cli {

namespace {

using Say = Preferring<speech::SayCall>;

class SayBehaviour final : public CallBehaviour {
public:
    SayBehaviour(Agent& agent, std::shared_ptr<speech::TextToSpeech> engine)
        : agent_(agent), engine_(std::move(engine)) {}

    std::shared_ptr<audio::AudioCall> accept(sip::Dialog& dialog) override {
        return accept_as<Say>(dialog, agent_.codecs(), agent_.options().text, engine_,
                              agent_.audio_config());
    }
    void dial(sip::Dialog& dialog, const sip::Uri& target, DialDone done) override {
        dial_as<Say>(dialog, target, std::move(done), agent_.codecs(), agent_.options().text,
                     engine_, agent_.audio_config());
    }
    void started(const std::shared_ptr<audio::AudioCall>& call) override {
        const auto& say = static_cast<const speech::SayCall&>(*call);
        agent_.console().progress(fmt::format(
            "saying \"{}\" ({:.1f} s)", say.text(),
            static_cast<double>(say.speech().size()) / call->audio_config().sample_rate));
    }

private:
    Agent& agent_;
    std::shared_ptr<speech::TextToSpeech> engine_;
};

}  // namespace

int run_say(const Options& options, const Console& console) {
    auto engine = speech::default_text_to_speech();
    if (!engine) {
        console.error(fmt::format("say: no text-to-speech engine: {}", engine.error().message()));
        return 1;
    }
    return run_calls(options, console, [engine = *engine](Agent& agent) {
        return std::make_unique<SayBehaviour>(agent, engine);
    });
}

}  // namespace voip::cli
