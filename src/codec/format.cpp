#include <voip/codec/format.hpp>

#include <fmt/format.h>

namespace voip::codec {

std::string PayloadFormat::rtpmap() const {
    // RFC 8866 §6.6: the channel count is omitted when it is one.
    if (channels == 1) return fmt::format("{}/{}", encoding_name, clock_rate);
    return fmt::format("{}/{}/{}", encoding_name, clock_rate, channels);
}

PayloadFormat Format::to_payload_format(int pt) const {
    return PayloadFormat{
        .payload_type = pt >= 0 ? pt : payload_type,
        .encoding_name = encoding_name,
        .clock_rate = clock_rate,
        .channels = channels,
        .fmtp = fmtp,
    };
}

}  // namespace voip::codec
