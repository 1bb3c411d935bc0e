#pragma once
// RFC 4733 telephone-event: DTMF digits as RTP named events. Pure state machines (no clock, no
// socket): the sender says what to put on the wire at each packet time, the receiver turns the
// packets it gets (duplicated, reordered, with lost start or end packets) into one event per key
// press. Timestamps and durations are in RTP clock ticks (8000 Hz for telephone-event/8000).

#include <voip/codec/format.hpp>
#include <voip/result.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace voip::codec {

/// One RFC 4733 §2.3 event payload block.
struct TelephoneEvent {
    std::uint8_t event = 0;      ///< 0-9, 10 = '*', 11 = '#', 12-15 = 'A'-'D' (§3.2)
    bool end = false;            ///< E bit: the event has ended
    std::uint8_t volume = 10;    ///< power in -dBm0, 0..63
    std::uint16_t duration = 0;  ///< ticks since the event's RTP timestamp

    friend bool operator==(const TelephoneEvent&, const TelephoneEvent&) = default;
};

/// Parse the first 4-byte block of a telephone-event payload (untrusted).
[[nodiscard]] Result<TelephoneEvent> parse_telephone_event(std::span<const std::uint8_t> payload);
[[nodiscard]] std::array<std::uint8_t, 4> serialize(const TelephoneEvent& event) noexcept;

/// '0'-'9', '*', '#', 'A'-'D' (case-insensitive) → event code; Errc::invalid_parameter else.
[[nodiscard]] Result<std::uint8_t> dtmf_event_code(char digit);
/// Event code 0-15 → its character; '?' for codes outside DTMF.
[[nodiscard]] char dtmf_digit(std::uint8_t event) noexcept;

/// "telephone-event/<clock_rate>", suggested PT 101, fmtp "0-16" (RFC 4733 §7.1.1).
[[nodiscard]] Format telephone_event_format(std::uint32_t clock_rate = 8000,
                                            int payload_type = 101);

/// One packet the sender wants on the wire.
struct TelephoneEventPacket {
    std::uint32_t timestamp = 0;  ///< RTP timestamp: the event's start (§2.5.1.2)
    bool marker = false;          ///< set on the first packet of an event (§2.5.1.1)
    TelephoneEvent event;
    [[nodiscard]] std::array<std::uint8_t, 4> payload() const noexcept { return serialize(event); }
};

/// Sends digits as RFC 4733 events. Call next() once per packet time while active().
class DtmfSender {
public:
    /// `clock_rate` of the negotiated telephone-event, `packet_time` between updates.
    explicit DtmfSender(std::uint32_t clock_rate = 8000,
                        std::chrono::milliseconds packet_time = std::chrono::milliseconds{20});

    /// Queue a digit lasting `duration` (at least one packet time) starting at RTP timestamp
    /// `timestamp` (usually the audio stream's timestamp at that moment). Digits queued while
    /// another plays start right after it, with a gap of `gap`.
    Result<void> send(char digit, std::uint32_t timestamp,
                      std::chrono::milliseconds duration = std::chrono::milliseconds{100},
                      std::uint8_t volume = 10,
                      std::chrono::milliseconds gap = std::chrono::milliseconds{60});

    [[nodiscard]] bool active() const noexcept { return current_.has_value() || !queue_.empty(); }
    /// The packet for this packet time, or nothing when idle (or in a gap between digits).
    [[nodiscard]] std::optional<TelephoneEventPacket> next();

    /// Number of packets with the E bit sent for every event (§2.5.1.4 recommends three).
    static constexpr int end_repeats = 3;

private:
    struct Digit {
        std::uint8_t event;
        std::uint8_t volume;
        std::uint32_t total;        // ticks the key is held
        std::uint32_t gap_packets;  // silent packet times before it when it follows another
    };
    struct Current {
        Digit digit;
        std::uint32_t start;          // RTP timestamp of the event (§2.5.1.2)
        std::uint32_t segment_start;  // RTP timestamp of the current segment (§2.5.1.3)
        std::uint32_t elapsed = 0;    // ticks covered so far, all segments
        bool started = false;
        int ends_sent = 0;
    };
    std::uint32_t clock_rate_;
    std::uint32_t tick_;     // ticks per packet time
    std::uint32_t now_ = 0;  // RTP timestamp of the packet time next() produces
    std::optional<Current> current_;
    std::vector<Digit> queue_;
    std::uint32_t gap_left_ = 0;
};

/// One key press as the receiver saw it.
struct DtmfEvent {
    char digit = '?';
    std::chrono::milliseconds duration{0};
    std::uint32_t timestamp = 0;  ///< RTP timestamp the event started at
    friend bool operator==(const DtmfEvent&, const DtmfEvent&) = default;
};

/// Turns telephone-event packets into key presses, each reported once: on its first end packet
/// (§2.5.1.4, the repeats are absorbed), or when a newer event starts while it was still
/// running (all its end packets lost), or on flush().
class DtmfReceiver {
public:
    explicit DtmfReceiver(std::uint32_t clock_rate = 8000);

    /// Feed one received packet; returns the key presses it completes (usually none or one).
    /// Errors only for malformed payloads, which change no state.
    Result<std::vector<DtmfEvent>> on_packet(std::uint32_t timestamp, bool marker,
                                             std::span<const std::uint8_t> payload);
    /// End of stream (or a long silence): report an event whose end never arrived.
    [[nodiscard]] std::optional<DtmfEvent> flush();

private:
    struct Active {
        std::uint32_t timestamp;  // of the first segment
        std::uint32_t segment;    // timestamp of the current segment
        std::uint8_t event;
        std::uint64_t done_segments;  // ticks in segments before `segment`
        std::uint16_t duration;       // latest duration in the current segment
    };
    [[nodiscard]] DtmfEvent finish(const Active& a) const;

    std::uint32_t clock_rate_;
    std::optional<Active> active_;
    std::optional<std::uint32_t> last_ended_;  // timestamp of the last reported event
};

}  // namespace voip::codec
