#include <voip/codec/error.hpp>
#include <voip/codec/g711.hpp>
#include <voip/codec/samples.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include "codec/plc.hpp"
#include "codec/spandsp.hpp"

namespace voip::codec {
namespace {

// Payloads larger than this are not plausible G.711 RTP (it would be 240 ms in one packet).
constexpr std::size_t max_g711_payload = 1920;

// G.711 through lookup tables filled from spandsp's own companding functions (linear_to_ulaw,
// ulaw_to_linear, ... in <spandsp/g711.h>), so the bytes are exactly spandsp's: its
// g711_encode/g711_decode run that arithmetic per sample (about 25 and 18 instructions; with
// G.711 the codec is most of a call's own work per frame), a table lookup is a load. Built on
// first use, once per process, shared by every call (read-only: thread-safe after the static
// initialisation).
//
// Encoding is indexed by magnitude, not by the int16 value: a 64 KiB table (one byte per value)
// does not stay in L1 beside hundreds of calls' state, and the profile showed the encode
// waiting on its loads. The sign only flips the code's top bit (the two laws' masks differ in
// 0x80 alone), and a code depends on fewer bits than the magnitude has:
// - μ-law codes |x| + 132 shifted right by at least 3; 132 is 4 modulo 8, so the two low bits
//   of |x| never carry into the bits kept: |x| >> 2 decides (8193 entries, |x| up to 32768);
// - A-law codes x, or ~x for negative x, shifted right by at least 4: 2048 entries.
// PcmuIsBitExactWithSpandsp / PcmaIsBitExactWithSpandsp check all 65536 values.
struct G711Table {
    std::vector<std::uint8_t> encode;  // positive code by magnitude >> shift
    unsigned shift;
    bool alaw;
    std::array<std::int16_t, 256> decode{};

    explicit G711Table(int mode) : shift(mode == G711_ULAW ? 2 : 4), alaw(mode != G711_ULAW) {
        encode.resize(alaw ? 2048 : 8193);
        for (std::size_t i = 0; i < encode.size(); ++i) {
            const int magnitude = static_cast<int>(i << shift);
            encode[i] = alaw ? linear_to_alaw(magnitude) : linear_to_ulaw(magnitude);
        }
        for (std::size_t i = 0; i < decode.size(); ++i) {
            const auto code = static_cast<std::uint8_t>(i);
            decode[i] = alaw ? alaw_to_linear(code) : ulaw_to_linear(code);
        }
    }

    // Encodes @p n samples (the loops differ only in the magnitude; each stays branch-free).
    void encode_block(const std::int16_t* pcm, std::uint8_t* dst, std::size_t n) const noexcept {
        const std::uint8_t* code = encode.data();
        if (alaw) {
            for (std::size_t i = 0; i < n; ++i) {
                const int v = pcm[i];
                const int negative = v >> 31;                        // all ones for v < 0
                const auto m = static_cast<unsigned>(v ^ negative);  // ~v for v < 0
                dst[i] = static_cast<std::uint8_t>(code[m >> 4] ^ (negative & 0x80));
            }
        } else {
            for (std::size_t i = 0; i < n; ++i) {
                const int v = pcm[i];
                const int negative = v >> 31;
                const auto m = static_cast<unsigned>((v ^ negative) - negative);  // |v|
                dst[i] = static_cast<std::uint8_t>(code[m >> 2] ^ (negative & 0x80));
            }
        }
    }
};

const G711Table& table_of(int mode) {
    if (mode == G711_ULAW) {
        static const G711Table ulaw{G711_ULAW};
        return ulaw;
    }
    static const G711Table alaw{G711_ALAW};
    return alaw;
}

// Samples converted per step through a stack buffer: no per-call scratch on the heap (a
// decoder's payload may be up to max_g711_payload long), one cache-resident block at a time.
constexpr std::size_t chunk = 160;

class G711Encoder final : public Encoder {
public:
    G711Encoder(const Format& format, int mode)
        : format_(format), table_(table_of(mode)), frame_samples_(format.samples_per_frame()) {}

    [[nodiscard]] const Format& format() const noexcept override { return format_; }
    [[nodiscard]] std::size_t max_payload_size() const noexcept override { return frame_samples_; }

    Result<std::size_t> encode(std::span<const float> frame, std::span<std::uint8_t> out) override {
        if (frame.size() != frame_samples_) return Errc::frame_size_mismatch;
        if (out.size() < frame_samples_) return Errc::buffer_too_small;
        std::array<std::int16_t, chunk> pcm;  // NOLINT(cppcoreguidelines-pro-type-member-init)
        for (std::size_t done = 0; done < frame.size(); done += chunk) {
            const std::size_t n = std::min(chunk, frame.size() - done);
            to_int16(frame.subspan(done, n), pcm);
            table_.encode_block(pcm.data(), out.data() + done, n);
        }
        return frame.size();
    }

private:
    Format format_;
    const G711Table& table_;
    std::size_t frame_samples_;
};

class G711Decoder final : public Decoder {
public:
    G711Decoder(Format format, int mode) : table_(table_of(mode)), format_(std::move(format)) {}

    [[nodiscard]] const Format& format() const noexcept override { return format_; }
    [[nodiscard]] std::size_t max_samples_per_payload() const noexcept override {
        return max_g711_payload;
    }

    Result<std::size_t> decode(std::span<const std::uint8_t> payload,
                               std::span<float> out) override {
        if (payload.empty()) return Errc::empty_payload;
        if (payload.size() > max_g711_payload) return Errc::corrupt_payload;
        if (out.size() < payload.size()) return Errc::buffer_too_small;
        std::array<std::int16_t, chunk> buffer;  // NOLINT(cppcoreguidelines-pro-type-member-init)
        const std::int16_t* linear = table_.decode.data();
        for (std::size_t done = 0; done < payload.size(); done += chunk) {
            const std::size_t n = std::min(chunk, payload.size() - done);
            const std::uint8_t* src = payload.data() + done;
            for (std::size_t i = 0; i < n; ++i)
                buffer[i] = linear[src[i]];
            const std::span<std::int16_t> pcm{buffer.data(), n};
            plc_.received(pcm);  // PLC history is a stream: chunks are as good as one block
            to_float(pcm, out.subspan(done, n));
        }
        last_samples_ = payload.size();
        return payload.size();
    }

    void conceal(std::span<float> out) override {
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
    // What decode() reads first, first: the table, then the concealment state (its counters
    // lead, its history follows); the format, read by nobody per packet, last.
    const G711Table& table_;
    std::size_t last_samples_ = 0;
    detail::Plc plc_;
    Format format_;
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
