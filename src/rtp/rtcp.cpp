#include <voip/rtp/packet.hpp>
#include <voip/rtp/rtcp.hpp>

#include <algorithm>
#include <cstring>
#include <limits>

namespace voip::rtp {

using detail::load_u16;
using detail::load_u24;
using detail::load_u32;
using detail::store_u16;
using detail::store_u24;
using detail::store_u32;

namespace {

constexpr std::size_t report_block_size = 24;
constexpr std::size_t sender_info_size = 20;

constexpr std::size_t round_up4(std::size_t n) noexcept {
    return (n + 3) & ~std::size_t{3};
}

// The common header: V=2, P=0, count, PT, length in 32-bit words minus one (RFC 3550 §6.4.1).
void write_common_header(std::uint8_t* b, std::size_t count, RtcpType type,
                         std::size_t size) noexcept {
    b[0] = static_cast<std::uint8_t>(0x80U | count);
    b[1] = static_cast<std::uint8_t>(type);
    store_u16(b + 2, static_cast<std::uint16_t>(size / 4 - 1));
}

ReportBlock read_report_block(const std::uint8_t* p) noexcept {
    ReportBlock r;
    r.ssrc = load_u32(p);
    r.fraction_lost = p[4];
    const std::uint32_t lost = load_u24(p + 5);
    // 24-bit two's complement: sign-extend (RFC 3550 §6.4.1 says the field is signed).
    r.cumulative_lost = (lost & 0x800000U) != 0 ? static_cast<std::int32_t>(lost) - 0x1000000
                                                : static_cast<std::int32_t>(lost);
    r.extended_highest_sequence = load_u32(p + 8);
    r.jitter = load_u32(p + 12);
    r.last_sr = load_u32(p + 16);
    r.delay_since_last_sr = load_u32(p + 20);
    return r;
}

void write_report_block(std::uint8_t* p, const ReportBlock& r) noexcept {
    store_u32(p, r.ssrc);
    p[4] = r.fraction_lost;
    // RFC 3550 §A.3: clamp the cumulative loss to what 24 signed bits can carry.
    const std::int32_t lost = std::clamp<std::int32_t>(r.cumulative_lost, -0x800000, 0x7FFFFF);
    store_u24(p + 5, static_cast<std::uint32_t>(lost) & 0xFFFFFFU);
    store_u32(p + 8, r.extended_highest_sequence);
    store_u32(p + 12, r.jitter);
    store_u32(p + 16, r.last_sr);
    store_u32(p + 20, r.delay_since_last_sr);
}

Result<std::vector<ReportBlock>> read_report_blocks(std::span<const std::uint8_t> body,
                                                    std::size_t count) {
    if (body.size() < count * report_block_size) return Error::rtcp_bad_count;
    std::vector<ReportBlock> blocks;
    blocks.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        blocks.push_back(read_report_block(body.data() + i * report_block_size));
    }
    return blocks;
}

// Checks what SR and RR share before writing; returns the packet size.
Result<std::size_t> check_report(std::size_t fixed, std::size_t blocks, std::size_t extension,
                                 std::size_t out_size) noexcept {
    if (blocks > max_rtcp_count || extension % 4 != 0) return Error::value_out_of_range;
    const std::size_t size = rtcp_header_size + fixed + blocks * report_block_size + extension;
    if (size / 4 - 1 > 0xFFFF) return Error::value_out_of_range;
    if (out_size < size) return Error::buffer_too_small;
    return size;
}

std::size_t sdes_chunk_size(const SdesChunk& chunk) noexcept {
    std::size_t size = 4;
    for (const auto& item : chunk.items)
        size += 2 + item.value.size();
    return round_up4(size + 1);  // at least one null octet ends the item list (RFC 3550 §6.5)
}

}  // namespace

// ---- single packet and compound ------------------------------------------------------------

Result<RtcpPacketView> RtcpPacketView::parse(std::span<const std::uint8_t> bytes) noexcept {
    if (bytes.size() < rtcp_header_size) return Error::truncated;
    if ((bytes[0] >> 6) != 2) return Error::bad_version;
    const std::size_t size = (std::size_t{load_u16(&bytes[2])} + 1) * 4;
    if (size > bytes.size()) return Error::rtcp_bad_length;
    std::size_t pad = 0;
    if ((bytes[0] & 0x20) != 0) {
        // RFC 3550 §6.4.1: the last octet of the padding counts the octets to ignore.
        pad = bytes[size - 1];
        if (pad == 0 || pad > size - rtcp_header_size) return Error::bad_padding;
    }
    RtcpPacketView view;
    view.bytes_ = bytes.first(size);
    view.body_ = bytes.subspan(rtcp_header_size, size - rtcp_header_size - pad);
    return view;
}

