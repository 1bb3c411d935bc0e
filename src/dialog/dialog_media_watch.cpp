// The media inactivity watch (issue 11): a confirmed call whose far end vanished without a BYE
// (crash, lost network) is noticed because no RTP or RTCP arrives any more, and is ended with
// a BYE and DialogErrc::media_timeout. One timer per dialog, cancelled by cancel_timers().

#include <voip/log.hpp>
#include <voip/rtp/session.hpp>

#include <algorithm>

#include "dialog/dialog_impl.hpp"

namespace voip::sip {
namespace {
constexpr std::string_view component = "sip.dialog";

// Packets the session has taken in: any change (a new SSRC restarts the RTP count) is traffic.
std::uint64_t media_count(const rtp::Session& session) {
    const auto stats = session.stats();
    return stats.packets_received + stats.rtcp_received;
}

// RFC 3264 §5.1 / §6.1: sendonly or inactive from our side means the far end sends no RTP;
// RTCP alone is not guaranteed often enough to judge by, so the watch rests meanwhile.
bool expects_media(const std::optional<sdp::Negotiated>& negotiated) {
    if (!negotiated) return true;
    return negotiated->direction == sdp::Direction::sendrecv ||
           negotiated->direction == sdp::Direction::recvonly;
}

}  // namespace

void Dialog::Impl::start_media_watch() {
    if (layer == nullptr || finished || !media) return;
    const auto timeout = layer->config().media_timeout;
    if (timeout <= std::chrono::milliseconds::zero()) return;
    media_seen = media_count(media->session());
    media_heard = std::chrono::steady_clock::now();
    arm_media_watch(timeout);
}

void Dialog::Impl::arm_media_watch(std::chrono::milliseconds timeout) {
    media_timer.expires_after(std::max(timeout / 4, std::chrono::milliseconds(1)));
    std::weak_ptr<Dialog> weak = self.weak_from_this();
    media_timer.async_wait([weak](std::error_code ec) {
        if (ec) return;  // cancelled: the dialog ended
        if (auto dialog = weak.lock()) dialog->impl_->check_media();
    });
}

void Dialog::Impl::check_media() {
    if (layer == nullptr || finished || bye_sent || state != DialogState::confirmed || !media)
        return;
    const auto timeout = layer->config().media_timeout;
    if (timeout <= std::chrono::milliseconds::zero()) return;
    const auto now = std::chrono::steady_clock::now();
    const std::uint64_t count = media_started ? media_count(media->session()) : media_seen;
    if (count != media_seen || !media_started || !expects_media(negotiated)) {
        // Traffic, or none expected (on hold): the silence counts from now.
        media_seen = count;
        media_heard = now;
    } else if (now - media_heard >= timeout) {
        log::warning(
            component, "no RTP/RTCP for {} ms on {}: ending the call",
            std::chrono::duration_cast<std::chrono::milliseconds>(now - media_heard).count(),
            call_id);
        end_override = EndReason::failed;
        end_detail_override = DialogErrc::media_timeout;
        send_bye();
        return;
    }
    arm_media_watch(timeout);
}

}  // namespace voip::sip
