#pragma once
/// @file
/// audio::MediaClock: one 20 ms clock per io_context that ticks every call attached to it,
/// the calls spread over phases of the 20 ms grid.
///
/// A paced sender per call with a timer each costs one timer expiry, one epoll wake-up and one
/// context switch per call every 20 ms; with many calls that, not the media work, dominates the
/// CPU (bench/audio_path). The clock keeps one steady_timer on an absolute grid (never
/// "now + period", so lateness does not accumulate); each subscriber keeps its own
/// audio::Pacer (its own catch-up bound and skipped count), started on a point of the grid.
///
/// Phases. The 20 ms period is cut into `phases()` slots (4 by default, 5 ms apart). A new
/// subscriber joins a slot already in use while that holds fewer than 64 (`default_batch`),
/// else the least-populated slot (ties: the one whose next point comes first), and is ticked every
/// 20 ms at its slot's offset: slot s ticks at origin + s × period / phases + n × period. The timer
/// wakes at each occupied slot's point and ticks only that slot's subscribers. Why not one wake-up
/// for all (as this clock first did): with 1,000 calls that is a burst of 1,000 encodes + protects
/// + sendto's (~5 ms) every 20 ms; the far end receives 1,000 packets in a clump, and whatever
/// delays part of the burst (its own burst, a reader behind on other sockets) shows up as RFC 3550
/// interarrival jitter. Spread over K slots the bursts are K times smaller while the cost stays one
/// timer for everyone: at most K × 50 wake-ups a second, far below one timer per call (50 × N/s).
/// Why 4 and not 20 (1 ms apart): bench/concurrent_calls, 500 PCMU+SRTP echo calls, 7–12 runs each:
/// mean jitter 0.8 ms with 1 slot, 0.2 ms with 4, 0.06 ms with 20, but 20 slots cost ~7 % more CPU
/// than 1 or 4 (the far end's thread sleeps and wakes between the small bursts instead of draining
/// one big one), and CPU is what limits the number of calls. Why fill a slot to 64 first: a few
/// calls gain nothing from being spread, and each extra occupied slot costs a wake-up per period
/// (bench/audio_path, 10 PCMU echo-call pairs: library over raw +39–70 % in one slot, +100–161 %
/// spread over 4, +31–44 % with the batch; same run, load 3–4). `set_phases(1)` gives the single
/// burst back.
///
/// A call's first packet goes out at its slot's next point after it attached (at most 20 ms
/// later; at once when the clock was idle) and never on points from before it existed. Each
/// call's RTP timestamps stay its own and continuous; only the moment within the 20 ms at
/// which it sends is chosen by the clock.
///
/// A late wake-up ticks every slot whose point has passed since the last one, oldest first,
/// each at most once (the Pacers catch up the missed points, bounded); so one slot's tick
/// never ticks another slot early.
///
/// It is an Asio service: `MediaClock::of(io)` returns the io_context's clock, created on first
/// use. The timer runs while anyone is attached and stops at the first wake-up after the last
/// one left. Subscribers may attach or detach (themselves or others) from inside a tick.
///
/// Threading: one thread runs the io_context; attach, detach and ticks all happen on it. The
/// clock's timer completes on the io_context's own executor, not on a strand, so a strand does
/// not stand in for that thread here (nor for rtp::Multiplexer's reads).

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <system_error>
#include <utility>
#include <vector>

namespace voip::audio {

class MediaClock final : public asio::io_context::service {
public:
    using Clock = std::chrono::steady_clock;
    /// RTP packet time of every call (20 ms): each subscriber is ticked once per period.
    static constexpr std::chrono::milliseconds period{20};
    /// Slots per period unless set_phases() says otherwise: 5 ms apart.
    static constexpr std::size_t default_phases = 4;
    /// Subscribers a slot in use takes before another slot opens (set_phases()).
    static constexpr std::size_t default_batch = 64;
    /// Most slots per period set_phases() accepts (100 µs apart).
    static constexpr std::size_t max_phases = 200;
    /// Bytes of a subscriber object, from its address, that the clock prefetches two
    /// subscribers ahead of its tick (Subscriber::prepare_media_tick): what the hook reads
    /// belongs there.
    static constexpr std::size_t prefetched_object_bytes = 1024;

    /// Something ticked by the clock (AudioCall holds one).
    class Subscriber {
    public:
        /// A point of this subscriber's slot has come: @p now is the time of the wake-up (at
        /// or after the point).
        virtual void on_media_tick(Clock::time_point now) = 0;
        /// Called while the subscriber ahead of this one in its slot is ticked, when this one's
        /// tick follows: a chance to prefetch what on_media_tick() will touch beyond the first
        /// lines of the subscriber object (which the clock prefetched one subscriber earlier
        /// still). Hints only: it must not change any state. Default: nothing.
        virtual void prepare_media_tick() noexcept {}

    protected:
        Subscriber() = default;
        ~Subscriber() = default;
        Subscriber(const Subscriber&) = default;
        Subscriber& operator=(const Subscriber&) = default;
        Subscriber(Subscriber&&) = default;
        Subscriber& operator=(Subscriber&&) = default;
    };

