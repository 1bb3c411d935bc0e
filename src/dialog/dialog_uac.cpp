// sip::Dialog, UAC side (RFC 3261 §13.2): INVITE with an SDP offer, provisional responses and
// early dialogs, the 2xx and its ACK (sent by the dialog, §13.2.2.4), forked 2xx, 3xx-6xx as
// errors, one digest retry for 401/407 (§22.2), SRTP fallback after 488, CANCEL (§9.1).

#include <voip/log.hpp>
#include <voip/sip/transaction_requests.hpp>
#include <voip/sip/transport_routing.hpp>

#include <algorithm>

#include "dialog/dialog_impl.hpp"

namespace voip::sip {
namespace {

constexpr std::string_view component = "sip.dialog";

bool has_sdp(const Message& message) {
    const auto type = message.content_type();
    return !message.body().empty() &&
           (type.empty() || iequals(type.substr(0, type.find(';')), "application/sdp"));
}

}  // namespace

void Dialog::start_dial(const Uri& target, std::unique_ptr<detail::MediaHandle> media, Done done) {
    auto& d = *impl_;
    if (d.layer == nullptr) {
        done(DialogErrc::shutdown);
        return;
    }
    if (d.uas || d.state != DialogState::idle || d.finished) {
        done(DialogErrc::wrong_state);
        return;
    }
    if (!media) {
        done(DialogErrc::no_media);
        return;
    }
    if (!target.is_sip()) {
        done(DialogErrc::bad_target);
        return;
    }
    // The first hop: the account's outbound proxy, else the target itself (RFC 3263 without
    // SRV/NAPTR).
    Result<TransportAddress> hop = DialogErrc::bad_target;
    const auto& account = d.ua->config().account;
    if (account && account->outbound_proxy) {
        hop = TransportAddress::parse(*account->outbound_proxy);
    } else {
        hop = resolve_target(target);
    }
    if (!hop) {
        log::info(component, "cannot route to {}: {}", target.to_string(), hop.error().message());
        done(DialogErrc::bad_target);
        return;
    }
    d.first_hop = *hop;
    d.kind = hop->kind;
    d.secure = target.scheme() == Uri::Scheme::sips;

    Request invite = d.ua->make_request(Method::invite, target);
    d.call_id = std::string(invite.call_id());
    d.local_tag = std::string(invite.from_tag());
    d.local_party = invite.from().value();
    d.remote_party = invite.to().value();
    d.local_uri = d.local_party.uri();
    d.remote_uri = target;
    d.remote_target = request_uri_form(target);
    d.local_cseq = 1;
    d.state = DialogState::calling;
    d.dial_done = std::move(done);
    d.media = std::move(media);
    d.layer->add(shared_from_this());

    if (auto opened = d.media->session().open(); !opened) {
        d.finish(EndReason::failed, opened.error());
        return;
    }
    auto local = d.media->local_media(d.media_address(*hop), d.layer->config().srtp);
    if (!local) {
        d.finish(EndReason::failed, local.error());
        return;
    }
    auto offer = sdp::create_offer(*local, d.sdp_session);
    if (!offer) {
        d.finish(EndReason::failed, offer.error());
        return;
    }
    invite.add_header(HeaderId::contact, d.contact_value(*hop));
    invite.add_header(HeaderId::allow, "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO");
    invite.set_body(offer->to_string(), "application/sdp");
    d.local_sdp = std::move(*offer);
    d.invite_template = std::move(invite);
    d.send_invite();
}

void Dialog::Impl::send_invite() {
    auto tx = ua->transactions().send_request(*invite_template, first_hop);
    if (!tx) {
        finish(EndReason::failed, tx.error());
        return;
    }
    invite_client = *tx;
    provisional_seen = false;
    cancel_sent = false;
    std::weak_ptr<Dialog> weak = self.weak_from_this();
    invite_client->on_provisional([weak](const Response& response) {
        if (auto dialog = weak.lock(); dialog && !dialog->impl_->finished)
            dialog->impl_->on_provisional(response);
    });
    invite_client->on_2xx_retransmission([weak](const Response& response) {
        if (auto dialog = weak.lock(); dialog && dialog->impl_->layer != nullptr)
            dialog->impl_->on_extra_2xx(response);
    });
    invite_client->async_final_response(
        [weak, which = invite_client.get()](std::error_code ec, const Response& response) {
            auto dialog = weak.lock();
            if (!dialog || dialog->impl_->finished) return;
            if (dialog->impl_->invite_client.get() != which) return;  // an older attempt
            dialog->impl_->on_final(ec, response);
        });
}

void Dialog::Impl::on_provisional(const Response& response) {
    // RFC 3261 §9.1: a CANCEL waits for a provisional response.
    provisional_seen = true;
    if (cancel_requested) send_cancel();
    const auto tag = response.to_tag();
    if (response.status_code() > 100 && !tag.empty()) {
        // RFC 3261 §12.1.2: an early dialog. Forks: the first one's state is kept; the 2xx
        // decides.
        if (remote_tag.empty()) {
            remote_tag = std::string(tag);
            remote_party.set_tag(tag);
            if (auto target = remote_target_of(response)) remote_target = std::move(*target);
            if (auto routes = route_set_of(response, true)) route_set = std::move(*routes);
            state = DialogState::early;
        }
        if (tag == remote_tag && has_sdp(response) && !media_started && local_sdp) {
            // Early media (183 with the answer).
            auto answer = sdp::SessionDescription::parse(response.body());
            auto agreed = answer ? sdp::apply_answer(*local_sdp, *answer)
                                 : Result<sdp::Negotiated>(answer.error());
            if (agreed && media->start_media(*agreed)) {
                media_started = true;
                remote_sdp = std::move(*answer);
                negotiated = std::move(*agreed);
            } else {
                log::info(component, "unusable early answer for {}", call_id);
            }
        }
    }
    self.on_progress(response);
}

void Dialog::Impl::on_final(std::error_code ec, const Response& response) {
    const int status = response.status_code();
    if (ec) {
        // Timer B / transport failure (RFC 3261 §8.1.3.1).
        finish(ec == TransactionError::timeout ? EndReason::timeout : EndReason::failed, ec);
        return;
    }
    if (status >= 200 && status < 300) {
        on_2xx(response);
        return;
    }
    if ((status == 401 || status == 407) && !cancel_requested && retry_with_credentials(response))
        return;
    if (status == 488 && !cancel_requested && retry_without_srtp()) return;
    const bool cancelled = cancel_requested && status == 487;
    finish(cancelled ? EndReason::cancelled : EndReason::rejected, make_status_error(status));
}

bool Dialog::Impl::retry_with_credentials(const Response& response) {
    // RFC 3261 §22.2: answer the challenge once with the account's credentials.
    if (auth_attempts > 0 || !ua->has_account()) return false;
    const bool proxy = response.status_code() == 407;
    const auto values = proxy ? response.proxy_authenticate() : response.www_authenticate();
    auto challenge = select_challenge(values);
    if (!challenge) return false;
    if (!digest) digest.emplace(ua->registration().config().credentials);
    if (auto taken = digest->on_challenge(*challenge, false); !taken) return false;
    auto value = digest->authorization("INVITE", invite_template->request_uri_text());
    if (!value) return false;
    ++auth_attempts;
    invite_template->set_header(proxy ? HeaderId::proxy_authorization : HeaderId::authorization,
                                *value);
    invite_template->set_header(HeaderId::cseq, std::to_string(++local_cseq) + " INVITE");
    log::debug(component, "INVITE {} retried with credentials", call_id);
    send_invite();
    return true;
}

bool Dialog::Impl::retry_without_srtp() {
    // Issue 7: SRTP preferred, the far end refused RTP/SAVP — offer RTP/AVP once.
    if (srtp_fallback_done || layer == nullptr || !local_sdp) return false;
    auto fallback = sdp::fallback_offer(*local_sdp, layer->config().srtp);
    if (!fallback) return false;
    srtp_fallback_done = true;
    invite_template->set_body(fallback->to_string(), "application/sdp");
    invite_template->set_header(HeaderId::cseq, std::to_string(++local_cseq) + " INVITE");
    local_sdp = std::move(*fallback);
    log::debug(component, "INVITE {} retried without SRTP", call_id);
    send_invite();
    return true;
}

void Dialog::Impl::on_2xx(const Response& response) {
    // RFC 3261 §12.1.2: the dialog's state from the 2xx.
    remote_tag = std::string(response.to_tag());
    remote_party.set_tag(remote_tag);
    if (auto target = remote_target_of(response)) remote_target = std::move(*target);
    if (auto routes = route_set_of(response, true)) {
        route_set = std::move(*routes);
    } else {
        route_set.clear();
    }
    state = DialogState::confirmed;
    const std::uint32_t cseq = response.cseq().value_or(CSeq{local_cseq, "INVITE"}).number;
    send_ack(cseq);
    if (cancel_requested) {
        // The 2xx won the race with our CANCEL (§9.1): the caller asked to end the call.
        end_override = EndReason::cancelled;
        end_detail_override = make_status_error(487);
        if (dial_done) std::exchange(dial_done, nullptr)(make_status_error(487));
        send_bye();
        return;
    }
    std::error_code media_error;
    if (has_sdp(response)) {
        auto answer = sdp::SessionDescription::parse(response.body());
        auto agreed = answer ? sdp::apply_answer(*local_sdp, *answer)
                             : Result<sdp::Negotiated>(answer.error());
        if (!agreed) {
            media_error = agreed.error();
        } else if (!media_started) {
            if (auto started = media->start_media(*agreed); !started) {
                media_error = started.error();
            } else {
                media_started = true;
            }
        } else if (!negotiated || !(*negotiated == *agreed)) {
            (void)media->update_media(*agreed);
        }
        if (!media_error) {
            remote_sdp = std::move(*answer);
            negotiated = std::move(*agreed);
        }
    } else if (!media_started) {
        media_error = DialogErrc::bad_sdp;  // no answer anywhere (RFC 3261 §13.2.1)
    }
    if (media_error) {
        log::info(component, "no usable answer for {}: {}", call_id, media_error.message());
        end_override = EndReason::failed;
        end_detail_override = media_error;
        if (dial_done) std::exchange(dial_done, nullptr)(media_error);
        send_bye();
        return;
    }
    media->session().set_owner(&self);
    if (dial_done) std::exchange(dial_done, nullptr)(std::error_code{});
    start_media_watch();
    self.on_confirmed();
}

void Dialog::Impl::send_ack(std::uint32_t cseq) {
    // RFC 3261 §13.2.2.4: the ACK for a 2xx is a new request of the dialog (own branch, the
    // route set), with the INVITE's CSeq number and its credentials.
    TransportAddress to;
    auto ack = make_request(Method::ack, cseq, to);
    if (!ack) {
        log::warning(component, "no route for the ACK of {}: {}", call_id, ack.error().message());
        return;
    }
    if (invite_template) {
        for (const HeaderId id : {HeaderId::authorization, HeaderId::proxy_authorization}) {
            if (auto value = invite_template->header(id)) ack->add_header(id, *value);
        }
    }
    ack->prepend_header(HeaderId::via,
                        make_via(to.kind, ua->transports().sent_by(to), generate_branch()));
    ua->transports().send(*ack, to, [](std::error_code ec) {
        log::debug(component, "ACK not sent: {}", ec.message());
    });
    last_ack = std::move(*ack);
    last_ack_to = to;
}

void Dialog::Impl::on_extra_2xx(const Response& response) {
    const auto tag = response.to_tag();
    if (tag == remote_tag && last_ack) {
        // A retransmission of the 2xx we accepted: our ACK got lost (§13.2.2.4).
        ua->transports().send(*last_ack, last_ack_to, [](std::error_code) {});
        return;
    }
    if (!tag.empty() && tag != remote_tag) end_fork(response);
}

void Dialog::Impl::end_fork(const Response& response) {
    // RFC 3261 §13.2.2.4: a 2xx from another fork makes another dialog; we keep the first
    // and end this one: ACK, then BYE.
    const std::string tag(response.to_tag());
    const bool first_time =
        std::find(forks_ended.begin(), forks_ended.end(), tag) == forks_ended.end();
    auto target = remote_target_of(response);
    auto routes = route_set_of(response, true);
    const InDialogRoute route =
        route_in_dialog(target ? *target : remote_uri, routes ? *routes : std::vector<NameAddr>{});
    auto hop = next_hop_address(route.next_hop, kind);
    if (!hop) return;
    NameAddr to_party = remote_party;
    to_party.set_tag(tag);
    const std::uint32_t cseq = response.cseq().value_or(CSeq{local_cseq, "INVITE"}).number;
    Request ack = build_request(Method::ack, route, to_party, cseq);
    ack.prepend_header(HeaderId::via,
                       make_via(hop->kind, ua->transports().sent_by(*hop), generate_branch()));
    ua->transports().send(ack, *hop, [](std::error_code) {});
    if (!first_time) return;
    forks_ended.push_back(tag);
    log::info(component, "forked 2xx for {} (tag {}): ACK and BYE", call_id, tag);
    Request bye = build_request(Method::bye, route, to_party, cseq + 1);
    ua->transactions().async_send_request(std::move(bye), *hop,
                                          [](std::error_code, const Response&) {});
}

void Dialog::start_cancel(Done done) {
    auto& d = *impl_;
    if (d.layer == nullptr) {
        done(DialogErrc::shutdown);
        return;
    }
    if (d.uas || !d.dial_done || d.finished ||
        (d.state != DialogState::calling && d.state != DialogState::early)) {
        done(DialogErrc::wrong_state);
        return;
    }
    d.cancel_requested = true;
    d.cancel_waiters.push_back(std::move(done));
    if (d.provisional_seen) d.send_cancel();
}

void Dialog::Impl::send_cancel() {
    if (cancel_sent || !invite_client) return;
    cancel_sent = true;
    // RFC 3261 §9.1: same Request-URI, Call-ID, From, To, CSeq number and top Via branch.
    std::weak_ptr<Dialog> weak = self.weak_from_this();
    ua->transactions().async_send_request(
        make_cancel(invite_client->request()), first_hop,
        [weak](std::error_code ec, const Response& response) {
            auto dialog = weak.lock();
            if (!dialog) return;
            if (!ec && response.status_code() >= 300)
                ec = make_status_error(response.status_code());
            for (auto& waiter : std::exchange(dialog->impl_->cancel_waiters, {}))
                waiter(ec);
        });
    // §9.1: no final response to the INVITE within 64*T1 of the CANCEL → consider it
    // cancelled.
    ack_timer.expires_after(64 * timers().t1);
    ack_timer.async_wait([weak](std::error_code ec) {
        auto dialog = weak.lock();
        if (ec || !dialog || dialog->impl_->finished) return;
        dialog->impl_->finish(EndReason::cancelled, make_status_error(487));
    });
}

}  // namespace voip::sip
