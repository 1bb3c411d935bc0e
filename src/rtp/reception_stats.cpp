#include <voip/rtp/reception_stats.hpp>

#include <algorithm>

namespace voip::rtp {

namespace {
constexpr std::uint32_t seq_mod = 1U << 16;  // RTP_SEQ_MOD
}  // namespace

// RFC 3550 §A.1 init_seq().
void ReceptionStats::init_sequence(std::uint16_t sequence) noexcept {
    base_seq_ = sequence;
    max_seq_ = sequence;
    bad_seq_ = seq_mod + 1;  // so that sequence == bad_seq_ is false
    cycles_ = 0;
    received_ = 0;
    received_prior_ = 0;
    expected_prior_ = 0;
}

// RFC 3550 §A.1 update_seq(), with the 16-bit wrap of max_seq + 1 done explicitly.
bool ReceptionStats::update_sequence(std::uint16_t sequence) noexcept {
    if (!initialized_) {
        initialized_ = true;
        init_sequence(sequence);
        if (config_.min_sequential <= 1) {
            ++received_;
            return true;
        }
        max_seq_ = static_cast<std::uint16_t>(sequence - 1);
        probation_ = config_.min_sequential;
    }
    const auto udelta = static_cast<std::uint16_t>(sequence - max_seq_);
    if (probation_ != 0) {
        // The source is valid only after MIN_SEQUENTIAL packets in sequence.
        if (sequence == static_cast<std::uint16_t>(max_seq_ + 1)) {
            --probation_;
            max_seq_ = sequence;
            if (probation_ == 0) {
                init_sequence(sequence);
                ++received_;
                return true;
            }
        } else {
            probation_ = config_.min_sequential - 1U;
            max_seq_ = sequence;
        }
        return false;
    }
    if (udelta < config_.max_dropout) {
        // In order, with permissible gap; a smaller number means it wrapped.
        if (sequence < max_seq_) cycles_ += seq_mod;
        max_seq_ = sequence;
    } else if (udelta <= seq_mod - config_.max_misorder) {
        // The sequence number made a very large jump. Two packets in a row with it: the
        // source restarted (e.g. a new stream without a new SSRC), so start over.
        if (sequence == bad_seq_) {
            init_sequence(sequence);
        } else {
            bad_seq_ = (std::uint32_t{sequence} + 1) & (seq_mod - 1);
            return false;
        }
    }
    // else: duplicate or reordered packet, counted but max_seq unchanged.
    ++received_;
    return true;
}

bool ReceptionStats::update(std::uint16_t sequence, std::uint32_t rtp_timestamp,
                            std::uint32_t arrival) noexcept {
    if (!update_sequence(sequence)) return false;
    // RFC 3550 §A.8: J += (|D| - J) / 16, in the integer form scaled by 16. Transit times are
    // taken modulo 2^32 so wrap of either clock is harmless.
    const std::uint32_t transit = arrival - rtp_timestamp;
    if (have_transit_) {
        const auto diff = static_cast<std::int32_t>(transit - transit_);
        const std::uint32_t d =
            diff < 0 ? 0U - static_cast<std::uint32_t>(diff) : static_cast<std::uint32_t>(diff);
        jitter_ = jitter_ + d - ((jitter_ + 8) >> 4);
    }
    transit_ = transit;
    have_transit_ = true;
    return true;
}

std::uint32_t ReceptionStats::expected() const noexcept {
    if (!valid()) return 0;
    return extended_highest_sequence() - base_seq_ + 1;
}

std::int64_t ReceptionStats::cumulative_lost() const noexcept {
    return std::int64_t{expected()} - std::int64_t{received_};
}

std::uint8_t ReceptionStats::take_fraction_lost() noexcept {
    // RFC 3550 §A.3.
    const std::uint32_t expected_now = expected();
    const std::int64_t expected_interval = std::int64_t{expected_now} - expected_prior_;
    expected_prior_ = expected_now;
    const std::int64_t received_interval = std::int64_t{received_} - received_prior_;
    received_prior_ = received_;
    const std::int64_t lost_interval = expected_interval - received_interval;
    if (expected_interval <= 0 || lost_interval <= 0) return 0;
    return static_cast<std::uint8_t>(
        std::min<std::int64_t>((lost_interval << 8) / expected_interval, 255));
}

ReportBlock ReceptionStats::make_report_block(std::uint32_t ssrc) noexcept {
    ReportBlock block;
    block.ssrc = ssrc;
    block.fraction_lost = take_fraction_lost();
    // RFC 3550 §A.3: clamp to what 24 signed bits carry.
    block.cumulative_lost =
        static_cast<std::int32_t>(std::clamp<std::int64_t>(cumulative_lost(), -0x800000, 0x7FFFFF));
    block.extended_highest_sequence = extended_highest_sequence();
    block.jitter = jitter();
    return block;
}

}  // namespace voip::rtp
