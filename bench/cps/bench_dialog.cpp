#include "bench_dialog.hpp"

namespace voip::bench {

Result<sdp::LocalMedia> NullMedia::local_media(const std::string& address,
                                               sdp::CryptoPolicy crypto) const {
    sdp::LocalMedia media;
    media.address = address;
    media.port = local_ports().rtp.port();
    media.codecs = {sdp::CodecSpec("PCMU", 8000)};
    media.crypto_policy = crypto;
    return media;
}

Result<void> NullMedia::start_media(const sdp::Negotiated& /*negotiated*/) {
    return {};
}

void NullMedia::stop_media() {
    stop();
}

DialogCounters& dialog_counters() {
    static DialogCounters counters;
    return counters;
}

void BenchDialog::on_invite(const sip::Request& /*invite*/) {
    ++dialog_counters().invites;
    if (accept<NullMedia>()) ++dialog_counters().accepted;
}

void BenchDialog::on_terminated(sip::EndReason reason, std::error_code detail) {
    std::string key(sip::to_string(reason));
    if (detail && reason != sip::EndReason::remote_bye) key += "(" + detail.message() + ")";
    ++dialog_counters().ended[key];
}

}  // namespace voip::bench