Result<RtcpCompound> RtcpCompound::parse(std::span<const std::uint8_t> datagram) noexcept {
    if (datagram.size() < rtcp_header_size) return Error::truncated;
    // RFC 3550 §A.2: the first packet must be SR or RR.
    if ((datagram[0] >> 6) != 2) return Error::bad_version;
    if (datagram[1] != static_cast<std::uint8_t>(RtcpType::sr) &&
        datagram[1] != static_cast<std::uint8_t>(RtcpType::rr)) {
        return Error::rtcp_first_not_report;
    }
    std::span<const std::uint8_t> rest = datagram;
    while (!rest.empty()) {
        auto packet = RtcpPacketView::parse(rest);
        if (!packet) return packet.error();
        rest = rest.subspan(packet->bytes().size());
        // RFC 3550 §A.2: only the last packet of a compound may carry padding.
        if (packet->has_padding() && !rest.empty()) return Error::rtcp_padding_not_last;
    }
    RtcpCompound compound;
    compound.bytes_ = datagram;
    return compound;
}

RtcpCompound::Iterator::Iterator(std::span<const std::uint8_t> rest) noexcept : rest_(rest) {
    if (auto packet = RtcpPacketView::parse(rest_)) current_ = *packet;
}

RtcpCompound::Iterator& RtcpCompound::Iterator::operator++() noexcept {
    rest_ = rest_.subspan(current_.bytes().size());
    current_ = {};
    if (auto packet = RtcpPacketView::parse(rest_)) current_ = *packet;
    return *this;
}

// ---- SR / RR -------------------------------------------------------------------------------

Result<SenderReport> SenderReport::parse(const RtcpPacketView& packet) {
    if (packet.type() != RtcpType::sr) return Error::rtcp_wrong_type;
    const auto body = packet.body();
    if (body.size() < 4 + sender_info_size) return Error::rtcp_bad_count;
    SenderReport sr;
    sr.ssrc = load_u32(body.data());
    sr.sender.ntp_timestamp =
        (std::uint64_t{load_u32(body.data() + 4)} << 32) | load_u32(body.data() + 8);
    sr.sender.rtp_timestamp = load_u32(body.data() + 12);
    sr.sender.packet_count = load_u32(body.data() + 16);
    sr.sender.octet_count = load_u32(body.data() + 20);
    auto blocks = read_report_blocks(body.subspan(24), packet.count());
    if (!blocks) return blocks.error();
    sr.reports = std::move(*blocks);
    const auto ext = body.subspan(24 + packet.count() * report_block_size);
    sr.extension.assign(ext.begin(), ext.end());
    return sr;
}

std::size_t SenderReport::serialized_size() const noexcept {
    return rtcp_header_size + 4 + sender_info_size + reports.size() * report_block_size +
           extension.size();
}

Result<std::size_t> SenderReport::serialize_to(std::span<std::uint8_t> out) const noexcept {
    auto size = check_report(4 + sender_info_size, reports.size(), extension.size(), out.size());
    if (!size) return size.error();
    std::uint8_t* b = out.data();
    write_common_header(b, reports.size(), RtcpType::sr, *size);
    store_u32(b + 4, ssrc);
    store_u32(b + 8, static_cast<std::uint32_t>(sender.ntp_timestamp >> 32));
    store_u32(b + 12, static_cast<std::uint32_t>(sender.ntp_timestamp));
    store_u32(b + 16, sender.rtp_timestamp);
    store_u32(b + 20, sender.packet_count);
    store_u32(b + 24, sender.octet_count);
    std::size_t at = 28;
    for (const auto& r : reports) {
        write_report_block(b + at, r);
        at += report_block_size;
    }
    if (!extension.empty()) std::memcpy(b + at, extension.data(), extension.size());
    return *size;
}

Result<ReceiverReport> ReceiverReport::parse(const RtcpPacketView& packet) {
    if (packet.type() != RtcpType::rr) return Error::rtcp_wrong_type;
    const auto body = packet.body();
    if (body.size() < 4) return Error::rtcp_bad_count;
    ReceiverReport rr;
    rr.ssrc = load_u32(body.data());
    auto blocks = read_report_blocks(body.subspan(4), packet.count());
    if (!blocks) return blocks.error();
    rr.reports = std::move(*blocks);
    const auto ext = body.subspan(4 + packet.count() * report_block_size);
    rr.extension.assign(ext.begin(), ext.end());
    return rr;
}

std::size_t ReceiverReport::serialized_size() const noexcept {
    return rtcp_header_size + 4 + reports.size() * report_block_size + extension.size();
}

