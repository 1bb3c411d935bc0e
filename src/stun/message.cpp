#include <voip/stun/message.hpp>

#include <algorithm>
#include <cstring>

#include "stun/crc32.hpp"

namespace voip::stun {
namespace {

constexpr std::uint16_t load_u16(const std::uint8_t* p) noexcept {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
constexpr std::uint32_t load_u32(const std::uint8_t* p) noexcept {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           p[3];
}
constexpr void store_u16(std::uint8_t* p, std::uint16_t v) noexcept {
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
}
constexpr void store_u32(std::uint8_t* p, std::uint32_t v) noexcept {
    p[0] = static_cast<std::uint8_t>(v >> 24);
    p[1] = static_cast<std::uint8_t>(v >> 16);
    p[2] = static_cast<std::uint8_t>(v >> 8);
    p[3] = static_cast<std::uint8_t>(v);
}
constexpr std::size_t padded(std::size_t n) noexcept {
    return (n + 3) & ~std::size_t{3};
}

constexpr std::uint8_t family_ipv4 = 0x01;
constexpr std::uint8_t family_ipv6 = 0x02;
// RFC 5389 §15.6, §15.10: reason phrase and SOFTWARE are under 128 characters, ≤ 763 bytes.
constexpr std::size_t max_text = 763;

// The 16 bytes XORed into an address: magic cookie then transaction ID (§15.2).
std::array<std::uint8_t, 16> xor_key(const std::uint8_t* transaction_id) noexcept {
    std::array<std::uint8_t, 16> key{};
    store_u32(key.data(), magic_cookie);
    std::memcpy(key.data() + 4, transaction_id, 12);
    return key;
}

Result<asio::ip::udp::endpoint> decode_address(std::span<const std::uint8_t> v,
                                               const std::uint8_t* transaction_id,
                                               bool xored) noexcept {
    if (v.size() < 4) return Error::bad_address;
    const auto key = xor_key(transaction_id);
    std::uint16_t port = load_u16(&v[2]);
    if (xored) port ^= static_cast<std::uint16_t>(magic_cookie >> 16);
    if (v[1] == family_ipv4) {
        if (v.size() != 8) return Error::bad_address;
        asio::ip::address_v4::bytes_type a{};
        for (std::size_t i = 0; i < 4; ++i)
            a[i] = xored ? v[4 + i] ^ key[i] : v[4 + i];
        return asio::ip::udp::endpoint{asio::ip::make_address_v4(a), port};
    }
    if (v[1] == family_ipv6) {
        if (v.size() != 20) return Error::bad_address;
        asio::ip::address_v6::bytes_type a{};
        for (std::size_t i = 0; i < 16; ++i)
            a[i] = xored ? v[4 + i] ^ key[i] : v[4 + i];
        return asio::ip::udp::endpoint{asio::ip::make_address_v6(a), port};
    }
    return Error::bad_address;
}

}  // namespace

bool is_known_comprehension_required(std::uint16_t type) noexcept {
    switch (type) {
        case attribute::mapped_address:
        case attribute::username:
        case attribute::message_integrity:
        case attribute::error_code:
        case attribute::unknown_attributes:
        case attribute::realm:
        case attribute::nonce:
        case attribute::xor_mapped_address:
            return true;
        default:
            return false;
    }
}

// ---- MessageView ---------------------------------------------------------------------------

Result<MessageView> MessageView::parse(std::span<const std::uint8_t> datagram) noexcept {
    if (datagram.size() < header_size) return Error::truncated;
    // RFC 5389 §6: the two most significant bits of every STUN message are zero.
    if ((datagram[0] & 0xC0) != 0) return Error::not_stun;
    if (load_u32(&datagram[4]) != magic_cookie) return Error::bad_magic_cookie;
    const std::size_t length = load_u16(&datagram[2]);
    // The length excludes the header and is a multiple of 4 (attributes are padded); a
    // datagram carries exactly one message.
    if (length % 4 != 0 || header_size + length != datagram.size()) return Error::bad_length;

    MessageView view;
    std::size_t at = header_size;
    while (at < datagram.size()) {
        if (datagram.size() - at < 4) return Error::bad_attribute;
        const std::uint16_t type = load_u16(&datagram[at]);
        const std::size_t value_length = load_u16(&datagram[at + 2]);
        const std::size_t next = at + 4 + padded(value_length);
        if (next > datagram.size()) return Error::bad_attribute;
        if (type == attribute::fingerprint) {
            // RFC 5389 §15.5: FINGERPRINT is last, 4 bytes, CRC-32 of everything before it.
            if (next != datagram.size()) return Error::fingerprint_not_last;
            if (value_length != 4) return Error::bad_attribute;
            const std::uint32_t expected = detail::crc32(datagram.first(at)) ^ fingerprint_xor;
            if (load_u32(&datagram[at + 4]) != expected) return Error::bad_fingerprint;
            view.has_fingerprint_ = true;
        }
        at = next;
    }
    view.bytes_ = datagram;
    return view;
}

std::uint16_t MessageView::type() const noexcept {
    return load_u16(bytes_.data());
}

std::uint16_t MessageView::method() const noexcept {
    const std::uint16_t t = type();
    return static_cast<std::uint16_t>((t & 0x000F) | ((t & 0x00E0) >> 1) | ((t & 0x3E00) >> 2));
}

Class MessageView::message_class() const noexcept {
    const std::uint16_t t = type();
    return static_cast<Class>(((t >> 4) & 1) | ((t >> 7) & 2));
}

TransactionId MessageView::transaction_id() const noexcept {
    TransactionId id{};
    std::memcpy(id.data(), bytes_.data() + 8, id.size());
    return id;
}

MessageView::Iterator::Iterator(std::span<const std::uint8_t> rest) noexcept : rest_(rest) {
    if (rest_.size() >= 4) {
        current_.type = load_u16(rest_.data());
        current_.value = rest_.subspan(4, load_u16(rest_.data() + 2));
    }
}

MessageView::Iterator& MessageView::Iterator::operator++() noexcept {
    // The layout was validated by parse(), so every step lands inside the message.
    rest_ = rest_.subspan(std::min(rest_.size(), 4 + padded(current_.value.size())));
    current_ = {};
    if (rest_.size() >= 4) {
        current_.type = load_u16(rest_.data());
        current_.value = rest_.subspan(4, load_u16(rest_.data() + 2));
    }
    return *this;
}

MessageView::Iterator MessageView::begin() const noexcept {
    return bytes_.empty() ? Iterator{} : Iterator{bytes_.subspan(header_size)};
}

MessageView::Iterator MessageView::end() const noexcept {
    return bytes_.empty() ? Iterator{} : Iterator{bytes_.subspan(bytes_.size())};
}

std::optional<Attribute> MessageView::find(std::uint16_t type) const noexcept {
    for (const auto& a : *this) {
        if (a.type == type) return a;
    }
    return std::nullopt;
}

Result<asio::ip::udp::endpoint> MessageView::xor_mapped_address() const noexcept {
    auto a = find(attribute::xor_mapped_address);
    if (!a) return Error::no_mapped_address;
    return decode_address(a->value, bytes_.data() + 8, true);
}

Result<asio::ip::udp::endpoint> MessageView::mapped_address() const noexcept {
    auto a = find(attribute::mapped_address);
    if (!a) return Error::no_mapped_address;
    return decode_address(a->value, bytes_.data() + 8, false);
}

std::optional<std::string_view> MessageView::software() const noexcept {
    auto a = find(attribute::software);
    if (!a) return std::nullopt;
    return std::string_view{reinterpret_cast<const char*>(a->value.data()), a->value.size()};
}

std::optional<ErrorCode> MessageView::error_code() const noexcept {
    auto a = find(attribute::error_code);
    if (!a || a->value.size() < 4) return std::nullopt;
    // RFC 5389 §15.6: 21 reserved bits, 3-bit class (3–6), 8-bit number (0–99), reason.
    const int cls = a->value[2] & 0x07;
    const int number = a->value[3];
    if (cls < 3 || cls > 6 || number > 99) return std::nullopt;
    return ErrorCode{
        cls * 100 + number,
        std::string_view{reinterpret_cast<const char*>(a->value.data() + 4), a->value.size() - 4}};
}

std::size_t MessageView::unknown_comprehension_required(
    std::span<std::uint16_t> out) const noexcept {
    std::size_t count = 0;
    for (const auto& a : *this) {
        if (a.type < 0x8000 && !is_known_comprehension_required(a.type)) {
            if (count < out.size()) out[count] = a.type;
            ++count;
        }
    }
    return count;
}

// ---- MessageBuilder ------------------------------------------------------------------------

MessageBuilder::MessageBuilder(std::span<std::uint8_t> buffer, Method method, Class cls,
                               const TransactionId& id) noexcept
    : buffer_(buffer), id_(id) {
    if (buffer_.size() < header_size) {
        finished_ = true;  // every later call reports buffer_too_small
        return;
    }
    store_u16(buffer_.data(), message_type(method, cls));
    store_u16(buffer_.data() + 2, 0);
    store_u32(buffer_.data() + 4, magic_cookie);
    std::memcpy(buffer_.data() + 8, id.data(), id.size());
    size_ = header_size;
}

Result<void> MessageBuilder::add(std::uint16_t type, std::span<const std::uint8_t> value) noexcept {
    if (buffer_.size() < header_size) return Error::buffer_too_small;
    if (finished_ || value.size() > 0xFFFF) return Error::value_out_of_range;
    const std::size_t total = 4 + padded(value.size());
    if (buffer_.size() - size_ < total || size_ - header_size + total > 0xFFFF) {
        return Error::buffer_too_small;
    }
    std::uint8_t* p = buffer_.data() + size_;
    store_u16(p, type);
    store_u16(p + 2, static_cast<std::uint16_t>(value.size()));
    if (!value.empty()) std::memcpy(p + 4, value.data(), value.size());
    std::memset(p + 4 + value.size(), 0, total - 4 - value.size());  // padding (§15)
    size_ += total;
    return {};
}

Result<void> MessageBuilder::add_address(std::uint16_t type,
                                         const asio::ip::udp::endpoint& endpoint,
                                         bool xored) noexcept {
    std::array<std::uint8_t, 20> v{};
    const auto key = xor_key(id_.data());
    std::uint16_t port = endpoint.port();
    if (xored) port ^= static_cast<std::uint16_t>(magic_cookie >> 16);
    store_u16(&v[2], port);
    std::size_t size = 0;
    const auto address = endpoint.address();
    if (address.is_v4()) {
        v[1] = family_ipv4;
        const auto b = address.to_v4().to_bytes();
        for (std::size_t i = 0; i < 4; ++i)
            v[4 + i] = xored ? b[i] ^ key[i] : b[i];
        size = 8;
    } else {
        v[1] = family_ipv6;
        const auto b = address.to_v6().to_bytes();
        for (std::size_t i = 0; i < 16; ++i)
            v[4 + i] = xored ? b[i] ^ key[i] : b[i];
        size = 20;
    }
    return add(type, std::span<const std::uint8_t>(v.data(), size));
}

Result<void> MessageBuilder::add_xor_mapped_address(
    const asio::ip::udp::endpoint& endpoint) noexcept {
    return add_address(attribute::xor_mapped_address, endpoint, true);
}

Result<void> MessageBuilder::add_mapped_address(const asio::ip::udp::endpoint& endpoint) noexcept {
    return add_address(attribute::mapped_address, endpoint, false);
}

Result<void> MessageBuilder::add_software(std::string_view text) noexcept {
    if (text.size() > max_text) return Error::value_out_of_range;
    return add(attribute::software,
               {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

Result<void> MessageBuilder::add_error_code(int code, std::string_view reason) noexcept {
    if (code < 300 || code > 699 || reason.size() > max_text) return Error::value_out_of_range;
    std::array<std::uint8_t, 4 + max_text> v{};
    v[2] = static_cast<std::uint8_t>(code / 100);
    v[3] = static_cast<std::uint8_t>(code % 100);
    std::memcpy(v.data() + 4, reason.data(), reason.size());
    return add(attribute::error_code, std::span<const std::uint8_t>(v.data(), 4 + reason.size()));
}

Result<void> MessageBuilder::add_unknown_attributes(std::span<const std::uint16_t> types) noexcept {
    std::array<std::uint8_t, 128> v{};
    if (types.size() * 2 > v.size()) return Error::value_out_of_range;
    for (std::size_t i = 0; i < types.size(); ++i)
        store_u16(&v[2 * i], types[i]);
    return add(attribute::unknown_attributes,
               std::span<const std::uint8_t>(v.data(), types.size() * 2));
}

Result<std::size_t> MessageBuilder::finish(bool with_fingerprint) noexcept {
    if (buffer_.size() < header_size) return Error::buffer_too_small;
    if (finished_) return Error::value_out_of_range;
    if (with_fingerprint) {
        // RFC 5389 §15.5: the length field already counts the FINGERPRINT when the CRC is
        // computed over the message before it.
        if (buffer_.size() - size_ < 8 || size_ - header_size + 8 > 0xFFFF) {
            return Error::buffer_too_small;
        }
        store_u16(buffer_.data() + 2, static_cast<std::uint16_t>(size_ - header_size + 8));
        const std::uint32_t crc = detail::crc32(buffer_.first(size_)) ^ fingerprint_xor;
        std::uint8_t* p = buffer_.data() + size_;
        store_u16(p, attribute::fingerprint);
        store_u16(p + 2, 4);
        store_u32(p + 4, crc);
        size_ += 8;
    } else {
        store_u16(buffer_.data() + 2, static_cast<std::uint16_t>(size_ - header_size));
    }
    finished_ = true;
    return size_;
}

}  // namespace voip::stun
