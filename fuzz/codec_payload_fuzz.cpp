// Fuzz the codec module's untrusted inputs: RTP payloads for every decoder (decode, conceal,
// FEC recover) and telephone-event packets through the RFC 4733 receiver. The first byte picks
// the codec; the rest is split into payloads at 0xFF 0xFE markers so one input is a stream.

#include <voip/codec/g711.hpp>
#include <voip/codec/g722.hpp>
#include <voip/codec/opus.hpp>
#include <voip/codec/telephone_event.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace {

std::vector<std::span<const std::uint8_t>> split(std::span<const std::uint8_t> data) {
    std::vector<std::span<const std::uint8_t>> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i + 1 < data.size(); ++i) {
        if (data[i] == 0xFF && data[i + 1] == 0xFE) {
            parts.push_back(data.subspan(start, i - start));
            start = i + 2;
            ++i;
        }
    }
    parts.push_back(data.subspan(start));
    return parts;
}

void fuzz_decoder(const voip::codec::Codec& codec, std::span<const std::uint8_t> data) {
    auto dec = codec.make_decoder({});
    if (!dec) return;
    std::vector<float> out((*dec)->max_samples_per_payload());
    std::vector<float> lost(codec.format().samples_per_frame());
    const auto parts = split(data);
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const auto& p = parts[i];
        if (!p.empty() && p[0] == 0x00 && i + 1 < parts.size()) {
            (*dec)->recover(parts[i + 1], lost);  // "this one was lost"
        } else if (p.empty()) {
            (*dec)->conceal(lost);
        } else {
            (void)(*dec)->decode(p, out);
        }
    }
}

void fuzz_dtmf(std::span<const std::uint8_t> data) {
    voip::codec::DtmfReceiver receiver;
    // Records of 9 bytes: timestamp (4), marker (1), payload (4).
    while (data.size() >= 9) {
        const std::uint32_t ts = (std::uint32_t{data[0]} << 24U) | (std::uint32_t{data[1]} << 16U) |
                                 (std::uint32_t{data[2]} << 8U) | data[3];
        (void)receiver.on_packet(ts, (data[4] & 1U) != 0, data.subspan(5, 4));
        data = data.subspan(9);
    }
    (void)receiver.on_packet(0, false, data);  // the ragged tail as one (short) payload
    (void)receiver.flush();
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    if (size == 0) return 0;
    static const auto pcmu = voip::codec::make_pcmu();
    static const auto pcma = voip::codec::make_pcma();
    static const auto g722 = voip::codec::make_g722();
    static const auto opus48 = voip::codec::make_opus();
    static const auto opus16 = voip::codec::make_opus({.sample_rate = 16000});
    const std::span<const std::uint8_t> data{bytes + 1, size - 1};
    switch (bytes[0] % 6) {
        case 0:
            fuzz_decoder(*pcmu, data);
            break;
        case 1:
            fuzz_decoder(*pcma, data);
            break;
        case 2:
            fuzz_decoder(*g722, data);
            break;
        case 3:
            fuzz_decoder(*opus48, data);
            break;
        case 4:
            fuzz_decoder(*opus16, data);
            break;
        default:
            fuzz_dtmf(data);
            break;
    }
    return 0;
}
