#pragma once
/// @file
/// RTCP (RFC 3550 §6): compound packet validation and iteration (§A.2), SR, RR, SDES, BYE
/// decoding and encoding, a compound builder writing into the caller's buffer, and the NTP
/// time helpers used for LSR/DLSR and round-trip time (§6.4.1).
///
/// @code
///   auto compound = voip::rtp::RtcpCompound::parse(datagram);
///   if (!compound) return;                         // not a valid compound packet (§A.2)
///   for (const auto& packet : *compound) {
///       if (packet.type() == voip::rtp::RtcpType::sr) {
///           auto sr = voip::rtp::SenderReport::parse(packet);
///           ...
///       }
///   }
/// @endcode

#include <voip/result.hpp>
#include <voip/rtp/error.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace voip::rtp {

/// RTCP packet types (RFC 3550 §12.1).
enum class RtcpType : std::uint8_t { sr = 200, rr = 201, sdes = 202, bye = 203, app = 204 };

/// Size of the common RTCP header (V, P, count, PT, length).
inline constexpr std::size_t rtcp_header_size = 4;
/// Report-count and source-count fields are 5 bits wide.
inline constexpr std::size_t max_rtcp_count = 31;

/// One RTCP packet inside a validated compound datagram (zero-copy).
class RtcpPacketView {
public:
    RtcpPacketView() = default;
    /// Validates the header of the single packet at the start of @p bytes and returns a view
    /// limited to that packet (bytes after it are ignored). Errors: truncated, bad_version,
    /// rtcp_bad_length, bad_padding.
    [[nodiscard]] static Result<RtcpPacketView> parse(std::span<const std::uint8_t> bytes) noexcept;

    [[nodiscard]] bool has_padding() const noexcept { return (bytes_[0] & 0x20) != 0; }
    /// The 5-bit count field (reception report count, source count or APP subtype).
    [[nodiscard]] std::uint8_t count() const noexcept { return bytes_[0] & 0x1F; }
    /// Packet type as sent (may be one not listed in RtcpType).
    [[nodiscard]] std::uint8_t packet_type() const noexcept { return bytes_[1]; }
    [[nodiscard]] RtcpType type() const noexcept { return static_cast<RtcpType>(bytes_[1]); }
    /// Contents after the 4-byte header, without padding.
    [[nodiscard]] std::span<const std::uint8_t> body() const noexcept { return body_; }
    /// The whole packet including header and padding.
    [[nodiscard]] std::span<const std::uint8_t> bytes() const noexcept { return bytes_; }

private:
    std::span<const std::uint8_t> bytes_;
    std::span<const std::uint8_t> body_;
};

/// A validated compound RTCP datagram (RFC 3550 §6.1, checks of §A.2), iterable packet by
/// packet. Borrows the datagram.
class RtcpCompound {
public:
    /// Validates: every packet version 2; the first is SR or RR without padding; padding only
    /// on the last; lengths add up to the datagram size. Errors: truncated, bad_version,
    /// rtcp_first_not_report, rtcp_padding_not_last, rtcp_bad_length, bad_padding.
    [[nodiscard]] static Result<RtcpCompound> parse(
        std::span<const std::uint8_t> datagram) noexcept;

    class Iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = RtcpPacketView;
        using difference_type = std::ptrdiff_t;
        using pointer = const RtcpPacketView*;
        using reference = const RtcpPacketView&;

        Iterator() = default;
        explicit Iterator(std::span<const std::uint8_t> rest) noexcept;
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
        RtcpPacketView current_;
    };

    [[nodiscard]] Iterator begin() const noexcept { return Iterator{bytes_}; }
    [[nodiscard]] Iterator end() const noexcept { return Iterator{bytes_.subspan(bytes_.size())}; }
    [[nodiscard]] std::span<const std::uint8_t> bytes() const noexcept { return bytes_; }

private:
    std::span<const std::uint8_t> bytes_;
};

/// One reception report block (RFC 3550 §6.4.1).
struct ReportBlock {
    std::uint32_t ssrc = 0;                       ///< source this block reports on
    std::uint8_t fraction_lost = 0;               ///< fixed point /256, since the last report
    std::int32_t cumulative_lost = 0;             ///< 24-bit signed on the wire
    std::uint32_t extended_highest_sequence = 0;  ///< cycles << 16 | highest seq
    std::uint32_t jitter = 0;                     ///< interarrival jitter, timestamp units
    std::uint32_t last_sr = 0;                    ///< LSR: middle 32 bits of the last SR NTP time
    std::uint32_t delay_since_last_sr = 0;        ///< DLSR, units of 1/65536 s

    friend bool operator==(const ReportBlock&, const ReportBlock&) = default;
};

/// Sender information of an SR (RFC 3550 §6.4.1).
struct SenderInfo {
    std::uint64_t ntp_timestamp = 0;
    std::uint32_t rtp_timestamp = 0;
    std::uint32_t packet_count = 0;
    std::uint32_t octet_count = 0;

    friend bool operator==(const SenderInfo&, const SenderInfo&) = default;
};

/// Sender report (PT 200).
struct SenderReport {
    std::uint32_t ssrc = 0;
    SenderInfo sender;
    std::vector<ReportBlock> reports;     ///< at most 31
    std::vector<std::uint8_t> extension;  ///< profile-specific extension, multiple of 4

