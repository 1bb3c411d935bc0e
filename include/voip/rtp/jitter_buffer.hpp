#pragma once
/// @file
/// An adaptive jitter buffer for audio: packets go in as they arrive (any order), one frame
/// comes out per frame period. Pure: the caller supplies arrival times and calls pop() on its
/// own clock, so the buffer is deterministic and testable without sleeping.
///
/// @code
///   voip::rtp::JitterBuffer jb{{.frame = 20ms}};
///   jb.push(view, steady_clock::now());               // on every received RTP packet
///   auto f = jb.pop();                                // every 20 ms
///   switch (f.kind) {
///       case Frame::Kind::audio:     decode(f.payload); break;
///       case Frame::Kind::lost:      conceal(); break;      // codec PLC
///       case Frame::Kind::buffering: play_silence_or_conceal(); break;
///   }
/// @endcode
///
/// Playout follows sequence numbers (one packet = one frame of `Config::frame`). The depth
/// target follows the interarrival jitter (RFC 3550 §A.8 estimator): about 3 × jitter + one
/// frame, clamped to [min_delay, max_delay]. The buffer grows by holding playout for a frame
/// and shrinks by one frame when it stayed deeper than needed for a whole window. It does not
/// drop that frame by itself: 20 ms cut out of a word is audible (and throws a stateful
/// decoder out of step), so it says shrink_due() and the caller, which hears the audio, leaves
/// out a frame where the far end is quiet (AudioCall: between words) and calls pop_extra().
/// Memory: `capacity` slots whose payload room grows to the largest payload seen so far (in 64-byte
/// steps, at most `max_payload`): 32 × 192 bytes for 20 ms G.711, not 32 × an MTU. A push only
/// allocates when a payload is larger than any before it, so a steady stream never does.

#include <voip/rtp/packet.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace voip::rtp {

class JitterBuffer {
public:
    using Clock = std::chrono::steady_clock;

    struct Config {
        std::uint32_t clock_rate = 8000;              ///< RTP timestamp rate of the payload
        std::chrono::milliseconds frame{20};          ///< media duration of one packet (ptime)
        std::chrono::milliseconds min_delay{20};      ///< lower bound of the target depth
        std::chrono::milliseconds max_delay{200};     ///< upper bound of the target depth
        std::chrono::milliseconds initial_delay{60};  ///< target before jitter is measured
        std::size_t capacity = 32;                    ///< packets held at most (> max_delay/frame)
        std::size_t max_payload = 1500;               ///< largest payload accepted, bytes
        std::size_t adapt_window = 50;                ///< pops observed before shrinking
        /// A transit-time jump larger than this is a timestamp discontinuity, not jitter.
        std::chrono::milliseconds timestamp_jump{3000};
    };

    enum class PushResult {
        accepted,
        duplicate,  ///< that sequence number is already buffered
        late,       ///< its playout time has passed (played, concealed or discarded)
        too_large,  ///< payload larger than Config::max_payload
    };

    /// One frame period of output.
    struct Frame {
        enum class Kind {
            audio,      ///< a packet: decode payload
            lost,       ///< the packet for this period is missing: conceal (PLC)
            buffering,  ///< nothing to play yet (start, underrun or growing): silence or PLC
        };
        Kind kind = Kind::buffering;
        std::span<const std::uint8_t> payload;  ///< valid until the next push() or pop()
        /// Lost frames: the payload of the packet right after the gap when it is already here
        /// (for codec FEC, e.g. Opus LBRR, RFC 7587 §3.3); empty otherwise. Same lifetime.
        std::span<const std::uint8_t> next_payload;
        std::uint16_t sequence = 0;     ///< audio and lost frames
        std::uint32_t timestamp = 0;    ///< audio frames
        std::uint8_t payload_type = 0;  ///< audio frames
        bool marker = false;            ///< audio frames: start of a talkspurt
    };

    struct Statistics {
        std::uint64_t received = 0;   ///< packets accepted
        std::uint64_t late = 0;       ///< packets dropped as late
        std::uint64_t duplicate = 0;  ///< packets dropped as duplicates
        std::uint64_t too_large = 0;  ///< packets dropped for size
        std::uint64_t played = 0;     ///< audio frames returned
        std::uint64_t lost = 0;       ///< lost frames returned (concealed)
        std::uint64_t buffering = 0;  ///< buffering frames returned while playing (underrun/grow)
        std::uint64_t underruns = 0;  ///< times playout ran dry and re-buffered
        std::uint64_t discarded = 0;  ///< frames left out to shrink depth, or dropped on overflow
        std::uint64_t resyncs = 0;    ///< restarts on SSRC change or sequence jump
        std::chrono::milliseconds depth{0};         ///< frames buffered ahead of playout
        std::chrono::milliseconds target_depth{0};  ///< current adaptive target
        std::chrono::microseconds jitter{0};        ///< RFC 3550 §A.8 estimate
    };

