#include <voip/codec/codec.hpp>

namespace voip::codec {

Result<std::vector<std::uint8_t>> Encoder::encode(std::span<const float> frame) {
    std::vector<std::uint8_t> out(max_payload_size());
    auto n = encode(frame, out);
    if (!n) return n.error();
    out.resize(*n);
    return out;
}

void Decoder::recover(std::span<const std::uint8_t> /*next_payload*/, std::span<float> out) {
    conceal(out);
}

Result<std::vector<float>> Decoder::decode(std::span<const std::uint8_t> payload) {
    std::vector<float> out(max_samples_per_payload());
    auto n = decode(payload, out);
    if (!n) return n.error();
    out.resize(*n);
    return out;
}

}  // namespace voip::codec
