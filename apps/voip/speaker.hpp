#pragma once
// Plays prepared audio on each call, then hangs up (BYE awaited): `voip play` and `voip say`.

#include <memory>
#include <vector>

#include "call_dialog.hpp"

namespace voip::cli {

class SpeakerBehaviour final : public CallBehaviour {
public:
    /// @p samples at AudioConfig::sample_rate (16 kHz).
    SpeakerBehaviour(Agent& agent, std::shared_ptr<const std::vector<float>> samples)
        : agent_(agent), samples_(std::move(samples)) {}

    std::shared_ptr<audio::AudioCall> accept(sip::Dialog& dialog) override;
    void dial(sip::Dialog& dialog, const sip::Uri& target, DialDone done) override;
    void started(const std::shared_ptr<audio::AudioCall>& call) override;

private:
    Agent& agent_;
    std::shared_ptr<const std::vector<float>> samples_;
};

}  // namespace voip::cli