Result<std::size_t> ReceiverReport::serialize_to(std::span<std::uint8_t> out) const noexcept {
    auto size = check_report(4, reports.size(), extension.size(), out.size());
    if (!size) return size.error();
    std::uint8_t* b = out.data();
    write_common_header(b, reports.size(), RtcpType::rr, *size);
    store_u32(b + 4, ssrc);
    std::size_t at = 8;
    for (const auto& r : reports) {
        write_report_block(b + at, r);
        at += report_block_size;
    }
    if (!extension.empty()) std::memcpy(b + at, extension.data(), extension.size());
    return *size;
}

// ---- SDES ----------------------------------------------------------------------------------

std::optional<std::string_view> SdesChunk::cname() const noexcept {
    for (const auto& item : items) {
        if (item.type == static_cast<std::uint8_t>(SdesType::cname)) return item.value;
    }
    return std::nullopt;
}

Result<Sdes> Sdes::parse(const RtcpPacketView& packet) {
    if (packet.type() != RtcpType::sdes) return Error::rtcp_wrong_type;
    const auto body = packet.body();
    Sdes sdes;
    sdes.chunks.reserve(packet.count());
    std::size_t at = 0;
    for (std::size_t c = 0; c < packet.count(); ++c) {
        if (at + 4 > body.size()) return Error::rtcp_bad_count;
        SdesChunk chunk;
        chunk.ssrc = load_u32(body.data() + at);
        at += 4;
        // RFC 3550 §6.5: items until a null octet, then null octets up to a 32-bit boundary.
        while (true) {
            if (at >= body.size()) return Error::rtcp_bad_sdes;
            const std::uint8_t type = body[at];
            if (type == 0) {
                at = round_up4(at + 1);
                if (at > body.size()) return Error::rtcp_bad_sdes;
                break;
            }
            if (at + 2 > body.size()) return Error::rtcp_bad_sdes;
            const std::size_t length = body[at + 1];
            if (at + 2 + length > body.size()) return Error::rtcp_bad_sdes;
            const auto* text = reinterpret_cast<const char*>(body.data() + at + 2);
            chunk.items.push_back(SdesItem{type, std::string(text, length)});
            at += 2 + length;
        }
        sdes.chunks.push_back(std::move(chunk));
    }
    return sdes;
}

std::size_t Sdes::serialized_size() const noexcept {
    std::size_t size = rtcp_header_size;
    for (const auto& chunk : chunks)
        size += sdes_chunk_size(chunk);
    return size;
}

Result<std::size_t> Sdes::serialize_to(std::span<std::uint8_t> out) const noexcept {
    if (chunks.size() > max_rtcp_count) return Error::value_out_of_range;
    for (const auto& chunk : chunks) {
        for (const auto& item : chunk.items) {
            if (item.type == 0 || item.value.size() > 255) return Error::value_out_of_range;
        }
    }
    const std::size_t size = serialized_size();
    if (size / 4 - 1 > 0xFFFF) return Error::value_out_of_range;
    if (out.size() < size) return Error::buffer_too_small;
    std::uint8_t* b = out.data();
    write_common_header(b, chunks.size(), RtcpType::sdes, size);
    std::size_t at = rtcp_header_size;
    for (const auto& chunk : chunks) {
        const std::size_t end = at + sdes_chunk_size(chunk);
        store_u32(b + at, chunk.ssrc);
        at += 4;
        for (const auto& item : chunk.items) {
            b[at] = item.type;
            b[at + 1] = static_cast<std::uint8_t>(item.value.size());
            std::copy(item.value.begin(), item.value.end(), b + at + 2);
            at += 2 + item.value.size();
        }
        std::memset(b + at, 0, end - at);  // end of list and padding to the 32-bit boundary
        at = end;
    }
    return size;
}

// ---- BYE -----------------------------------------------------------------------------------

Result<Bye> Bye::parse(const RtcpPacketView& packet) {
    if (packet.type() != RtcpType::bye) return Error::rtcp_wrong_type;
    const auto body = packet.body();
    const std::size_t ids = std::size_t{packet.count()} * 4;
    if (body.size() < ids) return Error::rtcp_bad_count;
    Bye bye;
    bye.ssrcs.reserve(packet.count());
    for (std::size_t i = 0; i < ids; i += 4)
        bye.ssrcs.push_back(load_u32(body.data() + i));
    if (body.size() > ids) {
        // RFC 3550 §6.6: optional length octet and reason text.
        const std::size_t length = body[ids];
        if (ids + 1 + length > body.size()) return Error::rtcp_bad_length;
        bye.reason.assign(reinterpret_cast<const char*>(body.data() + ids + 1), length);
    }
    return bye;
}

