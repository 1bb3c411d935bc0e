#include <voip/codec/error.hpp>
#include <voip/codec/g722.hpp>
#include <voip/codec/samples.hpp>

#include <algorithm>
#include <array>
#include <new>
#include <stdexcept>
#include <utility>

#include "codec/plc.hpp"
#include "codec/spandsp.hpp"

namespace voip::codec {
namespace {

constexpr int bit_rate = 64000;
// 1500 bytes (an Ethernet MTU of payload) decodes to 3000 samples; larger is not plausible RTP.
constexpr std::size_t max_g722_payload = 1500;
constexpr std::size_t samples_per_byte = 2;  // 16 kHz at 64 kbit/s = 4 bits per sample
// Samples converted per step through a stack buffer (even: one byte codes two samples), so a
// codec object holds no heap scratch sized for the largest payload.
constexpr std::size_t chunk = 320;

class G722Encoder final : public Encoder {
public:
    explicit G722Encoder(const Format& format)
        : format_(format),
          state_(g722_encode_init(nullptr, bit_rate, 0)),
          frame_samples_(format.samples_per_frame()) {
        if (!state_) throw std::bad_alloc();
    }

    [[nodiscard]] const Format& format() const noexcept override { return format_; }
    [[nodiscard]] std::size_t max_payload_size() const noexcept override {
        return frame_samples_ / samples_per_byte;
    }

    Result<std::size_t> encode(std::span<const float> frame, std::span<std::uint8_t> out) override {
        if (frame.size() != frame_samples_) return Errc::frame_size_mismatch;
        if (out.size() < max_payload_size()) return Errc::buffer_too_small;
        std::array<std::int16_t, chunk> pcm{};
        std::size_t written = 0;
        for (std::size_t done = 0; done < frame.size(); done += chunk) {
            const std::size_t n = std::min(chunk, frame.size() - done);
            to_int16(frame.subspan(done, n), pcm);
            const int bytes =
                g722_encode(state_.get(), out.data() + written, pcm.data(), static_cast<int>(n));
            if (bytes < 0) return Errc::codec_failure;
            written += static_cast<std::size_t>(bytes);
        }
        return written;
    }

private:
    struct Free {
        void operator()(g722_encode_state_t* s) const noexcept { g722_encode_free(s); }
    };
    Format format_;
    std::unique_ptr<g722_encode_state_t, Free> state_;
    std::size_t frame_samples_;
};

class G722Decoder final : public Decoder {
public:
    explicit G722Decoder(Format format)
        : format_(std::move(format)), state_(g722_decode_init(nullptr, bit_rate, 0)) {
        if (!state_) throw std::bad_alloc();
    }

    [[nodiscard]] const Format& format() const noexcept override { return format_; }
    [[nodiscard]] std::size_t max_samples_per_payload() const noexcept override {
        return max_g722_payload * samples_per_byte;
    }

    Result<std::size_t> decode(std::span<const std::uint8_t> payload,
                               std::span<float> out) override {
        if (payload.empty()) return Errc::empty_payload;
        if (payload.size() > max_g722_payload) return Errc::corrupt_payload;
        if (out.size() < payload.size() * samples_per_byte) return Errc::buffer_too_small;
        std::array<std::int16_t, chunk> buffer{};
        std::size_t decoded = 0;
        constexpr std::size_t bytes_per_chunk = chunk / samples_per_byte;
        for (std::size_t done = 0; done < payload.size(); done += bytes_per_chunk) {
            const std::size_t bytes = std::min(bytes_per_chunk, payload.size() - done);
            const int n = g722_decode(state_.get(), buffer.data(), payload.data() + done,
                                      static_cast<int>(bytes));
            if (n < 0) return Errc::corrupt_payload;
            const std::span<std::int16_t> pcm{buffer.data(), static_cast<std::size_t>(n)};
            plc_.received(pcm);  // PLC history is a stream: chunks are as good as one block
            to_float(pcm, out.subspan(decoded, pcm.size()));
            decoded += pcm.size();
        }
        last_samples_ = decoded;
        return decoded;
    }

    void conceal(std::span<float> out) override {
        // spandsp's PLC is tuned for 8 kHz (pitch search 66..200 Hz there); at 16 kHz it
        // searches 133..400 Hz, which still covers most voices and beats silence. The G.722
        // decoder state itself is not advanced, as RFC 3551 leaves G.722 PLC to the receiver.
        std::array<std::int16_t, chunk> buffer{};
        while (!out.empty()) {
            const std::size_t n = std::min(out.size(), chunk);
            const std::span<std::int16_t> pcm{buffer.data(), n};
            plc_.fill(pcm);
            to_float(pcm, out.first(n));
            out = out.subspan(n);
        }
    }

    [[nodiscard]] std::span<const std::byte> next_state_write() const noexcept override {
        return plc_.next_write(last_samples_);  // the next payload is most likely as long
    }

private:
    struct Free {
        void operator()(g722_decode_state_t* s) const noexcept { g722_decode_free(s); }
    };
    std::size_t last_samples_ = 0;
    Format format_;
    std::unique_ptr<g722_decode_state_t, Free> state_;
    detail::Plc plc_;
};

class G722Codec final : public Codec {
public:
    explicit G722Codec(Format format) : format_(std::move(format)) {}
    [[nodiscard]] const Format& format() const noexcept override { return format_; }
    [[nodiscard]] Result<std::unique_ptr<Encoder>> make_encoder(
        const Fmtp& /*fmtp*/) const override {
        return std::unique_ptr<Encoder>(std::make_unique<G722Encoder>(format_));
    }
    [[nodiscard]] Result<std::unique_ptr<Decoder>> make_decoder(
        const Fmtp& /*fmtp*/) const override {
        return std::unique_ptr<Decoder>(std::make_unique<G722Decoder>(format_));
    }

private:
    Format format_;
};

}  // namespace

std::shared_ptr<const Codec> make_g722(std::chrono::milliseconds ptime) {
    if (ptime.count() <= 0 || ptime.count() > 90) {
        throw std::invalid_argument("G.722 packet time must be 1..90 ms");
    }
    // RFC 3551 §4.5.2 and table 4: "G722/8000", PT 9, but 16 kHz audio.
    return std::make_shared<G722Codec>(Format{.encoding_name = "G722",
                                              .clock_rate = 8000,
                                              .channels = 1,
                                              .payload_type = 9,
                                              .static_payload_type = true,
                                              .fmtp = {},
                                              .sample_rate = 16000,
                                              .frame_duration = ptime});
}

}  // namespace voip::codec
