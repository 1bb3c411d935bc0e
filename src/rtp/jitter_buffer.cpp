#include <voip/rtp/jitter_buffer.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "core/prefetch.hpp"

namespace voip::rtp {

namespace {
// A backward jump larger than this is a restarted stream, not a late packet.
constexpr std::int64_t max_misorder = 1000;
}  // namespace

JitterBuffer::JitterBuffer(Config config) : config_(config) {
    if (config_.clock_rate == 0 || config_.frame.count() <= 0 || config_.min_delay.count() < 0 ||
        config_.max_delay < config_.min_delay || config_.adapt_window == 0) {
        throw std::invalid_argument("JitterBuffer: inconsistent delays or rates");
    }
    const auto max_frames = static_cast<std::size_t>(
        (config_.max_delay.count() + config_.frame.count() - 1) / config_.frame.count());
    if (config_.capacity <= max_frames + 1) {
        throw std::invalid_argument("JitterBuffer: capacity must exceed max_delay / frame + 1");
    }
    slots_.resize(config_.capacity);
    // Payload storage is sized by what arrives (see reserve_stride), not max_payload up front:
    // 32 slots of an MTU would be 48 KiB per call for 160-byte G.711 packets.
    target_ = frames_of(config_.initial_delay);
}

std::size_t JitterBuffer::frames_of(std::chrono::microseconds duration) const noexcept {
    const auto clamped =
        std::clamp<std::chrono::microseconds>(duration, config_.min_delay, config_.max_delay);
    const std::chrono::microseconds frame = config_.frame;
    const auto frames =
        static_cast<std::size_t>((clamped + frame - std::chrono::microseconds{1}) / frame);
    return std::max<std::size_t>(frames, 1);
}

JitterBuffer::Slot& JitterBuffer::slot(std::int64_t index) noexcept {
    return slots_[static_cast<std::size_t>(index) % slots_.size()];
}

std::uint8_t* JitterBuffer::storage(std::int64_t index) noexcept {
    return storage_.data() + (static_cast<std::size_t>(index) % slots_.size()) * stride_;
}

void JitterBuffer::reserve_stride(std::size_t size) {
    if (size <= stride_) return;
    // Grow to the new largest payload (rounded up, so a codec whose sizes vary a little settles
    // after a few packets), never beyond max_payload; buffered payloads move to the new layout.
    // Once the stride covers the stream's packets, pushing never allocates again.
    constexpr std::size_t granule = 64;
    const std::size_t stride =
        std::min(config_.max_payload, (size + granule - 1) / granule * granule);
    std::vector<std::uint8_t> grown(slots_.size() * stride);
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        if (slots_[i].used && slots_[i].size > 0) {
            std::memcpy(grown.data() + i * stride, storage_.data() + i * stride_, slots_[i].size);
        }
    }
    storage_ = std::move(grown);
    stride_ = stride;
}

std::size_t JitterBuffer::depth_frames() const noexcept {
    if (!started_ || highest_ < next_) return 0;
    return static_cast<std::size_t>(highest_ - next_ + 1);
}

void JitterBuffer::reset() noexcept {
    for (auto& s : slots_)
        s.used = false;
    started_ = false;
    playing_ = false;
    buffering_ = true;
    have_previous_ = false;
    window_pops_ = 0;
    shrink_due_ = false;
}

void JitterBuffer::resync(std::int64_t index) noexcept {
    reset();
    started_ = true;
    next_ = index;
    highest_ = index;
}

void JitterBuffer::update_jitter(std::uint32_t timestamp, Clock::time_point arrival) noexcept {
    if (have_previous_) {
        // RFC 3550 §A.8: D = (Rj - Ri) - (Sj - Si); J += (|D| - J) / 16. The timestamp
        // difference is taken as signed 32-bit so the RTP clock may wrap.
        const auto ts_delta = static_cast<std::int32_t>(timestamp - previous_timestamp_);
        const double media_us = static_cast<double>(ts_delta) * 1e6 / config_.clock_rate;
        const double arrival_us =
            std::chrono::duration<double, std::micro>(arrival - previous_arrival_).count();
        const double d = std::abs(arrival_us - media_us);
        // A jump of seconds is a timestamp discontinuity (new source clock), not jitter: take
        // this packet as the new reference without feeding the estimate.
        if (d <= std::chrono::duration<double, std::micro>(config_.timestamp_jump).count()) {
            jitter_us_ += (d - jitter_us_) / 16.0;
            ++jitter_samples_;
        }
    }
    have_previous_ = true;
    previous_arrival_ = arrival;
    previous_timestamp_ = timestamp;
}

