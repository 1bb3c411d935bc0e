#pragma once
/// @file
/// RTP data packets (RFC 3550 §5.1): a zero-copy validated view for received datagrams and a
/// plain value that serializes into the caller's buffer without allocating.
///
/// Receive:
/// @code
///   auto view = voip::rtp::PacketView::parse(datagram);   // no copy, no allocation
///   if (!view) return;                                     // view.error() says why
///   decode(view->payload_type(), view->payload());
/// @endcode
/// Send (payload encoded straight into the datagram buffer, then the header written in front):
/// @code
///   voip::rtp::Packet p{.payload_type = 0, .sequence = seq, .timestamp = ts, .ssrc = ssrc};
///   auto n = encode(buf.subspan(p.header_size()));
///   auto size = p.serialize_in_place(buf, n);            // Result<std::size_t>
/// @endcode

#include <voip/result.hpp>
#include <voip/rtp/error.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace voip::rtp {

/// Size of the fixed RTP header (RFC 3550 §5.1).
inline constexpr std::size_t fixed_header_size = 12;
/// The CC field is 4 bits wide.
inline constexpr std::size_t max_csrc_count = 15;
/// RFC 8285 §4.2: "defined by profile" value of the one-byte element form.
inline constexpr std::uint16_t one_byte_extension_profile = 0xBEDE;
/// RFC 8285 §4.3: two-byte element form is 0x100 followed by 4 "appbits" (mask 0xFFF0).
inline constexpr std::uint16_t two_byte_extension_profile = 0x1000;

namespace detail {
[[nodiscard]] constexpr std::uint16_t load_u16(const std::uint8_t* p) noexcept {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
[[nodiscard]] constexpr std::uint32_t load_u24(const std::uint8_t* p) noexcept {
    return (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2];
}
[[nodiscard]] constexpr std::uint32_t load_u32(const std::uint8_t* p) noexcept {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           p[3];
}
constexpr void store_u16(std::uint8_t* p, std::uint16_t v) noexcept {
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
}
constexpr void store_u24(std::uint8_t* p, std::uint32_t v) noexcept {
    p[0] = static_cast<std::uint8_t>(v >> 16);
    p[1] = static_cast<std::uint8_t>(v >> 8);
    p[2] = static_cast<std::uint8_t>(v);
}
constexpr void store_u32(std::uint8_t* p, std::uint32_t v) noexcept {
    p[0] = static_cast<std::uint8_t>(v >> 24);
    p[1] = static_cast<std::uint8_t>(v >> 16);
    p[2] = static_cast<std::uint8_t>(v >> 8);
    p[3] = static_cast<std::uint8_t>(v);
}
}  // namespace detail

/// The header extension (RFC 3550 §5.3.1): a 16-bit profile value and a body whose length is a
/// multiple of 4 bytes. The body is borrowed (it points into the datagram or caller's memory).
struct HeaderExtension {
    std::uint16_t profile = 0;
    std::span<const std::uint8_t> data;
};

/// One RFC 8285 extension element: its local identifier and value bytes (borrowed).
struct ExtensionElement {
    std::uint8_t id = 0;
    std::span<const std::uint8_t> data;
};

/// Reads the RFC 8285 elements of @p extension (one-byte or two-byte form) into @p out.
/// Returns how many were found (at most out.size(); further ones are counted but not stored
/// when out is too small — the return value is then larger than out.size()).
/// Errors: rtp::Error::bad_extension_element if the profile is neither form or an element
/// runs past the end.
[[nodiscard]] Result<std::size_t> parse_extension_elements(
    const HeaderExtension& extension, std::span<ExtensionElement> out) noexcept;

/// The value of element @p id, or nothing if absent or the list is malformed.
[[nodiscard]] std::optional<std::span<const std::uint8_t>> find_extension_element(
    const HeaderExtension& extension, std::uint8_t id) noexcept;

/// A validated, zero-copy view of one received RTP packet. It borrows the datagram: keep the
/// bytes alive while the view (or any span taken from it) is used.
class PacketView {
public:
    /// Validates @p datagram as an RTP packet (RFC 3550 §5.1). Errors (rtp::Error):
    /// truncated, bad_version, csrc_past_end, extension_past_end, bad_padding.
    [[nodiscard]] static Result<PacketView> parse(std::span<const std::uint8_t> datagram) noexcept;