    /// Throws std::invalid_argument on an inconsistent configuration (programmer error).
    explicit JitterBuffer(Config config);
    JitterBuffer() : JitterBuffer(Config{}) {}

    /// Adds a received packet. A new SSRC or a sequence jump beyond what the buffer can hold
    /// resynchronises (flushes and starts buffering again) and accepts the packet.
    PushResult push(const PacketView& packet, Clock::time_point arrival);
    /// Same, from fields.
    PushResult push(std::uint32_t ssrc, std::uint16_t sequence, std::uint32_t timestamp,
                    std::uint8_t payload_type, bool marker, std::span<const std::uint8_t> payload,
                    Clock::time_point arrival);

    /// The next frame; call once per frame period.
    Frame pop();

    /// One frame of delay is no longer needed: the depth stayed above target + 1 for a whole
    /// adaptation window. Stays set until pop_extra() or the next window says otherwise.
    [[nodiscard]] bool shrink_due() const noexcept { return shrink_due_; }
    /// Shrinks by one frame: a second frame in the same period, for a caller that leaves out
    /// the one pop() just gave (decoded, so its codec stays in step, but not played: it was
    /// quiet) and plays this one in its place. Counted in `discarded` as well as where pop()
    /// counts it. Returns a buffering frame and changes nothing if no shrink is due any more
    /// (the jitter grew back since the window ended).
    Frame pop_extra();

    /// A hint, no effect on the buffer: starts loading into the CPU cache what the next pop()
    /// reads (the slot due and its payload), for a caller that will pop soon.
    void prefetch_next() const noexcept;
    /// The same for the next push() in sequence: the slot and payload storage of the packet
    /// after the highest one received.
    void prefetch_arrival() const noexcept;

    [[nodiscard]] Statistics statistics() const noexcept;
    /// Frames between playout and the newest packet (holes included).
    [[nodiscard]] std::size_t depth_frames() const noexcept;
    [[nodiscard]] std::size_t target_frames() const noexcept { return target_; }
    /// Bytes of payload storage held (capacity × the largest payload so far, rounded up).
    [[nodiscard]] std::size_t storage_bytes() const noexcept { return storage_.size(); }

    /// Forgets all packets and starts over (statistics are kept).
    void reset() noexcept;

private:
    struct Slot {
        bool used = false;
        std::int64_t index = 0;
        std::uint32_t timestamp = 0;
        std::uint8_t payload_type = 0;
        bool marker = false;
        std::size_t size = 0;
    };

    void resync(std::int64_t index) noexcept;
    Frame play_next();
    void update_jitter(std::uint32_t timestamp, Clock::time_point arrival) noexcept;
    void update_target() noexcept;
    [[nodiscard]] std::size_t frames_of(std::chrono::microseconds duration) const noexcept;
    Slot& slot(std::int64_t index) noexcept;
    [[nodiscard]] std::uint8_t* storage(std::int64_t index) noexcept;
    void reserve_stride(std::size_t size);

    Config config_;
    std::vector<Slot> slots_;
    std::vector<std::uint8_t> storage_;  // slots_.size() × stride_ bytes
    std::size_t stride_ = 0;             // payload room per slot: the largest payload so far
    Statistics stats_;

    bool started_ = false;   // a packet has arrived since the last (re)sync
    bool playing_ = false;   // playout has begun since the last (re)sync
    bool buffering_ = true;  // waiting for depth to reach the target
    std::uint32_t ssrc_ = 0;
    std::int64_t next_ = 0;     // extended sequence number to play next
    std::int64_t highest_ = 0;  // highest extended sequence number received
    std::size_t target_ = 1;    // target depth in frames

    // Jitter (RFC 3550 §A.8), in microseconds, from the previous packet's arrival/timestamp.
    bool have_previous_ = false;
    Clock::time_point previous_arrival_{};
    std::uint32_t previous_timestamp_ = 0;
    double jitter_us_ = 0.0;
    std::size_t jitter_samples_ = 0;

    // Depth adaptation window.
    std::size_t window_pops_ = 0;
    std::size_t window_min_depth_ = 0;
    bool shrink_due_ = false;
};

}  // namespace voip::rtp