    /// The clock of @p io (created on first use, destroyed with the io_context).
    static MediaClock& of(asio::io_context& io) { return asio::use_service<MediaClock>(io); }

    /// Asio service identity; construct through of().
    static asio::io_context::id id;
    explicit MediaClock(asio::io_context& io);
    ~MediaClock() override = default;
    MediaClock(const MediaClock&) = delete;
    MediaClock& operator=(const MediaClock&) = delete;
    MediaClock(MediaClock&&) = delete;
    MediaClock& operator=(MediaClock&&) = delete;

    /// Cuts the period into @p count slots (1 = every subscriber in one wake-up); a new
    /// subscriber joins a slot in use while that holds fewer than @p batch, else the least
    /// populated (1 = always the least populated). Only while nobody is attached
    /// (std::logic_error otherwise); @p count must divide the period in nanoseconds and be
    /// 1..max_phases, @p batch at least 1 (std::invalid_argument otherwise).
    void set_phases(std::size_t count, std::size_t batch = default_batch);
    /// Slots per period.
    [[nodiscard]] std::size_t phases() const noexcept { return phases_.size(); }

    /// Ticks @p subscriber from now on, in the least-populated slot; returns the grid point of
    /// its first tick (start an audio::Pacer there; the following ones are period apart).
    /// When nothing was attached the grid restarts at the current time (first tick at once).
    /// Attaching twice is a programmer error (std::logic_error).
    Clock::time_point attach(Subscriber& subscriber);
    /// Stops ticking @p subscriber and frees its place in its slot; no-op if it is not
    /// attached. Safe from inside a tick (a subscriber detached during a tick is not called
    /// after that).
    void detach(Subscriber& subscriber) noexcept;

    /// Subscribers attached now.
    [[nodiscard]] std::size_t subscribers() const noexcept { return attached_; }
    /// Subscribers attached now in slot @p phase (0 if out of range).
    [[nodiscard]] std::size_t subscribers_in_phase(std::size_t phase) const noexcept;
    /// The slot of @p subscriber, if attached.
    [[nodiscard]] std::optional<std::size_t> phase_of(const Subscriber& subscriber) const noexcept;
    /// Timer wake-ups so far while anyone was attached (at most one per occupied slot point).
    [[nodiscard]] std::uint64_t wakeups() const noexcept { return wakeups_; }

    /// Working memory for the subscriber being ticked: @p count samples, or @p count bytes,
    /// valid until the next call of the same function (grown as needed, never shrunk). Shared
    /// by every subscriber because ticks run one at a time on the clock's thread. Why not a
    /// buffer per call: with hundreds of calls each call's own buffer is touched once per
    /// 20 ms and has left the CPU caches by then, so every frame paid cache misses just to
    /// write its scratch; one buffer for all stays in cache (bench/audio_path).
    [[nodiscard]] std::span<float> sample_scratch(std::size_t count);
    [[nodiscard]] std::span<std::uint8_t> byte_scratch(std::size_t count);

private:
    struct Entry {
        Subscriber* subscriber;  // null: detached during a tick, removed after it
        std::uint64_t first;     // grid index of its first tick
    };
    struct Phase {
        std::vector<Entry> entries;
        std::size_t attached = 0;  // non-null entries
    };
    // The grid: point j is at start_ + j × step_, in slot j % phases().

    void shutdown() override;
    [[nodiscard]] Clock::time_point time_of(std::uint64_t index) const noexcept;
    /// Index of the first point at or after @p t.
    [[nodiscard]] std::uint64_t first_index_at_or_after(Clock::time_point t) const noexcept;
    /// Index of the last point at or before @p t (t >= start_).
    [[nodiscard]] std::uint64_t last_index_at_or_before(Clock::time_point t) const noexcept;
    /// The first index >= @p from in slot @p phase.
    [[nodiscard]] std::uint64_t next_index_in(std::size_t phase, std::uint64_t from) const noexcept;
    /// (slot, position in it) of @p subscriber, if attached.
    [[nodiscard]] std::optional<std::pair<std::size_t, std::size_t>> locate(
        const Subscriber& subscriber) const noexcept;
    void tick_phase(std::size_t phase, std::uint64_t index, Clock::time_point now);
    void arm_next();
    void arm(std::uint64_t index);
    void on_timer(std::error_code ec);
    void compact() noexcept;

    asio::steady_timer timer_;
    std::vector<Phase> phases_;
    std::size_t batch_ = default_batch;
    std::chrono::nanoseconds step_;
    Clock::time_point start_{};     // grid origin
    std::uint64_t next_ = 0;        // first grid index not yet ticked (nor skipped)
    std::uint64_t armed_at_ = 0;    // the timer's expiry, when armed_
    std::uint64_t generation_ = 0;  // of the pending wait; an older completion is ignored
    std::size_t attached_ = 0;
    bool armed_ = false;
    bool ticking_ = false;
    bool holes_ = false;
    bool shut_down_ = false;
    std::uint64_t wakeups_ = 0;
    std::vector<float> sample_scratch_;
    std::vector<std::uint8_t> byte_scratch_;
};

}  // namespace voip::audio
