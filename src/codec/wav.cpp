#include <voip/codec/error.hpp>
#include <voip/codec/resampler.hpp>
#include <voip/codec/wav.hpp>
#include <voip/log.hpp>

#include <sndfile.h>

#include <memory>
#include <utility>
#include <vector>

namespace voip::codec {
namespace {

struct SndfileClose {
    void operator()(SNDFILE* f) const noexcept { sf_close(f); }
};
using SndFile = std::unique_ptr<SNDFILE, SndfileClose>;

// Longest file we read: one hour at 48 kHz (mono after mixing); more is a mistake or an attack.
constexpr std::size_t max_samples = std::size_t{48000} * 3600;
constexpr sf_count_t chunk_frames = 4096;

}  // namespace

Result<Audio> read_wav(const std::filesystem::path& path, std::uint32_t sample_rate) {
    SF_INFO info{};
    SndFile file{sf_open(path.c_str(), SFM_READ, &info)};
    if (!file) {
        log::debug("codec", "cannot open {}: {}", path.string(), sf_strerror(nullptr));
        return sf_error(nullptr) == SF_ERR_UNRECOGNISED_FORMAT ? Errc::file_format_unsupported
                                                               : Errc::file_open_failed;
    }
    if (info.channels <= 0 || info.channels > 64 || info.samplerate <= 0 ||
        info.samplerate > 768000) {
        return Errc::file_format_unsupported;
    }
    // Read in chunks until the data ends rather than trusting the header's frame count, so a
    // header that lies costs nothing.
    const auto channels = static_cast<std::size_t>(info.channels);
    std::vector<float> interleaved(static_cast<std::size_t>(chunk_frames) * channels);
    std::vector<float> mono;
    for (;;) {
        const sf_count_t got = sf_readf_float(file.get(), interleaved.data(), chunk_frames);
        if (got < 0) return Errc::file_read_failed;
        if (got == 0) break;
        for (std::size_t i = 0; i < static_cast<std::size_t>(got); ++i) {
            float sum = 0.0F;
            for (std::size_t c = 0; c < channels; ++c)
                sum += interleaved[i * channels + c];
            mono.push_back(sum / static_cast<float>(channels));
        }
        if (mono.size() > max_samples) return Errc::file_format_unsupported;
    }
    if (sf_error(file.get()) != SF_ERR_NO_ERROR) return Errc::file_read_failed;
    Audio audio;
    audio.sample_rate = static_cast<std::uint32_t>(info.samplerate);
    audio.samples = std::move(mono);
    if (sample_rate != 0 && sample_rate != audio.sample_rate) {
        auto converted = resample(audio.samples, audio.sample_rate, sample_rate);
        if (!converted) return converted.error();
        audio.samples = std::move(*converted);
        audio.sample_rate = sample_rate;
    }
    return audio;
}

Result<void> write_wav(const std::filesystem::path& path, std::span<const float> samples,
                       std::uint32_t sample_rate, WavEncoding encoding) {
    if (sample_rate == 0 || sample_rate > 768000) return Errc::invalid_parameter;
    SF_INFO info{};
    info.samplerate = static_cast<int>(sample_rate);
    info.channels = 1;
    info.format =
        SF_FORMAT_WAV | (encoding == WavEncoding::float32 ? SF_FORMAT_FLOAT : SF_FORMAT_PCM_16);
    SndFile file{sf_open(path.c_str(), SFM_WRITE, &info)};
    if (!file) return Errc::file_write_failed;
    // Clip rather than wrap when converting to 16 bit.
    sf_command(file.get(), SFC_SET_CLIPPING, nullptr, SF_TRUE);
    const auto n = static_cast<sf_count_t>(samples.size());
    if (sf_writef_float(file.get(), samples.data(), n) != n) return Errc::file_write_failed;
    if (sf_close(file.release()) != 0) return Errc::file_write_failed;
    return {};
}

}  // namespace voip::codec
