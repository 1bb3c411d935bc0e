// voip echo: answer (or --dial) and play every utterance back to the far end.

#include <voip/audio/voice_activity_call.hpp>

#include <fmt/format.h>

#include "agent.hpp"
#include "call_dialog.hpp"
#include "commands.hpp"
#include "media.hpp"

namespace voip::cli {

namespace {

using Echo = Preferring<audio::EchoCall>;

class EchoBehaviour final : public CallBehaviour {
public:
    explicit EchoBehaviour(Agent& agent) : agent_(agent) {}

    std::shared_ptr<audio::AudioCall> accept(sip::Dialog& dialog) override {
        return accept_as<Echo>(dialog, agent_.codecs(), agent_.audio_config());
    }
    void dial(sip::Dialog& dialog, const sip::Uri& target, DialDone done) override {
        dial_as<Echo>(dialog, target, std::move(done), agent_.codecs(), agent_.audio_config());
    }
    void ended(const std::shared_ptr<audio::AudioCall>& call) override {
        const auto& echo = static_cast<const audio::EchoCall&>(*call);
        agent_.console().line(fmt::format("echoed {} utterances ({} too short or quiet)",
                                          echo.utterances(), echo.utterances_dropped()));
    }

private:
    Agent& agent_;
};

}  // namespace

int run_echo(const Options& options, const Console& console) {
    return run_calls(options, console,
                     [](Agent& agent) { return std::make_unique<EchoBehaviour>(agent); });
}

}  // namespace voip::cli
