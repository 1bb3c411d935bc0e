// voip play <file.wav>: answer (or --dial), play an audio file, hang up. The same machinery
// speaks `voip say` text once it is synthesised (Speaker).

#include <voip/codec/wav.hpp>

#include <fmt/format.h>

#include "agent.hpp"
#include "commands.hpp"
#include "media.hpp"
#include "speaker.hpp"

namespace voip::cli {

int run_play(const Options& options, const Console& console) {
    // At the calls' audio rate; a file that is not audio is a bad argument.
    const audio::AudioConfig config;
    auto audio = codec::read_wav(options.file, config.sample_rate);
    if (!audio) {
        console.error(fmt::format("play: cannot read '{}' as audio: {}", options.file.string(),
                                  audio.error().message()));
        return 2;
    }
    if (audio->samples.empty()) {
        console.error(fmt::format("play: '{}' holds no audio", options.file.string()));
        return 2;
    }
    auto samples = std::make_shared<const std::vector<float>>(std::move(audio->samples));
    return run_calls(options, console, [samples](Agent& agent) {
        return std::make_unique<SpeakerBehaviour>(agent, samples);
    });
}

}  // namespace voip::cli
