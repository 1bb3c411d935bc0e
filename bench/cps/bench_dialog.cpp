#include "bench_dialog.hpp"

#include <string_view>

namespace voip::bench {
namespace {
// What `sipp -sn uas` answers (its media is elsewhere: here, nowhere).
constexpr std::string_view answer_sdp =
    "v=0\r\n"
    "o=user1 53655765 2353687637 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\n"
    "m=audio 6000 RTP/AVP 0\r\n"
    "a=rtpmap:0 PCMU/8000\r\n";
}  // namespace

DialogCounters& dialog_counters() {
    static DialogCounters counters;
    return counters;
}

void BenchDialog::on_invite(const sip::Request& /*invite*/) {
    ++dialog_counters().invites;
    if (accept_without_media(answer_sdp)) ++dialog_counters().accepted;
}

void BenchDialog::on_terminated(sip::EndReason reason, std::error_code detail) {
    std::string key(sip::to_string(reason));
    if (detail && reason != sip::EndReason::remote_bye) key += "(" + detail.message() + ")";
    ++dialog_counters().ended[key];
}

}  // namespace voip::bench
