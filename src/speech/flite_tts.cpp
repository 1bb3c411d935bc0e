#include <voip/speech/error.hpp>
#include <voip/speech/flite_tts.hpp>

#if VOIP_HAVE_FLITE

#include <voip/log.hpp>

#include <flite.h>

#include <algorithm>
#include <mutex>
#include <string>

extern "C" cst_voice* register_cmu_us_slt(const char* voxdir);

namespace voip::speech {
namespace {

// Flite keeps global state (the voice, lexicon, feature caches): one lock for all users.
std::mutex& flite_mutex() {
    static std::mutex mutex;
    return mutex;
}

}  // namespace

Result<std::shared_ptr<FliteTts>> FliteTts::create() {
    static cst_voice* voice = [] {
        const std::lock_guard lock{flite_mutex()};
        flite_init();
        return register_cmu_us_slt(nullptr);
    }();
    if (voice == nullptr) return Errc::model_not_found;
    return std::shared_ptr<FliteTts>(new FliteTts(voice));
}

Result<Audio> FliteTts::synthesize(std::string_view text) {
    if (std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; })) {
        return Errc::empty_text;
    }
    const std::string copy{text};  // Flite wants a NUL-terminated string
    const std::lock_guard lock{flite_mutex()};
    cst_wave* wave = flite_text_to_wave(copy.c_str(), voice_);
    if (wave == nullptr || wave->num_samples <= 0 || wave->sample_rate <= 0) {
        if (wave != nullptr) delete_wave(wave);
        return Errc::synthesis_failed;
    }
    Audio audio;
    audio.rate = static_cast<std::uint32_t>(wave->sample_rate);
    const auto channels = static_cast<std::size_t>(std::max(wave->num_channels, 1));
    const auto frames = static_cast<std::size_t>(wave->num_samples);
    audio.samples.reserve(frames);
    for (std::size_t i = 0; i < frames; ++i) {
        // First channel only (the slt voice is mono); int16 full scale → ±1.0.
        audio.samples.push_back(static_cast<float>(wave->samples[i * channels]) / 32768.0F);
    }
    delete_wave(wave);
    log::debug("speech", "flite: {} samples at {} Hz for {} characters", audio.samples.size(),
               audio.rate, text.size());
    return audio;
}

}  // namespace voip::speech

#else

namespace voip::speech {

Result<std::shared_ptr<FliteTts>> FliteTts::create() {
    return Errc::engine_unavailable;
}

Result<Audio> FliteTts::synthesize(std::string_view /*text*/) {
    return Errc::engine_unavailable;
}

}  // namespace voip::speech

#endif
