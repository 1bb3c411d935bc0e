#pragma once
/// @file
/// STUN messages (RFC 5389): a validated zero-copy view of a received datagram and a builder
/// writing into the caller's buffer. Attributes: MAPPED-ADDRESS, XOR-MAPPED-ADDRESS (IPv4 and
/// IPv6), SOFTWARE, ERROR-CODE, UNKNOWN-ATTRIBUTES, FINGERPRINT; any other attribute can be
/// read or written raw. MESSAGE-INTEGRITY is not computed.
///
/// @code
///   auto m = voip::stun::MessageView::parse(datagram);
///   if (m && m->message_class() == voip::stun::Class::success_response)
///       if (auto ep = m->xor_mapped_address()) use(*ep);
/// @endcode

#include <voip/result.hpp>
#include <voip/stun/error.hpp>

#include <asio/ip/udp.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string_view>

namespace voip::stun {

/// RFC 5389 §6: fixed value in every message, distinguishing it from RFC 3489 and others.
inline constexpr std::uint32_t magic_cookie = 0x2112A442;
/// Size of the message header.
inline constexpr std::size_t header_size = 20;
/// RFC 5389 §15.5: the CRC-32 of the message is XORed with this ("STUN").
inline constexpr std::uint32_t fingerprint_xor = 0x5354554E;

/// The 96-bit transaction ID.
using TransactionId = std::array<std::uint8_t, 12>;

/// STUN methods (only Binding is defined by RFC 5389).
enum class Method : std::uint16_t { binding = 0x001 };

/// The message class, two bits spread over the type field (RFC 5389 §6).
enum class Class : std::uint8_t {
    request = 0,
    indication = 1,
    success_response = 2,
    error_response = 3
};

/// Attribute types (RFC 5389 §18.2). Values below 0x8000 are comprehension-required.
namespace attribute {
inline constexpr std::uint16_t mapped_address = 0x0001;
inline constexpr std::uint16_t username = 0x0006;
inline constexpr std::uint16_t message_integrity = 0x0008;
inline constexpr std::uint16_t error_code = 0x0009;
inline constexpr std::uint16_t unknown_attributes = 0x000A;
inline constexpr std::uint16_t realm = 0x0014;
inline constexpr std::uint16_t nonce = 0x0015;
inline constexpr std::uint16_t xor_mapped_address = 0x0020;
inline constexpr std::uint16_t software = 0x8022;
inline constexpr std::uint16_t alternate_server = 0x8023;
inline constexpr std::uint16_t fingerprint = 0x8028;
}  // namespace attribute

/// True for the comprehension-required attribute types this codec knows (RFC 5389 §15).
[[nodiscard]] bool is_known_comprehension_required(std::uint16_t type) noexcept;

/// The 16-bit message type of a method and class (RFC 5389 §6, Figure 3).
[[nodiscard]] constexpr std::uint16_t message_type(Method method, Class cls) noexcept {
    const auto m = static_cast<std::uint16_t>(method);
    const auto c = static_cast<std::uint16_t>(cls);
    return static_cast<std::uint16_t>((m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) |
                                      ((c & 1) << 4) | ((c & 2) << 7));
}

/// One attribute: its type and value (borrowed, without padding).
struct Attribute {
    std::uint16_t type = 0;
    std::span<const std::uint8_t> value;
};

/// The content of an ERROR-CODE attribute (RFC 5389 §15.6).
struct ErrorCode {
    int code = 0;  ///< 300–699
    std::string_view reason;
};

/// A validated STUN message over a received datagram (zero-copy; keep the bytes alive).
class MessageView {
public:
    /// Validates the header and the attribute layout, and the FINGERPRINT if present.
    /// Errors (stun::Error): truncated, not_stun, bad_magic_cookie, bad_length,
    /// bad_attribute, fingerprint_not_last, bad_fingerprint.
    [[nodiscard]] static Result<MessageView> parse(std::span<const std::uint8_t> datagram) noexcept;

    MessageView() = default;

    [[nodiscard]] std::uint16_t type() const noexcept;
    /// The 12-bit method as sent (compare with Method values).
    [[nodiscard]] std::uint16_t method() const noexcept;
    [[nodiscard]] Class message_class() const noexcept;
    [[nodiscard]] TransactionId transaction_id() const noexcept;
    [[nodiscard]] bool has_fingerprint() const noexcept { return has_fingerprint_; }
    [[nodiscard]] std::span<const std::uint8_t> bytes() const noexcept { return bytes_; }