    PacketView() = default;

    [[nodiscard]] std::uint8_t version() const noexcept { return bytes_[0] >> 6; }
    [[nodiscard]] bool has_padding() const noexcept { return (bytes_[0] & 0x20) != 0; }
    [[nodiscard]] bool has_extension() const noexcept { return (bytes_[0] & 0x10) != 0; }
    [[nodiscard]] std::size_t csrc_count() const noexcept { return bytes_[0] & 0x0F; }
    [[nodiscard]] bool marker() const noexcept { return (bytes_[1] & 0x80) != 0; }
    [[nodiscard]] std::uint8_t payload_type() const noexcept { return bytes_[1] & 0x7F; }
    [[nodiscard]] std::uint16_t sequence() const noexcept { return detail::load_u16(&bytes_[2]); }
    [[nodiscard]] std::uint32_t timestamp() const noexcept { return detail::load_u32(&bytes_[4]); }
    [[nodiscard]] std::uint32_t ssrc() const noexcept { return detail::load_u32(&bytes_[8]); }
    /// CSRC number @p index; precondition index < csrc_count().
    [[nodiscard]] std::uint32_t csrc(std::size_t index) const noexcept {
        return detail::load_u32(&bytes_[fixed_header_size + 4 * index]);
    }
    /// The header extension, if the X bit is set.
    [[nodiscard]] std::optional<HeaderExtension> extension() const noexcept;
    /// Payload bytes, without header and padding.
    [[nodiscard]] std::span<const std::uint8_t> payload() const noexcept {
        return bytes_.subspan(header_size_, payload_size_);
    }
    /// Number of padding bytes at the end (including the count byte); 0 without padding.
    [[nodiscard]] std::size_t padding_size() const noexcept {
        return bytes_.size() - header_size_ - payload_size_;
    }
    /// Size of fixed header + CSRCs + extension.
    [[nodiscard]] std::size_t header_size() const noexcept { return header_size_; }
    /// The whole datagram.
    [[nodiscard]] std::span<const std::uint8_t> bytes() const noexcept { return bytes_; }

private:
    std::span<const std::uint8_t> bytes_;
    std::size_t header_size_ = 0;
    std::size_t payload_size_ = 0;
};

/// An RTP packet as plain values, for building packets to send. Holds no heap memory: the
/// payload and extension body are borrowed spans, CSRCs live in a fixed array.
struct Packet {
    bool marker = false;
    std::uint8_t payload_type = 0;  ///< 7 bits
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
    std::uint32_t ssrc = 0;
    std::uint8_t csrc_count = 0;  ///< number of valid entries in csrcs (≤ 15)
    std::array<std::uint32_t, max_csrc_count> csrcs{};
    std::optional<HeaderExtension> extension;  ///< data.size() must be a multiple of 4
    std::span<const std::uint8_t> payload;
    std::uint8_t padding = 0;  ///< padding bytes to append (RFC 3550 §5.1), 0 = P bit clear

    /// Copies the header fields of @p view; payload and extension still borrow its bytes.
    [[nodiscard]] static Packet from_view(const PacketView& view) noexcept;

    /// Bytes the header (fixed part, CSRCs, extension) will take.
    [[nodiscard]] std::size_t header_size() const noexcept;
    /// Bytes the whole packet will take: header + payload + padding.
    [[nodiscard]] std::size_t serialized_size() const noexcept {
        return header_size() + payload.size() + padding;
    }

    /// Writes the packet into @p out and returns its size. The payload may already sit at
    /// out[header_size()] (it is moved, not copied, so overlap is fine). Errors (rtp::Error):
    /// buffer_too_small, too_many_csrcs, bad_extension_length, value_out_of_range (PT > 127).
    [[nodiscard]] Result<std::size_t> serialize_to(std::span<std::uint8_t> out) const noexcept;

    /// For payloads encoded directly into the send buffer: @p payload_size bytes already sit at
    /// buffer[header_size()]; writes header and padding around them and returns the packet size.
    /// The `payload` member is ignored.
    [[nodiscard]] Result<std::size_t> serialize_in_place(std::span<std::uint8_t> buffer,
                                                         std::size_t payload_size) const noexcept;
};

}  // namespace voip::rtp
