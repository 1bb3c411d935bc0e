#pragma once
// One interface for every audio codec. A Codec is a stateless description and factory, shared by
// all calls; each call gets its own Encoder and Decoder, which hold the codec state (prediction,
// PLC history) of one direction of one stream.
//
// Audio is float32 mono at the codec's real sample rate (Format::sample_rate), full scale ±1.0.

#include <voip/codec/fmtp.hpp>
#include <voip/codec/format.hpp>
#include <voip/result.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace voip::codec {

class Encoder {
public:
    virtual ~Encoder() = default;
    [[nodiscard]] virtual const Format& format() const noexcept = 0;

    /// Encode exactly one frame (format().samples_per_frame() samples) into `out`; returns the
    /// payload size. Errc::frame_size_mismatch / buffer_too_small on misuse.
    virtual Result<std::size_t> encode(std::span<const float> frame,
                                       std::span<std::uint8_t> out) = 0;
    /// The largest payload encode() can produce for one frame.
    [[nodiscard]] virtual std::size_t max_payload_size() const noexcept = 0;

    /// Convenience: encode one frame into a new buffer.
    Result<std::vector<std::uint8_t>> encode(std::span<const float> frame);
};

class Decoder {
public:
    virtual ~Decoder() = default;
    [[nodiscard]] virtual const Format& format() const noexcept = 0;

    /// Decode one RTP payload (untrusted) into `out`; returns the number of samples written.
    virtual Result<std::size_t> decode(std::span<const std::uint8_t> payload,
                                       std::span<float> out) = 0;
    /// Packet loss concealment: synthesise `out.size()` samples for audio that never arrived,
    /// continuing from what was decoded before. Always fills the whole span.
    virtual void conceal(std::span<float> out) = 0;
    /// Recover a lost packet from the one after it (`next_payload`), for codecs with in-band FEC
    /// (Opus LBRR, RFC 7587 §3.3); fills all of `out`. The default conceals instead. Call
    /// decode(next_payload) afterwards as usual.
    virtual void recover(std::span<const std::uint8_t> next_payload, std::span<float> out);
    /// True when recover() really uses the next packet.
    [[nodiscard]] virtual bool has_fec() const noexcept { return false; }
    /// The most samples one payload can decode to (size `out` with this).
    [[nodiscard]] virtual std::size_t max_samples_per_payload() const noexcept = 0;
    /// A hint for a caller that prefetches (AudioCall, with hundreds of calls): the part of
    /// the decoder's state that the next decode() writes beyond the object's first lines, as
    /// it stands now (G.711 and G.722: where the concealment history continues). Empty when
    /// there is nothing such, the default.
    [[nodiscard]] virtual std::span<const std::byte> next_state_write() const noexcept {
        return {};
    }

    /// Convenience: decode into a new buffer.
    Result<std::vector<float>> decode(std::span<const std::uint8_t> payload);
};

class Codec {
public:
    virtual ~Codec() = default;
    [[nodiscard]] virtual const Format& format() const noexcept = 0;
    /// `fmtp` is what the remote side asked for (its a=fmtp); unknown keys are ignored.
    [[nodiscard]] virtual Result<std::unique_ptr<Encoder>> make_encoder(const Fmtp& fmtp) const = 0;
    [[nodiscard]] virtual Result<std::unique_ptr<Decoder>> make_decoder(const Fmtp& fmtp) const = 0;
};

}  // namespace voip::codec
