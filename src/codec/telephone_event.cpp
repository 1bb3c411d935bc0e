#include <voip/codec/error.hpp>
#include <voip/codec/telephone_event.hpp>

#include <algorithm>
#include <stdexcept>

namespace voip::codec {
namespace {

constexpr std::uint32_t max_segment = 0xFFFF;  // RFC 4733 §2.5.1.3: 16-bit duration field
constexpr std::uint8_t max_dtmf_event = 15;

// RFC 3550 §A.1-style serial comparison of 32-bit timestamps.
bool older(std::uint32_t a, std::uint32_t b) noexcept {
    return static_cast<std::int32_t>(a - b) < 0;
}

}  // namespace

Result<TelephoneEvent> parse_telephone_event(std::span<const std::uint8_t> payload) {
    // RFC 4733 §2.3: event (8) | E (1) R (1) volume (6) | duration (16).
    if (payload.empty()) return Errc::empty_payload;
    if (payload.size() < 4) return Errc::truncated_payload;
    TelephoneEvent e;
    e.event = payload[0];
    e.end = (payload[1] & 0x80U) != 0;
    e.volume = static_cast<std::uint8_t>(payload[1] & 0x3FU);  // R bit ignored on receipt
    e.duration = static_cast<std::uint16_t>((payload[2] << 8U) | payload[3]);
    return e;
}

std::array<std::uint8_t, 4> serialize(const TelephoneEvent& e) noexcept {
    return {e.event, static_cast<std::uint8_t>((e.end ? 0x80U : 0U) | (e.volume & 0x3FU)),
            static_cast<std::uint8_t>(e.duration >> 8U),
            static_cast<std::uint8_t>(e.duration & 0xFFU)};
}

Result<std::uint8_t> dtmf_event_code(char digit) {
    // RFC 4733 §3.2 table 1.
    if (digit >= '0' && digit <= '9') return static_cast<std::uint8_t>(digit - '0');
    if (digit == '*') return std::uint8_t{10};
    if (digit == '#') return std::uint8_t{11};
    if (digit >= 'A' && digit <= 'D') return static_cast<std::uint8_t>(12 + digit - 'A');
    if (digit >= 'a' && digit <= 'd') return static_cast<std::uint8_t>(12 + digit - 'a');
    return Errc::invalid_parameter;
}

char dtmf_digit(std::uint8_t event) noexcept {
    constexpr std::array<char, 16> digits{'0', '1', '2', '3', '4', '5', '6', '7',
                                          '8', '9', '*', '#', 'A', 'B', 'C', 'D'};
    return event <= max_dtmf_event ? digits[event] : '?';
}

Format telephone_event_format(std::uint32_t clock_rate, int payload_type) {
    return Format{.encoding_name = "telephone-event",
                  .clock_rate = clock_rate,
                  .channels = 1,
                  .payload_type = payload_type,
                  .static_payload_type = false,
                  .fmtp = "0-16",  // RFC 4733 §7.1.1: DTMF digits and flash
                  .sample_rate = clock_rate,
                  .frame_duration = std::chrono::milliseconds{20}};
}

// ---- sender ----

DtmfSender::DtmfSender(std::uint32_t clock_rate, std::chrono::milliseconds packet_time)
    : clock_rate_(clock_rate),
      tick_(static_cast<std::uint32_t>(static_cast<std::uint64_t>(clock_rate) *
                                       static_cast<std::uint64_t>(packet_time.count()) / 1000U)) {
    if (packet_time.count() <= 0 || tick_ == 0 || tick_ > max_segment) {
        throw std::invalid_argument("DtmfSender: bad clock rate or packet time");
    }
}

Result<void> DtmfSender::send(char digit, std::uint32_t timestamp,
                              std::chrono::milliseconds duration, std::uint8_t volume,
                              std::chrono::milliseconds gap) {
    const auto code = dtmf_event_code(digit);
    if (!code) return code.error();
    // 24 hours is far beyond any key press; it bounds the arithmetic below.
    if (duration.count() <= 0 || duration.count() > 86'400'000 || gap.count() < 0 ||
        gap.count() > 60'000 || volume > 63) {
        return Errc::invalid_parameter;
    }
    const std::uint64_t ticks = static_cast<std::uint64_t>(duration.count()) * clock_rate_ / 1000U;
    const std::uint64_t gap_ticks = static_cast<std::uint64_t>(gap.count()) * clock_rate_ / 1000U;
    Digit d{};
    d.event = *code;
    d.volume = volume;
    // Whole packet times, at least one: updates go out once per packet time (§2.5.1.2).
    d.total = static_cast<std::uint32_t>(std::max<std::uint64_t>(ticks, tick_));
    d.gap_packets = static_cast<std::uint32_t>((gap_ticks + tick_ - 1) / tick_);
    if (!active()) now_ = timestamp;
    queue_.push_back(d);
    return {};
}

std::optional<TelephoneEventPacket> DtmfSender::next() {
    if (!current_) {
        if (queue_.empty()) return std::nullopt;
        if (gap_left_ > 0) {
            --gap_left_;
            now_ += tick_;
            return std::nullopt;
        }
        const Digit d = queue_.front();
        queue_.erase(queue_.begin());
        current_ = Current{.digit = d, .start = now_, .segment_start = now_};
    }
    Current& c = *current_;
    TelephoneEventPacket packet;
    packet.event.event = c.digit.event;
    packet.event.volume = c.digit.volume;
    now_ += tick_;

    if (c.ends_sent > 0) {
        // RFC 4733 §2.5.1.4: the end packet is sent three times, same timestamp and duration.
        packet.timestamp = c.segment_start;
        packet.event.end = true;
        packet.event.duration = static_cast<std::uint16_t>(c.elapsed - (c.segment_start - c.start));
        if (++c.ends_sent >= end_repeats) {
            current_.reset();
            if (!queue_.empty()) gap_left_ = queue_.front().gap_packets;
        }
        return packet;
    }

    const std::uint32_t elapsed = std::min(c.elapsed + tick_, c.digit.total);
    const std::uint32_t in_segment = elapsed - (c.segment_start - c.start);
    packet.marker = !c.started;  // §2.5.1.1: marker on the first packet of the event only
    c.started = true;
    c.elapsed = elapsed;
    if (in_segment > max_segment) {
        // §2.5.1.3: a long event is cut into segments of 0xFFFF ticks; this packet closes the
        // old one (without E bit), the next starts a new segment at its end, without marker.
        packet.timestamp = c.segment_start;
        packet.event.duration = static_cast<std::uint16_t>(max_segment);
        c.segment_start += max_segment;
        return packet;
    }
    packet.timestamp = c.segment_start;
    packet.event.duration = static_cast<std::uint16_t>(in_segment);
    if (elapsed >= c.digit.total) {
        packet.event.end = true;
        c.ends_sent = 1;
    }
    return packet;
}

// ---- receiver ----

DtmfReceiver::DtmfReceiver(std::uint32_t clock_rate) : clock_rate_(clock_rate) {
    if (clock_rate == 0) throw std::invalid_argument("DtmfReceiver: zero clock rate");
}

DtmfEvent DtmfReceiver::finish(const Active& a) const {
    const std::uint64_t ticks = a.done_segments + a.duration;
    return DtmfEvent{.digit = dtmf_digit(a.event),
                     .duration = std::chrono::milliseconds{ticks * 1000U / clock_rate_},
                     .timestamp = a.timestamp};
}

Result<std::vector<DtmfEvent>> DtmfReceiver::on_packet(std::uint32_t timestamp, bool marker,
                                                       std::span<const std::uint8_t> payload) {
    const auto parsed = parse_telephone_event(payload);
    if (!parsed) return parsed.error();
    const TelephoneEvent& e = *parsed;
    std::vector<DtmfEvent> out;
    if (e.event > max_dtmf_event) return out;  // flash and other events are not key presses

    // Repeated end packets and late updates of an event already reported.
    if (last_ended_ && !older(*last_ended_, timestamp)) return out;

    if (active_) {
        Active& a = *active_;
        if (older(timestamp, a.segment)) return out;  // reordered packet of an old segment
        if (timestamp == a.segment && e.event == a.event) {
            a.duration = std::max(a.duration, e.duration);
            if (e.end) {
                out.push_back(finish(a));
                last_ended_ = a.segment;
                active_.reset();
            }
            return out;
        }
        // §2.5.1.3: the next segment of a long event starts where the last one ended.
        if (!marker && e.event == a.event && timestamp - a.segment == max_segment) {
            a.done_segments += max_segment;
            a.segment = timestamp;
            a.duration = e.duration;
            if (e.end) {
                out.push_back(finish(a));
                last_ended_ = a.segment;
                active_.reset();
            }
            return out;
        }
        // A newer event while this one never ended: its end packets were all lost.
        out.push_back(finish(a));
        last_ended_ = a.segment;
        active_.reset();
    }

    // A new event; its start packet (with marker) may have been lost, so any packet starts it.
    Active a{.timestamp = timestamp,
             .segment = timestamp,
             .event = e.event,
             .done_segments = 0,
             .duration = e.duration};
    if (e.end) {
        out.push_back(finish(a));
        last_ended_ = timestamp;
    } else {
        active_ = a;
    }
    return out;
}

std::optional<DtmfEvent> DtmfReceiver::flush() {
    if (!active_) return std::nullopt;
    const DtmfEvent e = finish(*active_);
    last_ended_ = active_->segment;
    active_.reset();
    return e;
}

}  // namespace voip::codec