void JitterBuffer::update_target() noexcept {
    // Until the estimator has seen its time constant of 16 differences (RFC 3550 §A.8 gain
    // 1/16), keep the configured initial delay.
    if (jitter_samples_ < 16) return;
    // About 3 jitters of headroom plus the frame in flight covers nearly all arrivals of a
    // roughly Laplacian delay distribution without over-buffering a clean network.
    const auto needed = std::chrono::microseconds{static_cast<std::int64_t>(3.0 * jitter_us_)} +
                        std::chrono::microseconds{config_.frame};
    target_ = frames_of(needed);
}

JitterBuffer::PushResult JitterBuffer::push(const PacketView& packet, Clock::time_point arrival) {
    return push(packet.ssrc(), packet.sequence(), packet.timestamp(), packet.payload_type(),
                packet.marker(), packet.payload(), arrival);
}

JitterBuffer::PushResult JitterBuffer::push(std::uint32_t ssrc, std::uint16_t sequence,
                                            std::uint32_t timestamp, std::uint8_t payload_type,
                                            bool marker, std::span<const std::uint8_t> payload,
                                            Clock::time_point arrival) {
    if (payload.size() > config_.max_payload) {
        ++stats_.too_large;
        return PushResult::too_large;
    }
    // Extended sequence number: unwrap relative to the highest seen (16-bit wrap).
    std::int64_t index = 0;
    if (!started_ || ssrc != ssrc_) {
        if (started_) ++stats_.resyncs;  // a new source on this stream: start over
        ssrc_ = ssrc;
        resync(std::int64_t{1} << 32 | sequence);
        index = next_;
    } else {
        const auto delta =
            static_cast<std::int16_t>(sequence - static_cast<std::uint16_t>(highest_));
        index = highest_ + delta;
        const auto capacity = static_cast<std::int64_t>(slots_.size());
        const bool jump_forward = index - next_ >= capacity && index - highest_ > capacity;
        const bool jump_backward = next_ - index > max_misorder;
        if (jump_forward || jump_backward) {
            // A jump larger than the buffer, or far into the past: the sender restarted its
            // sequence numbering, so start over rather than count thousands of losses.
            ++stats_.resyncs;
            resync(index);
        } else if (index < next_) {
            if (!playing_ && next_ - index < capacity && highest_ - index < capacity) {
                next_ = index;  // still pre-buffering: start playout at the earliest packet
            } else {
                ++stats_.late;
                update_jitter(timestamp, arrival);  // lateness is exactly what jitter measures
                update_target();
                return PushResult::late;
            }
        } else if (index - next_ >= capacity) {
            // Overflow (the consumer fell behind): drop the oldest frames to make room.
            while (index - next_ >= capacity) {
                if (slot(next_).used && slot(next_).index == next_) slot(next_).used = false;
                ++next_;
                ++stats_.discarded;
            }
        }
    }
    Slot& s = slot(index);
    if (s.used && s.index == index) {
        ++stats_.duplicate;
        return PushResult::duplicate;
    }
    reserve_stride(payload.size());
    s.used = true;
    s.index = index;
    s.timestamp = timestamp;
    s.payload_type = payload_type;
    s.marker = marker;
    s.size = payload.size();
    if (!payload.empty()) std::memcpy(storage(index), payload.data(), payload.size());
    highest_ = std::max(highest_, index);
    ++stats_.received;
    update_jitter(timestamp, arrival);
    update_target();
    return PushResult::accepted;
}

