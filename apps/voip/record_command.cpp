// voip record <file.wav>: answer (or --dial) and write what the far end says to a WAV file;
// the second call goes to <name>-2.wav, and so on.

#include <voip/codec/wav.hpp>

#include <fmt/format.h>

#include "agent.hpp"
#include "call_dialog.hpp"
#include "commands.hpp"
#include "media.hpp"

namespace voip::cli {

namespace {

using Recording = Preferring<Recorder>;

// One hour at the call's rate: a recording never grows without bound.
constexpr std::size_t max_seconds = 3600;

class RecordBehaviour final : public CallBehaviour {
public:
    explicit RecordBehaviour(Agent& agent) : agent_(agent) {}

    std::shared_ptr<audio::AudioCall> accept(sip::Dialog& dialog) override {
        auto config = agent_.audio_config();
        const std::size_t limit = max_seconds * config.sample_rate;
        return accept_as<Recording>(dialog, agent_.codecs(), std::move(config), limit);
    }
    void dial(sip::Dialog& dialog, const sip::Uri& target, DialDone done) override {
        auto config = agent_.audio_config();
        const std::size_t limit = max_seconds * config.sample_rate;
        dial_as<Recording>(dialog, target, std::move(done), agent_.codecs(), std::move(config),
                           limit);
    }
    void ended(const std::shared_ptr<audio::AudioCall>& call) override {
        const auto& recorder = static_cast<const Recorder&>(*call);
        const auto path = next_path();
        const auto rate = call->audio_config().sample_rate;
        if (auto written = codec::write_wav(path, recorder.samples(), rate); !written) {
            agent_.console().error(
                fmt::format("cannot write {}: {}", path.string(), written.error().message()));
            return;
        }
        agent_.console().ok(fmt::format(
            "recorded {:.1f} s to {}{}", static_cast<double>(recorder.samples().size()) / rate,
            path.string(), recorder.truncated() ? " (cut at one hour)" : ""));
    }

private:
    std::filesystem::path next_path() {
        ++count_;
        const auto& file = agent_.options().file;
        if (count_ == 1) return file;
        auto name = fmt::format("{}-{}{}", file.stem().string(), count_, file.extension().string());
        return file.parent_path() / name;
    }

    Agent& agent_;
    unsigned count_ = 0;
};

}  // namespace

int run_record(const Options& options, const Console& console) {
    return run_calls(options, console,
                     [](Agent& agent) { return std::make_unique<RecordBehaviour>(agent); });
}

}  // namespace voip::cli