    /// Errors: rtcp_wrong_type, rtcp_bad_count.
    [[nodiscard]] static Result<SenderReport> parse(const RtcpPacketView& packet);
    [[nodiscard]] std::size_t serialized_size() const noexcept;
    /// Errors: buffer_too_small, value_out_of_range (> 31 blocks, extension not 4-aligned).
    [[nodiscard]] Result<std::size_t> serialize_to(std::span<std::uint8_t> out) const noexcept;
};

/// Receiver report (PT 201).
struct ReceiverReport {
    std::uint32_t ssrc = 0;
    std::vector<ReportBlock> reports;
    std::vector<std::uint8_t> extension;

    [[nodiscard]] static Result<ReceiverReport> parse(const RtcpPacketView& packet);
    [[nodiscard]] std::size_t serialized_size() const noexcept;
    [[nodiscard]] Result<std::size_t> serialize_to(std::span<std::uint8_t> out) const noexcept;
};

/// SDES item types (RFC 3550 §6.5).
enum class SdesType : std::uint8_t {
    end = 0,
    cname = 1,
    name = 2,
    email = 3,
    phone = 4,
    loc = 5,
    tool = 6,
    note = 7,
    priv = 8
};

/// One SDES item; types other than those listed are kept as numbers.
struct SdesItem {
    std::uint8_t type = 0;
    std::string value;  ///< at most 255 bytes

    friend bool operator==(const SdesItem&, const SdesItem&) = default;
};

/// The items describing one source.
struct SdesChunk {
    std::uint32_t ssrc = 0;
    std::vector<SdesItem> items;

    /// The CNAME item, if present.
    [[nodiscard]] std::optional<std::string_view> cname() const noexcept;
    friend bool operator==(const SdesChunk&, const SdesChunk&) = default;
};

/// Source description (PT 202).
struct Sdes {
    std::vector<SdesChunk> chunks;

    /// Errors: rtcp_wrong_type, rtcp_bad_sdes, rtcp_bad_count.
    [[nodiscard]] static Result<Sdes> parse(const RtcpPacketView& packet);
    [[nodiscard]] std::size_t serialized_size() const noexcept;
    [[nodiscard]] Result<std::size_t> serialize_to(std::span<std::uint8_t> out) const noexcept;
};

/// Goodbye (PT 203).
struct Bye {
    std::vector<std::uint32_t> ssrcs;
    std::string reason;  ///< empty = no reason; at most 255 bytes

    /// Errors: rtcp_wrong_type, rtcp_bad_count, rtcp_bad_length.
    [[nodiscard]] static Result<Bye> parse(const RtcpPacketView& packet);
    [[nodiscard]] std::size_t serialized_size() const noexcept;
    [[nodiscard]] Result<std::size_t> serialize_to(std::span<std::uint8_t> out) const noexcept;
};

/// Appends RTCP packets into a caller's buffer to form a compound packet (RFC 3550 §6.1):
/// the first must be SR or RR. Nothing is allocated.
class RtcpCompoundBuilder {
public:
    explicit RtcpCompoundBuilder(std::span<std::uint8_t> buffer) noexcept : buffer_(buffer) {}

    /// Each append fails with rtcp_first_not_report if it is not SR/RR and nothing was added
    /// yet, or with the packet's own serialize error; on error nothing is appended.
    Result<void> append(const SenderReport& sr) noexcept;
    Result<void> append(const ReceiverReport& rr) noexcept;
    Result<void> append(const Sdes& sdes) noexcept;
    Result<void> append(const Bye& bye) noexcept;

    /// Bytes written so far.
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] std::span<const std::uint8_t> bytes() const noexcept {
        return buffer_.first(size_);
    }

private:
    template <class T>
    Result<void> append_any(const T& packet, bool is_report) noexcept;

    std::span<std::uint8_t> buffer_;
    std::size_t size_ = 0;
};

// ---- NTP time (RFC 3550 §4) ---------------------------------------------------------------

/// 64-bit NTP timestamp (seconds since 1900 in the high 32 bits, fraction in the low 32) of
/// a wall-clock time.
[[nodiscard]] std::uint64_t to_ntp(std::chrono::system_clock::time_point time) noexcept;
/// Inverse of to_ntp (to microsecond precision); NTP era 0 only.
[[nodiscard]] std::chrono::system_clock::time_point from_ntp(std::uint64_t ntp) noexcept;
/// RFC 3550 §6.4.1: LSR is the middle 32 bits of the SR's NTP timestamp.
[[nodiscard]] constexpr std::uint32_t ntp_middle32(std::uint64_t ntp) noexcept {
    return static_cast<std::uint32_t>(ntp >> 16);
}
/// A duration in the 1/65536-second units of DLSR (saturating; negative → 0).
[[nodiscard]] std::uint32_t to_ntp_short(std::chrono::nanoseconds duration) noexcept;
/// A 1/65536-second quantity as a duration.
[[nodiscard]] std::chrono::microseconds from_ntp_short(std::uint32_t units) noexcept;
/// RFC 3550 §6.4.1: round-trip time = A - LSR - DLSR, with A the middle 32 bits of the NTP
/// time the report block arrived. Nothing if LSR is 0 (no SR received yet) or the result
/// would be negative (clock trouble).
[[nodiscard]] std::optional<std::chrono::microseconds> round_trip_time(
    std::uint32_t arrival_middle32, std::uint32_t last_sr,
    std::uint32_t delay_since_last_sr) noexcept;

}  // namespace voip::rtp