JitterBuffer::Frame JitterBuffer::pop() {
    Frame frame;
    if (!started_) return frame;
    const std::size_t depth = depth_frames();
    if (buffering_) {
        if (depth < target_) {
            if (playing_) ++stats_.buffering;
            return frame;
        }
        buffering_ = false;
        window_pops_ = 0;
    }
    if (depth == 0) {
        // Underrun: nothing at or after the playout point. Re-buffer up to the target rather
        // than conceal frame after frame of an unknown future.
        buffering_ = true;
        ++stats_.underruns;
        ++stats_.buffering;
        return frame;
    }
    // Shrink: if the depth never fell below target + 1 during a whole window, one frame of
    // delay is not needed. The caller leaves out a quiet frame and calls pop_extra().
    window_min_depth_ = window_pops_ == 0 ? depth : std::min(window_min_depth_, depth);
    if (++window_pops_ >= config_.adapt_window) {
        shrink_due_ = window_min_depth_ > target_ + 1;
        window_pops_ = 0;
    }

    Slot& s = slot(next_);
    const bool present = s.used && s.index == next_;
    if (!present && depth_frames() < target_) {
        // Grow: the packet due now is missing but the buffer is shallower than the target,
        // so it is probably late rather than lost. Hold playout one frame for it; each hold
        // adds a frame of delay, which is how the depth rises toward a larger target.
        ++stats_.buffering;
        return frame;
    }
    return play_next();
}

JitterBuffer::Frame JitterBuffer::pop_extra() {
    const bool still_deep = shrink_due_ && !buffering_ && depth_frames() > target_;
    shrink_due_ = false;
    if (!still_deep) return Frame{};  // the jitter grew back meanwhile: keep the delay
    ++stats_.discarded;
    return play_next();
}

JitterBuffer::Frame JitterBuffer::play_next() {
    playing_ = true;
    Frame frame;
    frame.sequence = static_cast<std::uint16_t>(next_);
    Slot& s = slot(next_);
    if (s.used && s.index == next_) {
        s.used = false;
        frame.kind = Frame::Kind::audio;
        frame.payload = std::span<const std::uint8_t>(storage(next_), s.size);
        frame.timestamp = s.timestamp;
        frame.payload_type = s.payload_type;
        frame.marker = s.marker;
        if (s.marker) window_pops_ = 0;  // a new talkspurt starts a new adaptation window
        ++stats_.played;
    } else {
        frame.kind = Frame::Kind::lost;  // RFC 3550 gap: the codec conceals it
        ++stats_.lost;
        // The packet after the gap may carry the lost one's FEC: offer it (left in place).
        const Slot& after = slot(next_ + 1);
        if (after.used && after.index == next_ + 1) {
            frame.next_payload = std::span<const std::uint8_t>(storage(next_ + 1), after.size);
        }
    }
    ++next_;
    return frame;
}

void JitterBuffer::prefetch_next() const noexcept {
    if (!started_ || slots_.empty()) return;
    const auto at = static_cast<std::size_t>(next_) % slots_.size();
    voip::detail::prefetch_lines(&slots_[at], sizeof slots_[at], voip::detail::PrefetchFor::write);
    voip::detail::prefetch_lines(storage_.data() + at * stride_, stride_);
}

void JitterBuffer::prefetch_arrival() const noexcept {
    if (!started_ || slots_.empty()) return;
    const auto at = static_cast<std::size_t>(highest_ + 1) % slots_.size();
    voip::detail::prefetch_lines(&slots_[at], sizeof slots_[at], voip::detail::PrefetchFor::write);
    voip::detail::prefetch_lines(storage_.data() + at * stride_, stride_,
                                 voip::detail::PrefetchFor::write);
}

JitterBuffer::Statistics JitterBuffer::statistics() const noexcept {
    Statistics s = stats_;
    s.depth = std::chrono::duration_cast<std::chrono::milliseconds>(
        config_.frame * static_cast<std::int64_t>(depth_frames()));
    s.target_depth = config_.frame * static_cast<std::int64_t>(target_);
    s.jitter = std::chrono::microseconds{static_cast<std::int64_t>(jitter_us_)};
    return s;
}

}  // namespace voip::rtp