    /// Iterates the attributes in order.
    class Iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = Attribute;
        using difference_type = std::ptrdiff_t;
        using pointer = const Attribute*;
        using reference = const Attribute&;

        Iterator() = default;
        Iterator(std::span<const std::uint8_t> rest) noexcept;  // NOLINT: internal
        reference operator*() const noexcept { return current_; }
        pointer operator->() const noexcept { return &current_; }
        Iterator& operator++() noexcept;
        Iterator operator++(int) noexcept {
            Iterator old = *this;
            ++*this;
            return old;
        }
        friend bool operator==(const Iterator& a, const Iterator& b) noexcept {
            return a.rest_.data() == b.rest_.data() && a.rest_.size() == b.rest_.size();
        }

    private:
        std::span<const std::uint8_t> rest_;
        Attribute current_;
    };
    [[nodiscard]] Iterator begin() const noexcept;
    [[nodiscard]] Iterator end() const noexcept;

    /// The first attribute of @p type, if any.
    [[nodiscard]] std::optional<Attribute> find(std::uint16_t type) const noexcept;

    /// XOR-MAPPED-ADDRESS decoded with the cookie and transaction ID (§15.2).
    /// Errors: attribute absent → no_mapped_address; malformed → bad_address.
    [[nodiscard]] Result<asio::ip::udp::endpoint> xor_mapped_address() const noexcept;
    /// MAPPED-ADDRESS (§15.1). Errors as for xor_mapped_address().
    [[nodiscard]] Result<asio::ip::udp::endpoint> mapped_address() const noexcept;
    /// SOFTWARE text, if present.
    [[nodiscard]] std::optional<std::string_view> software() const noexcept;
    /// ERROR-CODE, if present and well-formed (class 3–6, number 0–99).
    [[nodiscard]] std::optional<ErrorCode> error_code() const noexcept;
    /// Comprehension-required attribute types (< 0x8000) this codec does not know, written
    /// to @p out; returns how many exist (may exceed out.size()).
    [[nodiscard]] std::size_t unknown_comprehension_required(
        std::span<std::uint16_t> out) const noexcept;

private:
    std::span<const std::uint8_t> bytes_;
    bool has_fingerprint_ = false;
};

/// Writes a STUN message into a caller's buffer, attribute by attribute. Nothing allocated.
/// @code
///   std::array<std::uint8_t, 512> buf;
///   voip::stun::MessageBuilder b{buf, voip::stun::Method::binding,
///                                voip::stun::Class::success_response, request.transaction_id()};
///   b.add_xor_mapped_address(from);
///   auto size = b.finish();                 // adds FINGERPRINT, returns Result<std::size_t>
/// @endcode
class MessageBuilder {
public:
    /// Starts a message. A buffer smaller than the header makes every call fail with
    /// buffer_too_small.
    MessageBuilder(std::span<std::uint8_t> buffer, Method method, Class cls,
                   const TransactionId& id) noexcept;

    /// Appends a raw attribute (padded to 4 bytes). Errors: buffer_too_small,
    /// value_out_of_range (value longer than 65535 or after finish()).
    Result<void> add(std::uint16_t type, std::span<const std::uint8_t> value) noexcept;
    Result<void> add_xor_mapped_address(const asio::ip::udp::endpoint& endpoint) noexcept;
    Result<void> add_mapped_address(const asio::ip::udp::endpoint& endpoint) noexcept;
    /// SOFTWARE: at most 763 bytes (§15.10).
    Result<void> add_software(std::string_view text) noexcept;
    /// ERROR-CODE: code 300–699, reason at most 763 bytes (§15.6).
    Result<void> add_error_code(int code, std::string_view reason) noexcept;
    Result<void> add_unknown_attributes(std::span<const std::uint16_t> types) noexcept;

    /// Sets the length field, appends FINGERPRINT if asked (§15.5) and returns the size.
    /// Nothing may be added afterwards.
    [[nodiscard]] Result<std::size_t> finish(bool with_fingerprint = true) noexcept;

    [[nodiscard]] std::size_t size() const noexcept { return size_; }

private:
    Result<void> add_address(std::uint16_t type, const asio::ip::udp::endpoint& endpoint,
                             bool xored) noexcept;

    std::span<std::uint8_t> buffer_;
    TransactionId id_;
    std::size_t size_ = 0;
    bool finished_ = false;
};

}  // namespace voip::stun
