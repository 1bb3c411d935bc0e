// libFuzzer target: RTP packet parsing (RFC 3550 §5.1), RFC 8285 elements, serialization
// round trip and the RFC 7983 classifier. Any crash, sanitizer report or broken invariant
// (__builtin_trap) is a finding.
#include <voip/rtp/demux.hpp>
#include <voip/rtp/packet.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace {
void check(bool condition) {
    if (!condition) __builtin_trap();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> input(data, size);
    (void)voip::rtp::classify(input);
    auto view = voip::rtp::PacketView::parse(input);
    if (!view) return 0;
    check(view->header_size() + view->payload().size() + view->padding_size() == size);
    std::uint64_t sum = view->version() + view->payload_type() + view->sequence() +
                        view->timestamp() + view->ssrc() + (view->marker() ? 1 : 0);
    for (std::size_t i = 0; i < view->csrc_count(); ++i)
        sum += view->csrc(i);
    if (auto ext = view->extension()) {
        std::array<voip::rtp::ExtensionElement, 8> elements{};
        if (auto n = voip::rtp::parse_extension_elements(*ext, elements)) {
            for (std::size_t i = 0; i < std::min(*n, elements.size()); ++i) {
                sum += elements[i].id + elements[i].data.size();
            }
        }
        (void)voip::rtp::find_extension_element(*ext, 1);
    }
    (void)sum;

    // Round trip: the value form writes back the same header and payload.
    const auto packet = voip::rtp::Packet::from_view(*view);
    check(packet.serialized_size() == size);
    std::vector<std::uint8_t> out(size);
    auto written = packet.serialize_to(out);
    check(written.has_value() && *written == size);
    check(std::memcmp(out.data(), data, view->header_size() + view->payload().size()) == 0);
    if (view->padding_size() != 0) check(out.back() == data[size - 1]);
    auto again = voip::rtp::PacketView::parse(out);
    check(again.has_value() && again->payload().size() == view->payload().size());
    // Too small a buffer is an error, never an overflow.
    if (size > 0) {
        std::vector<std::uint8_t> small(size - 1);
        check(!packet.serialize_to(small).has_value());
    }
    return 0;
}