std::size_t Bye::serialized_size() const noexcept {
    return rtcp_header_size + 4 * ssrcs.size() +
           (reason.empty() ? 0 : round_up4(1 + reason.size()));
}

Result<std::size_t> Bye::serialize_to(std::span<std::uint8_t> out) const noexcept {
    if (ssrcs.size() > max_rtcp_count || reason.size() > 255) return Error::value_out_of_range;
    const std::size_t size = serialized_size();
    if (out.size() < size) return Error::buffer_too_small;
    std::uint8_t* b = out.data();
    write_common_header(b, ssrcs.size(), RtcpType::bye, size);
    std::size_t at = rtcp_header_size;
    for (auto id : ssrcs) {
        store_u32(b + at, id);
        at += 4;
    }
    if (!reason.empty()) {
        b[at] = static_cast<std::uint8_t>(reason.size());
        std::memcpy(b + at + 1, reason.data(), reason.size());
        std::memset(b + at + 1 + reason.size(), 0, size - (at + 1 + reason.size()));
    }
    return size;
}

// ---- builder -------------------------------------------------------------------------------

template <class T>
Result<void> RtcpCompoundBuilder::append_any(const T& packet, bool is_report) noexcept {
    // RFC 3550 §6.1: a compound packet starts with SR or RR.
    if (size_ == 0 && !is_report) return Error::rtcp_first_not_report;
    auto written = packet.serialize_to(buffer_.subspan(size_));
    if (!written) return written.error();
    size_ += *written;
    return {};
}

Result<void> RtcpCompoundBuilder::append(const SenderReport& sr) noexcept {
    return append_any(sr, true);
}
Result<void> RtcpCompoundBuilder::append(const ReceiverReport& rr) noexcept {
    return append_any(rr, true);
}
Result<void> RtcpCompoundBuilder::append(const Sdes& sdes) noexcept {
    return append_any(sdes, false);
}
Result<void> RtcpCompoundBuilder::append(const Bye& bye) noexcept {
    return append_any(bye, false);
}

// ---- NTP time ------------------------------------------------------------------------------

namespace {
// Seconds from 1900-01-01 (NTP era 0) to 1970-01-01 (Unix epoch).
constexpr std::uint64_t ntp_unix_offset = 2208988800ULL;
constexpr std::uint64_t nanos_per_second = 1'000'000'000ULL;
}  // namespace

std::uint64_t to_ntp(std::chrono::system_clock::time_point time) noexcept {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch());
    const auto count = static_cast<std::uint64_t>(std::max<std::int64_t>(ns.count(), 0));
    const std::uint64_t seconds = count / nanos_per_second + ntp_unix_offset;
    const std::uint64_t fraction = ((count % nanos_per_second) << 32) / nanos_per_second;
    return (seconds << 32) | fraction;
}

std::chrono::system_clock::time_point from_ntp(std::uint64_t ntp) noexcept {
    const auto seconds =
        static_cast<std::int64_t>(ntp >> 32) - static_cast<std::int64_t>(ntp_unix_offset);
    const auto micros = static_cast<std::int64_t>(((ntp & 0xFFFFFFFFULL) * 1'000'000ULL) >> 32);
    return std::chrono::system_clock::time_point{
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::seconds{seconds} + std::chrono::microseconds{micros})};
}

std::uint32_t to_ntp_short(std::chrono::nanoseconds duration) noexcept {
    if (duration.count() <= 0) return 0;
    const auto count = static_cast<std::uint64_t>(duration.count());
    const std::uint64_t seconds = count / nanos_per_second;
    if (seconds >= 0x10000) return std::numeric_limits<std::uint32_t>::max();
    return static_cast<std::uint32_t>((seconds << 16) +
                                      ((count % nanos_per_second) << 16) / nanos_per_second);
}

std::chrono::microseconds from_ntp_short(std::uint32_t units) noexcept {
    return std::chrono::microseconds{
        static_cast<std::int64_t>((std::uint64_t{units} * 1'000'000ULL) >> 16)};
}

std::optional<std::chrono::microseconds> round_trip_time(
    std::uint32_t arrival_middle32, std::uint32_t last_sr,
    std::uint32_t delay_since_last_sr) noexcept {
    // RFC 3550 §6.4.1: LSR 0 means no SR has been received, so no RTT can be computed.
    if (last_sr == 0) return std::nullopt;
    // Modular arithmetic copes with the 32-bit wrap of the middle bits (every ~18 hours).
    const std::uint32_t rtt = arrival_middle32 - last_sr - delay_since_last_sr;
    if (rtt > 0x7FFFFFFFU) return std::nullopt;  // negative: clocks or report are off
    return from_ntp_short(rtt);
}

}  // namespace voip::rtp
