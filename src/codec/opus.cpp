#include <voip/codec/error.hpp>
#include <voip/codec/opus.hpp>

#include <opus/opus.h>

#include <algorithm>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

namespace voip::codec {
namespace {

constexpr std::size_t max_opus_payload = 1500;  // RFC 6716 §3.2.1 frames are ≤ 1275 bytes
constexpr int rtp_clock = 48000;                // RFC 7587 §4.1

struct EncoderFree {
    void operator()(OpusEncoder* e) const noexcept { opus_encoder_destroy(e); }
};
struct DecoderFree {
    void operator()(OpusDecoder* d) const noexcept { opus_decoder_destroy(d); }
};

class OpusEncoderImpl final : public Encoder {
public:
    OpusEncoderImpl(const Format& format, const OpusConfig& config, const Fmtp& fmtp)
        : format_(format), frame_samples_(format.samples_per_frame()) {
        int err = OPUS_OK;
        state_.reset(opus_encoder_create(static_cast<opus_int32>(format.sample_rate), 1,
                                         OPUS_APPLICATION_VOIP, &err));
        if (err != OPUS_OK || !state_) throw std::bad_alloc();
        OpusEncoder* e = state_.get();

        // RFC 7587 §6.1: the receiver's fmtp says what it can use; we honour its limits.
        std::uint32_t bitrate = config.bitrate;
        if (const auto cap = fmtp.get_uint("maxaveragebitrate"); cap && *cap >= 6000) {
            bitrate = std::min(bitrate, *cap);
        }
        bitrate = std::clamp<std::uint32_t>(bitrate, 6000, 510000);
        const bool fec = config.fec && fmtp.flag("useinbandfec");
        const bool dtx = config.dtx || fmtp.flag("usedtx");
        opus_encoder_ctl(e, OPUS_SET_BITRATE(static_cast<opus_int32>(bitrate)));
        opus_encoder_ctl(e, OPUS_SET_COMPLEXITY(std::clamp(config.complexity, 0, 10)));
        opus_encoder_ctl(e, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
        opus_encoder_ctl(e, OPUS_SET_FORCE_CHANNELS(1));  // stereo=0: mono voice
        opus_encoder_ctl(e, OPUS_SET_INBAND_FEC(fec ? 1 : 0));
        // LBRR is only produced when the encoder expects loss.
        opus_encoder_ctl(e, OPUS_SET_PACKET_LOSS_PERC(
                                fec ? std::clamp(config.expected_loss_percent, 1, 100) : 0));
        opus_encoder_ctl(e, OPUS_SET_DTX(dtx ? 1 : 0));
        if (fmtp.flag("cbr")) opus_encoder_ctl(e, OPUS_SET_VBR(0));
        if (const auto rate = fmtp.get_uint("maxplaybackrate")) {
            opus_encoder_ctl(e, OPUS_SET_MAX_BANDWIDTH(bandwidth_for(*rate)));
        }
    }

    [[nodiscard]] const Format& format() const noexcept override { return format_; }
    [[nodiscard]] std::size_t max_payload_size() const noexcept override {
        return max_opus_payload;
    }

    Result<std::size_t> encode(std::span<const float> frame, std::span<std::uint8_t> out) override {
        if (frame.size() != frame_samples_) return Errc::frame_size_mismatch;
        if (out.empty()) return Errc::buffer_too_small;
        const auto max = static_cast<opus_int32>(std::min(out.size(), max_opus_payload));
        const opus_int32 n = opus_encode_float(state_.get(), frame.data(),
                                               static_cast<int>(frame.size()), out.data(), max);
        if (n == OPUS_BUFFER_TOO_SMALL) return Errc::buffer_too_small;
        if (n < 0) return Errc::codec_failure;
        return static_cast<std::size_t>(n);
    }

private:
    static int bandwidth_for(std::uint32_t rate) noexcept {
        if (rate <= 8000) return OPUS_BANDWIDTH_NARROWBAND;
        if (rate <= 12000) return OPUS_BANDWIDTH_MEDIUMBAND;
        if (rate <= 16000) return OPUS_BANDWIDTH_WIDEBAND;
        if (rate <= 24000) return OPUS_BANDWIDTH_SUPERWIDEBAND;
        return OPUS_BANDWIDTH_FULLBAND;
    }

    Format format_;
    std::size_t frame_samples_;
    std::unique_ptr<OpusEncoder, EncoderFree> state_;
};

class OpusDecoderImpl final : public Decoder {
public:
    explicit OpusDecoderImpl(const Format& format)
        : format_(format),
          // 120 ms is the longest Opus packet (RFC 6716 §3.2.5).
          max_samples_(static_cast<std::size_t>(format.sample_rate) * 120U / 1000U),
          quantum_(static_cast<std::size_t>(format.sample_rate) / 400U) {  // 2.5 ms
        int err = OPUS_OK;
        state_.reset(opus_decoder_create(static_cast<opus_int32>(format.sample_rate), 1, &err));
        if (err != OPUS_OK || !state_) throw std::bad_alloc();
    }

    [[nodiscard]] const Format& format() const noexcept override { return format_; }
    [[nodiscard]] std::size_t max_samples_per_payload() const noexcept override {
        return max_samples_;
    }
    [[nodiscard]] bool has_fec() const noexcept override { return true; }

