// sip::Dialog, UAS side (RFC 3261 §13.3): an inbound INVITE, 1xx, 2xx retransmitted until the
// ACK (§13.3.1.4), rejection, CANCEL.

#include <voip/log.hpp>
#include <voip/sip/uas_policy.hpp>

#include <algorithm>

#include "dialog/dialog_impl.hpp"

namespace voip::sip {
namespace {

constexpr std::string_view component = "sip.dialog";

bool is_sdp(const Message& message) {
    const auto type = message.content_type();
    return !message.body().empty() &&
           (type.empty() || iequals(type.substr(0, type.find(';')), "application/sdp"));
}

}  // namespace

bool Dialog::Impl::begin_uas(const IncomingRequest& in) {
    const Request& request = in.request;
    ServerTransaction& tx = *in.transaction;
    uas = true;
    invite_tx = in.transaction;
    first_hop = in.source;
    kind = in.source.kind;
    call_id = std::string(request.call_id());
    remote_tag = std::string(request.from_tag());
    local_tag = make_tag();
    auto cseq = request.cseq();
    auto from = request.from();
    auto to = request.to();
    if (!cseq || !from || !to) {
        (void)tx.respond(400, {}, local_tag);
        return false;
    }
    remote_cseq = cseq->number;
    remote_cseq_set = true;
    remote_party = *from;
    remote_uri = from->uri();
    local_party = *to;
    local_party.set_tag(local_tag);
    local_uri = to->uri();
    // RFC 3261 §12.1.1: remote target = Contact URI, route set = Record-Route as received.
    auto target = remote_target_of(request);
    if (!target) {
        (void)tx.respond(400, "Missing Contact", local_tag);
        return false;
    }
    remote_target = *target;
    if (auto routes = route_set_of(request, false)) route_set = std::move(*routes);
    auto request_uri = request.request_uri();
    secure = request_uri && request_uri->scheme() == Uri::Scheme::sips &&
             in.source.kind == TransportKind::tls;
    if (is_sdp(request)) {
        auto offer = sdp::SessionDescription::parse(request.body());
        if (!offer) {
            (void)tx.respond(400, "Bad SDP", local_tag);
            return false;
        }
        remote_sdp = std::move(*offer);
    }
    state = DialogState::calling;
    std::weak_ptr<Dialog> weak = self.weak_from_this();
    tx.on_error([weak](std::error_code ec) {
        auto dialog = weak.lock();
        if (!dialog || dialog->impl_->finished) return;
        // Timer H or a transport failure while answering: the call is gone.
        if (dialog->impl_->pending_2xx) return;  // the 2xx timer decides
        dialog->impl_->finish(EndReason::failed, ec);
    });
    if (layer != nullptr && layer->config().ring_timeout.count() > 0) {
        ring_timer.expires_after(layer->config().ring_timeout);
        ring_timer.async_wait([weak](std::error_code ec) {
            auto dialog = weak.lock();
            if (ec || !dialog || dialog->impl_->finished) return;
            auto& d = *dialog->impl_;
            if (d.pending_2xx || d.state == DialogState::confirmed) return;
            d.end_override = EndReason::timeout;
            d.end_detail_override = make_status_error(480);
            dialog->reject(480);
        });
    }
    return true;
}

Response Dialog::Impl::make_uas_response(const Request& request, int status) const {
    Response response = Response::make_for(request, status, {}, local_tag);
    // RFC 3261 §12.1.1: Record-Route is copied into responses that establish a dialog.
    if (status > 100 && status < 300) {
        for (const auto value : request.header_values(HeaderId::record_route))
            response.add_header(HeaderId::record_route, value);
        response.add_header(HeaderId::contact, contact_value(first_hop));
    }
    if (status >= 200 && status < 300) {
        response.add_header(HeaderId::allow, "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO");
    }
    if (!ua->config().user_agent.empty())
        response.add_header(HeaderId::server, ua->config().user_agent);
    return response;
}

Result<void> Dialog::Impl::prepare_answer() {
    const sdp::CryptoPolicy policy =
        layer != nullptr ? layer->config().srtp : sdp::CryptoPolicy::off;
    auto local = media->local_media(media_address(first_hop), policy);
    if (!local) return local.error();
    if (!remote_sdp) {
        // RFC 3264 §4 / RFC 3261 §13.2.1: no offer in the INVITE — ours goes in the 2xx and
        // the answer comes in the ACK.
        auto offer = sdp::create_offer(*local, sdp_session);
        if (!offer) return offer.error();
        local_sdp = std::move(*offer);
        offer_in_2xx = true;
        return {};
    }
    auto answer = sdp::create_answer(*remote_sdp, *local, sdp_session);
    if (!answer) return answer.error();
    auto started = media->start_media(answer->negotiated);
    if (!started) return started.error();
    media_started = true;
    local_sdp = std::move(answer->description);
    negotiated = std::move(answer->negotiated);
    return {};
}

namespace {
int status_for_answer_error(std::error_code ec) {
    if (sdp::is_not_acceptable(ec)) return 488;
    if (ec.category() == sdp::error_category()) return 488;  // an offer we cannot use
    return 500;
}
}  // namespace

bool Dialog::start_early_media(std::unique_ptr<detail::MediaHandle> media) {
    auto& d = *impl_;
    if (d.layer == nullptr || !d.uas || !d.invite_tx || d.finished || d.media ||
        d.invite_tx->last_status() >= 200) {
        return false;
    }
    d.media = std::move(media);
    if (auto opened = d.media->session().open(); !opened) {
        reject(500);
        return false;
    }
    if (!d.remote_sdp) {
        // Early media needs the INVITE's offer (no reliable provisionals, RFC 3262, here).
        reject(488);
        return false;
    }
    if (auto prepared = d.prepare_answer(); !prepared) {
        log::info(component, "early media for {} failed: {}", d.call_id,
                  prepared.error().message());
        reject(status_for_answer_error(prepared.error()));
        return false;
    }
    d.media->session().set_owner(this);
    return static_cast<bool>(ringing(true));
}

Result<void> Dialog::ringing(bool early_media) {
    auto& d = *impl_;
    if (d.layer == nullptr) return DialogErrc::shutdown;
    if (!d.uas || !d.invite_tx || d.finished || d.pending_2xx ||
        (d.state != DialogState::calling && d.state != DialogState::early)) {
        return DialogErrc::wrong_state;
    }
    const bool with_sdp = early_media && d.media_started && d.local_sdp;
    Response response = d.make_uas_response(d.invite_tx->request(), early_media ? 183 : 180);
    if (with_sdp) response.set_body(d.local_sdp->to_string(), "application/sdp");
    if (auto sent = d.invite_tx->respond(std::move(response)); !sent) return sent.error();
    d.state = DialogState::early;  // RFC 3261 §12.1.1: a 1xx with a To tag
    return {};
}

bool Dialog::start_accept(std::unique_ptr<detail::MediaHandle> media) {
    auto& d = *impl_;
    if (d.layer == nullptr || !d.uas || !d.invite_tx || d.finished || d.pending_2xx ||
        (d.state != DialogState::calling && d.state != DialogState::early)) {
        return false;
    }
    if (media) {
        d.stop_media();
        d.media = std::move(media);
        if (auto opened = d.media->session().open(); !opened) {
            log::warning(component, "no RTP port for {}: {}", d.call_id, opened.error().message());
            reject(500);
            return false;
        }
        if (auto prepared = d.prepare_answer(); !prepared) {
            log::info(component, "cannot answer {}: {}", d.call_id, prepared.error().message());
            reject(status_for_answer_error(prepared.error()));
            return false;
        }
    } else if (!d.media) {
        return false;
    }
    d.media->session().set_owner(this);
    d.ring_timer.cancel();
    Response ok = d.make_uas_response(d.invite_tx->request(), 200);
    if (d.local_sdp) ok.set_body(d.local_sdp->to_string(), "application/sdp");
    // RFC 3261 §12.1.1: the dialog is confirmed once the 2xx is sent.
    d.state = DialogState::confirmed;
    d.send_2xx(d.invite_tx, std::move(ok), d.remote_cseq);
    return !d.finished;
}

Result<void> Dialog::accept_without_media(std::string_view body, std::string_view content_type) {
    auto& d = *impl_;
    if (d.layer == nullptr) return DialogErrc::shutdown;
    if (!d.uas || !d.invite_tx || d.finished || d.pending_2xx || d.media ||
        (d.state != DialogState::calling && d.state != DialogState::early)) {
        return DialogErrc::wrong_state;
    }
    d.ring_timer.cancel();
    Response ok = d.make_uas_response(d.invite_tx->request(), 200);
    if (!body.empty()) ok.set_body(body, content_type);
    d.state = DialogState::confirmed;  // RFC 3261 §12.1.1: once the 2xx is sent
    d.send_2xx(d.invite_tx, std::move(ok), d.remote_cseq);
    return {};
}

void Dialog::Impl::send_2xx(const std::shared_ptr<ServerTransaction>& tx, Response response,
                            std::uint32_t cseq) {
    pending_2xx = std::move(response);
    pending_2xx_tx = tx;
    pending_2xx_cseq = cseq;
    std::weak_ptr<Dialog> weak = self.weak_from_this();
    tx->on_ack([weak](const Request& ack) {
        if (auto dialog = weak.lock()) dialog->impl_->receive_ack(ack);
    });
    if (auto sent = tx->respond(*pending_2xx); !sent) {
        log::warning(component, "2xx for {} not sent: {}", call_id, sent.error().message());
    }
    // RFC 3261 §13.3.1.4: retransmit at T1, doubling up to T2, until the ACK; give up after
    // 64*T1 (then the session is ended with BYE).
    retransmit_interval = timers().t1;
    schedule_2xx_retransmission();
    ack_timer.expires_after(64 * timers().t1);
    ack_timer.async_wait([weak](std::error_code ec) {
        auto dialog = weak.lock();
        if (ec || !dialog || dialog->impl_->finished) return;
        dialog->impl_->on_ack_timeout();
    });
}

void Dialog::Impl::schedule_2xx_retransmission() {
    std::weak_ptr<Dialog> weak = self.weak_from_this();
    retransmit_timer.expires_after(retransmit_interval);
    retransmit_timer.async_wait([weak](std::error_code ec) {
        auto dialog = weak.lock();
        if (ec || !dialog) return;
        auto& d = *dialog->impl_;
        if (d.finished || !d.pending_2xx) return;
        // The same bytes again (RFC 6026 §7.1: through the Accepted transaction), not rebuilt.
        if (d.pending_2xx_tx && d.pending_2xx_tx->resend_2xx()) {
            log::debug(component, "2xx for {} retransmitted", d.call_id);
        } else if (d.pending_2xx_tx) {
            // The transaction is gone (Timer L): straight to the transport.
            d.ua->transports().send(*d.pending_2xx, d.pending_2xx_tx->source(),
                                    [](std::error_code) {});
        }
        d.retransmit_interval = std::min(2 * d.retransmit_interval, d.timers().t2);
        d.schedule_2xx_retransmission();
    });
}

void Dialog::Impl::on_ack_timeout() {
    if (!pending_2xx) return;
    log::info(component, "no ACK for the 2xx of {}: ending it with BYE", call_id);
    pending_2xx.reset();
    pending_2xx_tx.reset();
    retransmit_timer.cancel();
    incoming_reinvite_pending = false;
    bye_after_ack = false;
    // RFC 3261 §13.3.1.4: confirmed, but the session SHOULD be ended with a BYE.
    end_override = EndReason::failed;
    end_detail_override = DialogErrc::no_ack;
    send_bye();
}

void Dialog::Impl::receive_ack(const Request& ack) {
    if (finished || !pending_2xx) return;  // a retransmitted ACK, or one for a gone 2xx
    auto cseq = ack.cseq();
    if (!cseq || cseq->number != pending_2xx_cseq) return;
    pending_2xx.reset();
    pending_2xx_tx.reset();
    retransmit_timer.cancel();
    ack_timer.cancel();
    if (offer_in_2xx) {
        offer_in_2xx = false;
        auto answer = is_sdp(ack) ? sdp::SessionDescription::parse(ack.body())
                                  : Result<sdp::SessionDescription>(DialogErrc::bad_sdp);
        Result<sdp::Negotiated> agreed = answer ? sdp::apply_answer(*local_sdp, *answer)
                                                : Result<sdp::Negotiated>(answer.error());
        if (agreed) {
            remote_sdp = std::move(*answer);
            negotiated = std::move(*agreed);
            if (!media_started) {
                auto started = media->start_media(*negotiated);
                media_started = static_cast<bool>(started);
            } else {
                (void)media->update_media(*negotiated);
                self.on_media_changed(*negotiated);
            }
        }
        if (!agreed || !media_started) {
            log::info(component, "unusable answer in the ACK of {}: ending it", call_id);
            end_override = EndReason::failed;
            end_detail_override = DialogErrc::bad_sdp;
            send_bye();
            return;
        }
    }
    const bool was_reinvite = incoming_reinvite_pending;
    incoming_reinvite_pending = false;
    if (!was_reinvite) {
        invite_tx.reset();
        start_media_watch();
        self.on_confirmed();
    }
    if (bye_after_ack && !finished) {
        bye_after_ack = false;
        send_bye();
    }
}

void Dialog::reject(int status, std::string_view reason) {
    auto& d = *impl_;
    if (!d.uas || !d.invite_tx || d.finished || d.pending_2xx) return;
    if (d.invite_tx->last_status() >= 200) return;
    if (status < 300 || status > 699) status = 500;
    Response response = Response::make_for(d.invite_tx->request(), status, reason, d.local_tag);
    if (!d.ua->config().user_agent.empty())
        response.add_header(HeaderId::server, d.ua->config().user_agent);
    if (auto sent = d.invite_tx->respond(std::move(response)); !sent) {
        log::debug(component, "reject {} failed: {}", status, sent.error().message());
    }
    d.finish(EndReason::rejected, make_status_error(status));
}

void Dialog::Impl::on_cancelled() {
    if (finished) return;
    // RFC 3261 §9.2: the UA has answered 200 to the CANCEL and 487 to the INVITE.
    stop_media();
    self.on_cancel();
    finish(EndReason::cancelled, make_status_error(487));
}

}  // namespace voip::sip
