#include "speaker.hpp"

#include <fmt/format.h>

#include "agent.hpp"
#include "media.hpp"

namespace voip::cli {

namespace {
using Speaker = Preferring<audio::AudioCall>;
}

std::shared_ptr<audio::AudioCall> SpeakerBehaviour::accept(sip::Dialog& dialog) {
    return accept_as<Speaker>(dialog, agent_.codecs(), agent_.audio_config());
}

void SpeakerBehaviour::dial(sip::Dialog& dialog, const sip::Uri& target, DialDone done) {
    dial_as<Speaker>(dialog, target, std::move(done), agent_.codecs(), agent_.audio_config());
}

void SpeakerBehaviour::started(const std::shared_ptr<audio::AudioCall>& call) {
    const auto rate = call->audio_config().sample_rate;
    agent_.console().progress(
        fmt::format("playing {:.1f} s of audio", static_cast<double>(samples_->size()) / rate));
    std::weak_ptr<audio::AudioCall> weak = call;
    call->send_audio(*samples_, [weak, console = &agent_.console()](std::error_code ec) {
        auto call = weak.lock();
        if (ec || !call) return;  // the far end hung up first, or we are leaving
        console->progress("done speaking: hanging up");
        call->hang_up([console](std::error_code bye) {
            if (bye) console->warn(fmt::format("BYE: {}", bye.message()));
        });
    });
}

}  // namespace voip::cli
