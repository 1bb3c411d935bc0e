#pragma once
/// @file
/// Receiver statistics of one RTP source (RFC 3550 Appendix A.1, A.3, A.8): sequence
/// validation with probation, extended highest sequence, expected/lost counts, fraction lost
/// per reporting interval and interarrival jitter. Pure: no clock, no I/O.
///
/// @code
///   voip::rtp::ReceptionStats stats;
///   // per packet: arrival time converted to RTP timestamp units (e.g. 8000 Hz)
///   if (!stats.update(view.sequence(), view.timestamp(), arrival_ts)) { /* probation / bad */ }
///   // every report interval:
///   voip::rtp::ReportBlock block = stats.make_report_block(view.ssrc());
/// @endcode

#include <voip/rtp/rtcp.hpp>

#include <cstdint>

namespace voip::rtp {

/// Statistics about the packets received from one SSRC.
class ReceptionStats {
public:
    /// The constants of RFC 3550 §A.1.
    struct Config {
        /// Packets in sequence needed before a source is valid (MIN_SEQUENTIAL); 0 or 1
        /// accepts the first packet at once.
        std::uint16_t min_sequential = 2;
        std::uint16_t max_dropout = 3000;  ///< largest forward jump taken as loss
        std::uint16_t max_misorder = 100;  ///< largest backward jump taken as reordering
    };

    ReceptionStats() noexcept : ReceptionStats(Config{}) {}
    explicit ReceptionStats(Config config) noexcept : config_(config) {}

    /// Feeds one received packet: its sequence number, RTP timestamp and arrival time in the
    /// same timestamp units (the clock can start anywhere; only differences matter).
    /// Returns false if the packet was not counted (source on probation, or a large jump
    /// waiting for confirmation by the next packet, RFC 3550 §A.1).
    bool update(std::uint16_t sequence, std::uint32_t rtp_timestamp,
                std::uint32_t arrival) noexcept;

    /// True once a packet has been counted (probation passed).
    [[nodiscard]] bool valid() const noexcept { return initialized_ && probation_ == 0; }
    /// Packets counted (duplicates included, as in RFC 3550 §A.3).
    [[nodiscard]] std::uint32_t received() const noexcept { return received_; }
    /// Cycles << 16 | highest sequence number received.
    [[nodiscard]] std::uint32_t extended_highest_sequence() const noexcept {
        return cycles_ + max_seq_;
    }
    /// Packets expected: extended highest - base + 1.
    [[nodiscard]] std::uint32_t expected() const noexcept;
    /// Expected minus received; negative with duplicates (RFC 3550 §6.4.1).
    [[nodiscard]] std::int64_t cumulative_lost() const noexcept;
    /// Interarrival jitter estimate in timestamp units (RFC 3550 §A.8).
    [[nodiscard]] std::uint32_t jitter() const noexcept { return jitter_ >> 4; }

    /// Fraction lost (fixed point /256) since the previous call, and starts a new interval
    /// (RFC 3550 §A.3).
    std::uint8_t take_fraction_lost() noexcept;

    /// A report block for this source (RFC 3550 §6.4.1) with the loss, sequence and jitter
    /// fields filled (cumulative loss clamped to 24 bits signed) and LSR/DLSR left 0 for the
    /// caller, who knows when the last SR arrived. Starts a new reporting interval.
    [[nodiscard]] ReportBlock make_report_block(std::uint32_t ssrc) noexcept;

private:
    void init_sequence(std::uint16_t sequence) noexcept;
    bool update_sequence(std::uint16_t sequence) noexcept;

    Config config_;
    bool initialized_ = false;
    std::uint16_t max_seq_ = 0;
    std::uint32_t cycles_ = 0;  // shifted count of sequence number cycles
    std::uint32_t base_seq_ = 0;
    std::uint32_t bad_seq_ = 0;
    std::uint32_t probation_ = 0;
    std::uint32_t received_ = 0;
    std::uint32_t expected_prior_ = 0;
    std::uint32_t received_prior_ = 0;
    bool have_transit_ = false;
    std::uint32_t transit_ = 0;
    std::uint32_t jitter_ = 0;  // scaled by 16 (RFC 3550 §A.8 integer form)
};

}  // namespace voip::rtp
