#include <voip/codec/error.hpp>
#include <voip/codec/g711.hpp>
#include <voip/codec/samples.hpp>

#include <new>
#include <stdexcept>
#include <utility>
#include <vector>

#include "codec/plc.hpp"
#include "codec/spandsp.hpp"

namespace voip::codec {
namespace {

// Payloads larger than this are not plausible G.711 RTP (it would be 240 ms in one packet).
constexpr std::size_t max_g711_payload = 1920;

struct G711Free {
    void operator()(g711_state_t* s) const noexcept { g711_free(s); }
};
using G711State = std::unique_ptr<g711_state_t, G711Free>;

G711State make_state(int mode) {
    G711State s{g711_init(nullptr, mode)};
    if (!s) throw std::bad_alloc();
    return s;
}

class G711Encoder final : public Encoder {
public:
    G711Encoder(const Format& format, int mode)
        : format_(format), state_(make_state(mode)), pcm_(format.samples_per_frame()) {}

    [[nodiscard]] const Format& format() const noexcept override { return format_; }
    [[nodiscard]] std::size_t max_payload_size() const noexcept override { return pcm_.size(); }

    Result<std::size_t> encode(std::span<const float> frame, std::span<std::uint8_t> out) override {
        if (frame.size() != pcm_.size()) return Errc::frame_size_mismatch;
        if (out.size() < pcm_.size()) return Errc::buffer_too_small;
        to_int16(frame, pcm_);
        return static_cast<std::size_t>(
            g711_encode(state_.get(), out.data(), pcm_.data(), static_cast<int>(pcm_.size())));
    }

private:
    Format format_;
    G711State state_;
    std::vector<std::int16_t> pcm_;
};

class G711Decoder final : public Decoder {
public:
    G711Decoder(Format format, int mode)
        : format_(std::move(format)), state_(make_state(mode)), pcm_(max_g711_payload) {}

    [[nodiscard]] const Format& format() const noexcept override { return format_; }
    [[nodiscard]] std::size_t max_samples_per_payload() const noexcept override {
        return max_g711_payload;
    }

    Result<std::size_t> decode(std::span<const std::uint8_t> payload,
                               std::span<float> out) override {
        if (payload.empty()) return Errc::empty_payload;
        if (payload.size() > max_g711_payload) return Errc::corrupt_payload;
        if (out.size() < payload.size()) return Errc::buffer_too_small;
        const std::span<std::int16_t> pcm{pcm_.data(), payload.size()};
        g711_decode(state_.get(), pcm.data(), payload.data(), static_cast<int>(payload.size()));
        plc_.received(pcm);
        to_float(pcm, out);
        return payload.size();
    }

    void conceal(std::span<float> out) override {
        // Chunks of at most our scratch size, so any length can be concealed.
        while (!out.empty()) {
            const std::size_t n = std::min(out.size(), pcm_.size());
            const std::span<std::int16_t> pcm{pcm_.data(), n};
            plc_.fill(pcm);
            to_float(pcm, out.first(n));
            out = out.subspan(n);
        }
    }

private:
    Format format_;
    G711State state_;
    detail::Plc plc_;
    std::vector<std::int16_t> pcm_;
};

class G711Codec final : public Codec {
public:
    G711Codec(Format format, int mode) : format_(std::move(format)), mode_(mode) {}
    [[nodiscard]] const Format& format() const noexcept override { return format_; }
    [[nodiscard]] Result<std::unique_ptr<Encoder>> make_encoder(
        const Fmtp& /*fmtp*/) const override {
        return std::unique_ptr<Encoder>(std::make_unique<G711Encoder>(format_, mode_));
    }
    [[nodiscard]] Result<std::unique_ptr<Decoder>> make_decoder(
        const Fmtp& /*fmtp*/) const override {
        return std::unique_ptr<Decoder>(std::make_unique<G711Decoder>(format_, mode_));
    }

private:
    Format format_;
    int mode_;
};

Format g711_format(const char* name, int pt, std::chrono::milliseconds ptime) {
    if (ptime.count() <= 0 || ptime.count() > 200) {
        throw std::invalid_argument("G.711 packet time must be 1..200 ms");
    }
    // RFC 3551 table 4: PCMU is PT 0, PCMA is PT 8, both 8000 Hz mono.
    return Format{.encoding_name = name,
                  .clock_rate = 8000,
                  .channels = 1,
                  .payload_type = pt,
                  .static_payload_type = true,
                  .fmtp = {},
                  .sample_rate = 8000,
                  .frame_duration = ptime};
}

}  // namespace

std::shared_ptr<const Codec> make_pcmu(std::chrono::milliseconds ptime) {
    return std::make_shared<G711Codec>(g711_format("PCMU", 0, ptime), G711_ULAW);
}

std::shared_ptr<const Codec> make_pcma(std::chrono::milliseconds ptime) {
    return std::make_shared<G711Codec>(g711_format("PCMA", 8, ptime), G711_ALAW);
}

}  // namespace voip::codec
