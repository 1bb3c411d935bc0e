#pragma once
// The CPS benchmark's UAS through the Dialog class (issue 6): a Dialog subclass that accepts
// every INVITE with a session that opens its RTP ports (the Dialog does that on accept) and
// answers the SDP offer, but sends no media: the dialog layer has no accept variant without a
// media session yet. Counts how calls ended.

#include <voip/sip/dialog.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace voip::bench {

/// A CallMedia that negotiates PCMU and sends nothing (no codec, no timer, no RTCP).
class NullMedia : public rtp::Session {
public:
    using Session::Session;
    [[nodiscard]] Result<sdp::LocalMedia> local_media(const std::string& address,
                                                      sdp::CryptoPolicy crypto) const;
    Result<void> start_media(const sdp::Negotiated& negotiated);
    void stop_media();
};

struct DialogCounters {
    std::uint64_t invites = 0;
    std::uint64_t accepted = 0;
    std::map<std::string, std::uint64_t> ended;  // by EndReason
};

/// Process-wide counters (the bench runs one UserAgent per process).
DialogCounters& dialog_counters();

class BenchDialog : public sip::Dialog {
public:
    using Dialog::Dialog;
    void on_invite(const sip::Request& invite) override;
    void on_terminated(sip::EndReason reason, std::error_code detail) override;
};

}  // namespace voip::bench
