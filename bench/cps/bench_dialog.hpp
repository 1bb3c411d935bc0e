#pragma once
// The CPS benchmark's UAS through the Dialog class (issue 6): a Dialog subclass that answers
// every INVITE with accept_without_media() — a fixed SDP body as SIPp's own UAS sends, no RTP
// port opened — and counts how calls ended.

#include <voip/sip/dialog.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace voip::bench {

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
