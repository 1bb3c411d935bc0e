#pragma once
/// @file
/// The statistics a Session exposes to the application (RFC 3550 §6.4.1 figures, measured
/// with rtp::ReceptionStats).

#include <voip/rtp/rtcp.hpp>

#include <asio/ip/udp.hpp>

#include <chrono>
#include <cstdint>
#include <optional>

namespace voip::rtp {

/// What a Session measured, for the application (a snapshot: Session::stats()).
struct SessionStats {
    // -- sending
    std::uint32_t local_ssrc = 0;
    std::uint64_t packets_sent = 0;
    std::uint64_t octets_sent = 0;  ///< payload octets (RFC 3550 §6.4.1)
    std::uint64_t rtcp_sent = 0;
    std::uint64_t send_failures = 0;

    // -- receiving, about the far end's stream
    std::optional<std::uint32_t> remote_ssrc;
    std::uint64_t packets_received = 0;
    std::uint64_t octets_received = 0;
    std::int64_t packets_expected = 0;
    std::int64_t packets_lost = 0;   ///< cumulative, §A.3
    std::uint64_t packets_late = 0;  ///< reordered or duplicated
    double fraction_lost = 0.0;      ///< 0..1, over the last RTCP interval
    std::uint32_t jitter = 0;        ///< timestamp units, §A.8
    std::chrono::microseconds jitter_time{0};
    std::uint64_t rtcp_received = 0;
    bool bye_received = false;

    // -- the far end's view of our stream, from its reports
    std::optional<ReportBlock> far_end_report;
    /// RFC 3550 §6.4.1 A - LSR - DLSR of the latest report block about us.
    std::optional<std::chrono::microseconds> round_trip_time;

    // -- dropped on receive (never passed to on_packet)
    std::uint64_t authentication_failures = 0;  ///< SRTP/SRTCP tag did not verify
    std::uint64_t replay_failures = 0;          ///< SRTP/SRTCP replay
    std::uint64_t unprotect_failures = 0;       ///< all transform failures together
    std::uint64_t malformed = 0;                ///< not a valid RTP/RTCP packet

    /// Where RTP now comes from (RFC 4961 symmetric RTP: we send back there).
    std::optional<asio::ip::udp::endpoint> remote_rtp_source;
};

}  // namespace voip::rtp
