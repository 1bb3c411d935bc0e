// libFuzzer target: RTCP compound validation (RFC 3550 §A.2) and the SR/RR/SDES/BYE
// decoders, with re-encoding round trips. Any crash, sanitizer report or broken invariant
// (__builtin_trap) is a finding.
#include <voip/rtp/rtcp.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace {

void check(bool condition) {
    if (!condition) __builtin_trap();
}

// Serializes a decoded packet, decodes it again and checks both decodes agree via `same`.
template <class T, class Same>
void round_trip(const T& value, Same same) {
    std::vector<std::uint8_t> out(value.serialized_size());
    auto n = value.serialize_to(out);
    if (!n) return;  // e.g. an SDES item of type 0 cannot be written back
    check(*n == out.size());
    auto packet = voip::rtp::RtcpPacketView::parse(out);
    check(packet.has_value());
    auto back = T::parse(*packet);
    check(back.has_value());
    check(same(value, *back));
}

void decode(const voip::rtp::RtcpPacketView& packet) {
    using namespace voip::rtp;
    switch (packet.type()) {
        case RtcpType::sr:
            if (auto sr = SenderReport::parse(packet)) {
                round_trip(*sr, [](const SenderReport& a, const SenderReport& b) {
                    return a.ssrc == b.ssrc && a.sender == b.sender && a.reports == b.reports &&
                           a.extension == b.extension;
                });
                // Without padding, re-encoding reproduces the packet byte for byte.
                if (!packet.has_padding()) {
                    std::vector<std::uint8_t> out(sr->serialized_size());
                    if (sr->serialize_to(out)) {
                        check(out.size() == packet.bytes().size());
                        check(std::memcmp(out.data(), packet.bytes().data(), out.size()) == 0);
                    }
                }
            }
            break;
        case RtcpType::rr:
            if (auto rr = ReceiverReport::parse(packet)) {
                round_trip(*rr, [](const ReceiverReport& a, const ReceiverReport& b) {
                    return a.ssrc == b.ssrc && a.reports == b.reports && a.extension == b.extension;
                });
            }
            break;
        case RtcpType::sdes:
            if (auto sdes = Sdes::parse(packet)) {
                round_trip(*sdes,
                           [](const Sdes& a, const Sdes& b) { return a.chunks == b.chunks; });
                for (const auto& chunk : sdes->chunks)
                    (void)chunk.cname();
            }
            break;
        case RtcpType::bye:
            if (auto bye = Bye::parse(packet)) {
                round_trip(*bye, [](const Bye& a, const Bye& b) {
                    return a.ssrcs == b.ssrcs && a.reason == b.reason;
                });
            }
            break;
        default:
            break;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> input(data, size);
    // A single packet, as RFC 5506 reduced-size RTCP would carry.
    if (auto single = voip::rtp::RtcpPacketView::parse(input)) {
        check(single->bytes().size() <= size);
        decode(*single);
    }
    auto compound = voip::rtp::RtcpCompound::parse(input);
    if (!compound) return 0;
    std::size_t total = 0;
    std::size_t count = 0;
    for (const auto& packet : *compound) {
        check(++count <= size / 4);  // every packet takes at least 4 bytes: iteration ends
        total += packet.bytes().size();
        decode(packet);
    }
    check(total == size);
    return 0;
}
