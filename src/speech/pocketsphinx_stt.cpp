#include <voip/speech/error.hpp>
#include <voip/speech/pocketsphinx_stt.hpp>

#if VOIP_HAVE_POCKETSPHINX

#include <voip/codec/resampler.hpp>
#include <voip/log.hpp>

#include <pocketsphinx.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <vector>

namespace voip::speech {

Result<std::shared_ptr<PocketSphinxStt>> PocketSphinxStt::create(const PocketSphinxConfig& config) {
    const std::filesystem::path dir{config.model_dir};
    const std::string hmm = (dir / "en-us").string();
    const std::string lm = (dir / "en-us.lm.bin").string();
    const std::string dict = (dir / "cmudict-en-us.dict").string();
    std::error_code ec;
    for (const auto& path : {hmm, lm, dict}) {
        if (!std::filesystem::exists(path, ec)) {
            log::error("speech", "pocketsphinx: model file {} not found", path);
            return Errc::model_not_found;
        }
    }
    // pocketsphinx 0.8 API: cmd_ln_init(NULL, ps_args(), strict, name, value, ..., NULL).
    cmd_ln_t* args =
        config.log_file.empty()
            ? cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-lm", lm.c_str(), "-dict",
                          dict.c_str(), nullptr)
            : cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-lm", lm.c_str(), "-dict",
                          dict.c_str(), "-logfn", config.log_file.c_str(), nullptr);
    if (args == nullptr) return Errc::model_not_found;
    ps_decoder_t* decoder = ps_init(args);
    if (decoder == nullptr) {
        cmd_ln_free_r(args);
        return Errc::model_not_found;
    }
    log::debug("speech", "pocketsphinx: model {} loaded", config.model_dir);
    return std::shared_ptr<PocketSphinxStt>(new PocketSphinxStt(args, decoder));
}

PocketSphinxStt::~PocketSphinxStt() {
    ps_free(decoder_);
    cmd_ln_free_r(config_);
}

Result<std::string> PocketSphinxStt::transcribe(std::span<const float> samples,
                                                std::uint32_t rate) {
    if (rate == 0 ||
        !std::all_of(samples.begin(), samples.end(), [](float s) { return std::isfinite(s); })) {
        return Errc::invalid_audio;
    }
    std::vector<float> converted;
    if (rate != model_rate) {
        auto resampled = codec::resample(samples, rate, model_rate);
        if (!resampled) return resampled.error();
        converted = std::move(*resampled);
        samples = converted;
    }
    std::vector<std::int16_t> pcm(samples.size());
    std::transform(samples.begin(), samples.end(), pcm.begin(), [](float s) {
        return static_cast<std::int16_t>(std::lround(std::clamp(s, -1.0F, 1.0F) * 32767.0F));
    });

    const std::lock_guard lock{mutex_};
    if (ps_start_utt(decoder_) < 0) return Errc::recognition_failed;
    // One call with the whole utterance (full_utt = TRUE: the decoder may use it all at once).
    if (ps_process_raw(decoder_, pcm.data(), pcm.size(), FALSE, TRUE) < 0) {
        (void)ps_end_utt(decoder_);
        return Errc::recognition_failed;
    }
    if (ps_end_utt(decoder_) < 0) return Errc::recognition_failed;
    int32 score = 0;
    const char* hypothesis = ps_get_hyp(decoder_, &score);
    std::string text = hypothesis != nullptr ? hypothesis : "";
    log::debug("speech", "pocketsphinx: {:.2f} s → \"{}\"",
               static_cast<double>(pcm.size()) / model_rate, text);
    return text;
}

}  // namespace voip::speech

#else

namespace voip::speech {

Result<std::shared_ptr<PocketSphinxStt>> PocketSphinxStt::create(
    const PocketSphinxConfig& /*config*/) {
    return Errc::engine_unavailable;
}

PocketSphinxStt::~PocketSphinxStt() = default;

Result<std::string> PocketSphinxStt::transcribe(std::span<const float> /*samples*/,
                                                std::uint32_t /*rate*/) {
    return Errc::engine_unavailable;
}

}  // namespace voip::speech

#endif
