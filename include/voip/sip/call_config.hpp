#pragma once
/// @file
/// Call settings of a UserAgent's dialog layer (issue 6): where media listens, SRTP policy,
/// limits.

#include <voip/rtp/multiplexer.hpp>
#include <voip/sdp/offer_answer.hpp>

#include <chrono>
#include <cstddef>
#include <string>

namespace voip::sip {

/// Call settings of a UserAgent's dialog layer.
struct CallConfig {
    /// Address put in SDP c=; empty = the SIP listen host (127.0.0.1 / ::1 when that is a
    /// wildcard address).
    std::string media_address;
    /// SRTP (RFC 4568 SDES): off, preferred (offer RTP/SAVP, fall back to RTP/AVP after a 488),
    /// required.
    sdp::CryptoPolicy srtp = sdp::CryptoPolicy::off;
    /// RTP port range and buffers of the multiplexer the layer creates (not used when a shared
    /// multiplexer is given to enable_calls()).
    rtp::Multiplexer::Config media{};
    /// Dialogs at once; further INVITEs get 503 with Retry-After.
    std::size_t max_dialogs = 10000;
    /// UAS: an INVITE not answered finally within this time gets 480 (0 = no limit).
    std::chrono::milliseconds ring_timeout{0};
    /// Retry-After (s) of the 503 sent beyond max_dialogs.
    unsigned retry_after_seconds = 5;
    /// RFC 3261 §14.1 glare back-off unit: after a 491 the re-INVITE is retried after
    /// 210..400 units (the Call-ID's owner, 2.1-4 s) or 0..200 units (0-2 s). Tests shorten it.
    std::chrono::milliseconds glare_unit{10};
    /// A confirmed call whose media session received no RTP and no RTCP for this long is
    /// ended (BYE, EndReason::failed, DialogErrc::media_timeout): the far end vanished.
    /// Checked every quarter of it; not while the far end sends us nothing by agreement (our
    /// side sendonly or inactive). 0 = off.
    std::chrono::milliseconds media_timeout{30000};
};

}  // namespace voip::sip
