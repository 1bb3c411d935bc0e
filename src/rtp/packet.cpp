#include <voip/rtp/packet.hpp>

#include <algorithm>
#include <cstring>

namespace voip::rtp {

using detail::load_u16;

Result<PacketView> PacketView::parse(std::span<const std::uint8_t> datagram) noexcept {
    // RFC 3550 §5.1: 12-byte fixed header, then CC CSRCs, then the optional extension.
    if (datagram.size() < fixed_header_size) return Error::truncated;
    if ((datagram[0] >> 6) != 2) return Error::bad_version;
    std::size_t header = fixed_header_size + 4 * std::size_t{datagram[0] & 0x0FU};
    if (header > datagram.size()) return Error::csrc_past_end;
    if ((datagram[0] & 0x10) != 0) {
        // RFC 3550 §5.3.1: 16-bit profile, 16-bit length in 32-bit words (excluding itself).
        if (header + 4 > datagram.size()) return Error::extension_past_end;
        const std::size_t words = load_u16(&datagram[header + 2]);
        header += 4 + 4 * words;
        if (header > datagram.size()) return Error::extension_past_end;
    }
    std::size_t payload = datagram.size() - header;
    if ((datagram[0] & 0x20) != 0) {
        // RFC 3550 §5.1: the last octet counts the padding octets, itself included.
        const std::size_t pad = datagram.back();
        if (pad == 0 || pad > payload) return Error::bad_padding;
        payload -= pad;
    }
    PacketView view;
    view.bytes_ = datagram;
    view.header_size_ = header;
    view.payload_size_ = payload;
    return view;
}

std::optional<HeaderExtension> PacketView::extension() const noexcept {
    if (!has_extension()) return std::nullopt;
    const std::size_t at = fixed_header_size + 4 * csrc_count();
    HeaderExtension ext;
    ext.profile = load_u16(&bytes_[at]);
    ext.data = bytes_.subspan(at + 4, header_size_ - at - 4);
    return ext;
}

Result<std::size_t> parse_extension_elements(const HeaderExtension& extension,
                                             std::span<ExtensionElement> out) noexcept {
    const bool one_byte = extension.profile == one_byte_extension_profile;
    const bool two_byte = (extension.profile & 0xFFF0) == two_byte_extension_profile;
    if (!one_byte && !two_byte) return Error::bad_extension_element;
    const auto data = extension.data;
    std::size_t count = 0;
    std::size_t i = 0;
    while (i < data.size()) {
        if (data[i] == 0) {  // RFC 8285 §4.2/§4.3: padding byte between or after elements
            ++i;
            continue;
        }
        std::uint8_t id = 0;
        std::size_t length = 0;
        if (one_byte) {
            id = data[i] >> 4;
            // RFC 8285 §4.2: ID 15 is reserved and ends processing of the extension.
            if (id == 15) break;
            length = std::size_t{data[i] & 0x0FU} + 1;
            ++i;
        } else {
            if (i + 2 > data.size()) return Error::bad_extension_element;
            id = data[i];
            length = data[i + 1];
            i += 2;
        }
        if (i + length > data.size()) return Error::bad_extension_element;
        if (count < out.size()) out[count] = ExtensionElement{id, data.subspan(i, length)};
        ++count;
        i += length;
    }
    return count;
}

std::optional<std::span<const std::uint8_t>> find_extension_element(
    const HeaderExtension& extension, std::uint8_t id) noexcept {
    // Up to 255 elements can exist in theory; a fixed array keeps this allocation-free.
    std::array<ExtensionElement, 64> elements{};
    auto n = parse_extension_elements(extension, elements);
    if (!n) return std::nullopt;
    const std::size_t stored = std::min(*n, elements.size());
    for (std::size_t k = 0; k < stored; ++k) {
        if (elements[k].id == id) return elements[k].data;
    }
    return std::nullopt;
}

Packet Packet::from_view(const PacketView& view) noexcept {
    Packet p;
    p.marker = view.marker();
    p.payload_type = view.payload_type();
    p.sequence = view.sequence();
    p.timestamp = view.timestamp();
    p.ssrc = view.ssrc();
    p.csrc_count = static_cast<std::uint8_t>(view.csrc_count());
    for (std::size_t i = 0; i < view.csrc_count(); ++i)
        p.csrcs[i] = view.csrc(i);
    p.extension = view.extension();
    p.payload = view.payload();
    p.padding = static_cast<std::uint8_t>(view.padding_size());
    return p;
}

std::size_t Packet::header_size() const noexcept {
    std::size_t size = fixed_header_size + 4 * std::size_t{csrc_count};
    if (extension) size += 4 + extension->data.size();
    return size;
}

namespace {

// Checks that `p` can be written into `out_size` bytes with a payload of `payload_size`.
Result<std::size_t> check(const Packet& p, std::size_t out_size,
                          std::size_t payload_size) noexcept {
    if (p.csrc_count > max_csrc_count) return Error::too_many_csrcs;
    if (p.payload_type > 0x7F) return Error::value_out_of_range;
    if (p.extension &&
        (p.extension->data.size() % 4 != 0 || p.extension->data.size() / 4 > 0xFFFF)) {
        return Error::bad_extension_length;
    }
    const std::size_t header = p.header_size();
    if (out_size < header || out_size - header < payload_size ||
        out_size - header - payload_size < p.padding) {
        return Error::buffer_too_small;
    }
    return header;
}

// Writes fixed header, CSRCs and extension of an already checked packet.
void write_header(const Packet& p, std::uint8_t* b) noexcept {
    b[0] = static_cast<std::uint8_t>(0x80U | (p.padding != 0 ? 0x20U : 0U) |
                                     (p.extension ? 0x10U : 0U) | p.csrc_count);
    b[1] = static_cast<std::uint8_t>((p.marker ? 0x80U : 0U) | p.payload_type);
    detail::store_u16(b + 2, p.sequence);
    detail::store_u32(b + 4, p.timestamp);
    detail::store_u32(b + 8, p.ssrc);
    std::size_t at = fixed_header_size;
    for (std::size_t i = 0; i < p.csrc_count; ++i, at += 4)
        detail::store_u32(b + at, p.csrcs[i]);
    if (p.extension) {
        detail::store_u16(b + at, p.extension->profile);
        detail::store_u16(b + at + 2, static_cast<std::uint16_t>(p.extension->data.size() / 4));
        at += 4;
        if (!p.extension->data.empty()) {
            std::memmove(b + at, p.extension->data.data(), p.extension->data.size());
        }
    }
}

void write_padding(std::uint8_t* end_of_payload, std::uint8_t padding) noexcept {
    if (padding == 0) return;
    // RFC 3550 §5.1: zero filler, last octet is the count (itself included).
    std::memset(end_of_payload, 0, padding - 1U);
    end_of_payload[padding - 1U] = padding;
}

}  // namespace

Result<std::size_t> Packet::serialize_to(std::span<std::uint8_t> out) const noexcept {
    auto header = check(*this, out.size(), payload.size());
    if (!header) return header.error();
    // Move the payload first: if it already sits inside `out`, memmove copes with the overlap
    // and the header written next lands in front of it.
    if (!payload.empty()) std::memmove(out.data() + *header, payload.data(), payload.size());
    write_header(*this, out.data());
    write_padding(out.data() + *header + payload.size(), padding);
    return *header + payload.size() + padding;
}

Result<std::size_t> Packet::serialize_in_place(std::span<std::uint8_t> buffer,
                                               std::size_t payload_size) const noexcept {
    auto header = check(*this, buffer.size(), payload_size);
    if (!header) return header.error();
    write_header(*this, buffer.data());
    write_padding(buffer.data() + *header + payload_size, padding);
    return *header + payload_size + padding;
}

}  // namespace voip::rtp