    Result<std::size_t> decode(std::span<const std::uint8_t> payload,
                               std::span<float> out) override {
        if (payload.empty()) return Errc::empty_payload;
        if (payload.size() > max_opus_payload * 4) return Errc::corrupt_payload;
        const int samples = opus_decoder_get_nb_samples(state_.get(), payload.data(),
                                                        static_cast<opus_int32>(payload.size()));
        if (samples <= 0) return Errc::corrupt_payload;
        if (static_cast<std::size_t>(samples) > out.size()) return Errc::buffer_too_small;
        const int n =
            opus_decode_float(state_.get(), payload.data(), static_cast<opus_int32>(payload.size()),
                              out.data(), samples, 0);
        if (n < 0) return Errc::corrupt_payload;
        return static_cast<std::size_t>(n);
    }

    void conceal(std::span<float> out) override { fill(nullptr, 0, out); }

    void recover(std::span<const std::uint8_t> next_payload, std::span<float> out) override {
        // RFC 7587 §3.3 / RFC 6716 §4.2.5: decode_fec=1 with the packet after the loss yields
        // the LBRR copy of the lost frame; frame_size must be the lost duration.
        if (next_payload.empty() || next_payload.size() > max_opus_payload * 4) {
            conceal(out);
            return;
        }
        fill(next_payload.data(), static_cast<opus_int32>(next_payload.size()), out);
    }

private:
    // libopus wants frame sizes in whole 2.5 ms quanta: decode those straight into `out`, the
    // ragged tail through scratch.
    void fill(const unsigned char* data, opus_int32 len, std::span<float> out) {
        const int fec = data != nullptr ? 1 : 0;
        const std::size_t whole = std::min(out.size() / quantum_ * quantum_, max_samples_);
        if (whole > 0) {
            const int n = opus_decode_float(state_.get(), data, len, out.data(),
                                            static_cast<int>(whole), fec);
            if (n < 0) std::fill_n(out.begin(), whole, 0.0F);
            out = out.subspan(whole);
        }
        // Anything left (longer than 120 ms or a partial quantum) is plain PLC, through a
        // scratch buffer made only the first time it is needed (20 ms frames never need it).
        if (!out.empty() && scratch_.empty()) scratch_.resize(max_samples_);
        while (!out.empty()) {
            const std::size_t chunk =
                std::min(max_samples_, (out.size() + quantum_ - 1) / quantum_ * quantum_);
            const int n = opus_decode_float(state_.get(), nullptr, 0, scratch_.data(),
                                            static_cast<int>(chunk), 0);
            const std::size_t take = std::min(out.size(), chunk);
            if (n < 0) {
                std::fill_n(out.begin(), take, 0.0F);
            } else {
                std::copy_n(scratch_.begin(), take, out.begin());
            }
            out = out.subspan(take);
        }
    }

    Format format_;
    std::size_t max_samples_;
    std::size_t quantum_;
    std::vector<float> scratch_;  // empty until a ragged concealment needs it
    std::unique_ptr<OpusDecoder, DecoderFree> state_;
};

class OpusCodec final : public Codec {
public:
    OpusCodec(Format format, const OpusConfig& config)
        : format_(std::move(format)), config_(config) {}
    [[nodiscard]] const Format& format() const noexcept override { return format_; }
    [[nodiscard]] Result<std::unique_ptr<Encoder>> make_encoder(const Fmtp& fmtp) const override {
        return std::unique_ptr<Encoder>(std::make_unique<OpusEncoderImpl>(format_, config_, fmtp));
    }
    [[nodiscard]] Result<std::unique_ptr<Decoder>> make_decoder(
        const Fmtp& /*fmtp*/) const override {
        return std::unique_ptr<Decoder>(std::make_unique<OpusDecoderImpl>(format_));
    }

private:
    Format format_;
    OpusConfig config_;
};

}  // namespace

std::shared_ptr<const Codec> make_opus(const OpusConfig& config) {
    const auto r = config.sample_rate;
    if (r != 8000 && r != 12000 && r != 16000 && r != 24000 && r != 48000) {
        throw std::invalid_argument("Opus sample rate must be 8, 12, 16, 24 or 48 kHz");
    }
    const auto p = config.ptime.count();
    if (p != 10 && p != 20 && p != 40 && p != 60) {
        throw std::invalid_argument("Opus packet time must be 10, 20, 40 or 60 ms");
    }
    if (config.payload_type < 96 || config.payload_type > 127) {
        throw std::invalid_argument("Opus needs a dynamic payload type (96..127)");
    }
    // RFC 7587 §7: "opus/48000/2" always; our decoder takes FEC and we want mono.
    return std::make_shared<OpusCodec>(
        Format{.encoding_name = "opus",
               .clock_rate = rtp_clock,
               .channels = 2,
               .payload_type = config.payload_type,
               .static_payload_type = false,
               .fmtp = "minptime=10;useinbandfec=1;stereo=0;sprop-stereo=0",
               .sample_rate = config.sample_rate,
               .frame_duration = config.ptime},
        config);
}

}  // namespace voip::codec
