#pragma once
/// @file
/// speech::PocketSphinxStt: speech-to-text with PocketSphinx 0.8 and its US-English model
/// (Debian libpocketsphinx-dev, pocketsphinx-en-us). Present when the library was built with
/// PocketSphinx; otherwise create() returns Errc::engine_unavailable.
///
/// The en-us acoustic model is wideband: it wants 16 kHz audio with content above 4 kHz.
/// Audio at other rates is resampled to 16 kHz, but 8 kHz audio (G.711 calls) lacks the upper
/// band and is recognised badly or not at all (docs/speech.md has the measurements).
///
/// @code
///   auto stt = voip::speech::PocketSphinxStt::create().value();   // loads the model: slow
///   auto text = stt->transcribe(samples, 16000).value();          // "your package has arrived"
/// @endcode
///
/// Loading the model takes about half a second and tens of megabytes: create one engine and
/// share it (std::shared_ptr). Threading: one decoder per engine, used under a lock, so
/// transcribe() may be called from any thread; calls on one engine run one at a time.

#include <voip/result.hpp>
#include <voip/speech/speech_to_text.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>

struct ps_decoder_s;
struct cmd_ln_s;

namespace voip::speech {

struct PocketSphinxConfig {
    /// Folder of the model: acoustic model in `<model_dir>/en-us`, language model
    /// `<model_dir>/en-us.lm.bin`, dictionary `<model_dir>/cmudict-en-us.dict` (Debian's layout).
    std::string model_dir = "/usr/share/pocketsphinx/model/en-us";
    /// Where PocketSphinx writes its (verbose) log; empty = its default, stderr.
    std::string log_file = "/dev/null";
};

class PocketSphinxStt final : public SpeechToText {
public:
    /// Loads the model. Errors: Errc::engine_unavailable (built without PocketSphinx),
    /// Errc::model_not_found (missing or unreadable model files).
    [[nodiscard]] static Result<std::shared_ptr<PocketSphinxStt>> create(
        const PocketSphinxConfig& config = {});

    ~PocketSphinxStt() override;
    PocketSphinxStt(const PocketSphinxStt&) = delete;
    PocketSphinxStt& operator=(const PocketSphinxStt&) = delete;
    PocketSphinxStt(PocketSphinxStt&&) = delete;
    PocketSphinxStt& operator=(PocketSphinxStt&&) = delete;

    /// Sample rate the model wants; other rates are resampled to it.
    static constexpr std::uint32_t model_rate = 16000;

    [[nodiscard]] Result<std::string> transcribe(std::span<const float> samples,
                                                 std::uint32_t rate) override;

private:
    PocketSphinxStt(cmd_ln_s* config, ps_decoder_s* decoder) noexcept
        : config_(config), decoder_(decoder) {}

    std::mutex mutex_;  // the decoder holds one utterance at a time
    cmd_ln_s* config_;
    ps_decoder_s* decoder_;
};

}  // namespace voip::speech
