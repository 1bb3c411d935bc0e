// sip::Dialog, requests inside the dialog (RFC 3261 §12.2): BYE (§15), re-INVITE for
// hold/resume (§14, RFC 3264 §8.4) with glare handling, INFO (RFC 6086), and the UAS checks
// (CSeq order → 500, §12.2.2).

#include <voip/log.hpp>
#include <voip/sip/transaction_requests.hpp>
#include <voip/sip/transport_routing.hpp>

#include <openssl/rand.h>

#include <array>

#include "dialog/dialog_impl.hpp"

namespace voip::sip {
namespace {

constexpr std::string_view component = "sip.dialog";

bool has_sdp(const Message& message) {
    const auto type = message.content_type();
    return !message.body().empty() &&
           (type.empty() || iequals(type.substr(0, type.find(';')), "application/sdp"));
}

// A uniformly random integer in [low, high] from OpenSSL (falls back to the middle).
std::uint32_t random_between(std::uint32_t low, std::uint32_t high) {
    std::array<unsigned char, 4> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return (low + high) / 2;
    const std::uint32_t value = (std::uint32_t{bytes[0]} << 24U) |
                                (std::uint32_t{bytes[1]} << 16U) | (std::uint32_t{bytes[2]} << 8U) |
                                std::uint32_t{bytes[3]};
    return low + value % (high - low + 1);
}

void respond(ServerTransaction& tx, int status, std::string_view reason = {},
             const std::vector<std::pair<HeaderId, std::string>>& headers = {}) {
    Response response = Response::make_for(tx.request(), status, reason);
    for (const auto& [id, value] : headers)
        response.add_header(id, value);
    if (auto sent = tx.respond(std::move(response)); !sent) {
        log::debug(component, "respond {} failed: {}", status, sent.error().message());
    }
}

}  // namespace

bool Dialog::Impl::receive_request(const IncomingRequest& in) {
    const Request& request = in.request;
    // RFC 3261 §12.2.2: the dialog id is Call-ID + our tag (To) + their tag (From).
    if (request.from_tag() != remote_tag || finished) return false;
    if (request.method_id() == Method::ack) {
        receive_ack(request);
        return true;
    }
    if (!in.transaction) return true;
    ServerTransaction& tx = *in.transaction;
    auto cseq = request.cseq();
    if (!cseq) {
        respond(tx, 400);
        return true;
    }
    // RFC 3261 §12.2.2: a CSeq lower than the last one is out of order → 500.
    if (remote_cseq_set && cseq->number < remote_cseq) {
        respond(tx, 500, "CSeq Out of Order");
        return true;
    }
    remote_cseq = cseq->number;
    remote_cseq_set = true;
    switch (request.method_id()) {
        case Method::bye:
            on_bye_request(tx);
            return true;
        case Method::invite:
            on_reinvite_request(in);
            return true;
        case Method::info:
            respond(tx, 200);
            self.on_info(request);
            return true;
        case Method::options:
            respond(tx, 200);
            return true;
        default:
            respond(tx, 501);
            return true;
    }
}

void Dialog::Impl::on_bye_request(ServerTransaction& tx) {
    respond(tx, 200);
    // RFC 3261 §15.1.2: an INVITE still unanswered gets 487.
    if (uas && invite_tx) {
        if (invite_tx->last_status() < 200) (void)invite_tx->respond(487, {}, local_tag);
    }
    pending_2xx.reset();
    stop_media();
    if (bye_sent) {
        // Our BYEs crossed: the dialog is over either way.
        finish(EndReason::local_bye, {});
        return;
    }
    self.on_bye();
    finish(EndReason::remote_bye, {});
}

Result<sdp::LocalMedia> Dialog::Impl::current_local_media(const TransportAddress& toward,
                                                          sdp::Direction direction) const {
    if (!media) return DialogErrc::no_media;
    const sdp::CryptoPolicy policy =
        layer != nullptr ? layer->config().srtp : sdp::CryptoPolicy::off;
    auto local = media->local_media(media_address(toward), policy);
    if (!local) return local.error();
    local->direction = direction;
    // Keep our SRTP key: the session was started with it (a new one would need a rekey).
    if (negotiated && negotiated->srtp) local->crypto = {negotiated->srtp->local};
    return local;
}

void Dialog::Impl::on_reinvite_request(const IncomingRequest& in) {
    ServerTransaction& tx = *in.transaction;
    const Request& request = in.request;
    if (bye_sent || state != DialogState::confirmed) {
        // The dialog is ending (or not up yet): no new session (RFC 3261 §15).
        respond(tx, bye_sent ? 481 : 491);
        return;
    }
    if (reinvite_pending) {
        respond(tx, 491);  // RFC 3261 §14.2: ours is pending — glare
        return;
    }
    if (incoming_reinvite_pending || pending_2xx) {
        // §14.2: the previous INVITE is not finished yet.
        respond(tx, 500, {}, {{HeaderId::retry_after, std::to_string(random_between(0, 10))}});
        return;
    }
    if (auto target = remote_target_of(request)) remote_target = std::move(*target);  // §12.2.2
    const TransportAddress toward = in.source;
    const sdp::Direction ours = local_hold ? sdp::Direction::sendonly : sdp::Direction::sendrecv;
    auto local = current_local_media(toward, ours);
    if (!local || !local_sdp) {
        respond(tx, 488);
        return;
    }
    Response ok = make_uas_response(request, 200);
    if (!has_sdp(request)) {
        // An offerless re-INVITE: we offer in the 2xx, the answer comes in the ACK.
        auto offer = sdp::create_reoffer(*local_sdp, *local);
        if (!offer) {
            respond(tx, 500);
            return;
        }
        ++sdp_session.session_version;
        local_sdp = std::move(*offer);
        offer_in_2xx = true;
    } else {
        auto offer = sdp::SessionDescription::parse(request.body());
        if (!offer) {
            respond(tx, 400, "Bad SDP");
            return;
        }
        if (!self.on_reinvite(*offer)) {
            respond(tx, 488);
            return;
        }
        ++sdp_session.session_version;
        auto answer = sdp::create_answer(*offer, *local, sdp_session);
        if (!answer) {
            respond(tx, sdp::is_not_acceptable(answer.error()) ? 488 : 500);
            return;
        }
        remote_sdp = std::move(*offer);
        local_sdp = std::move(answer->description);
        negotiated = std::move(answer->negotiated);
        (void)media->update_media(*negotiated);
        self.on_media_changed(*negotiated);
        if (finished) return;
    }
    ok.set_body(local_sdp->to_string(), "application/sdp");
    incoming_reinvite_pending = true;
    send_2xx(in.transaction, std::move(ok), remote_cseq);
}

void Dialog::start_bye(Done done) {
    auto& d = *impl_;
    if (d.layer == nullptr) {
        done(DialogErrc::shutdown);
        return;
    }
    if (d.finished) {
        done(DialogErrc::already_ending);
        return;
    }
    if (d.bye_sent) {
        d.bye_waiters.push_back(std::move(done));
        return;
    }
    if (d.state == DialogState::idle) {
        done(DialogErrc::wrong_state);
        return;
    }
    if (!d.uas && d.dial_done) {
        // Not answered yet: hanging up a call being dialled is a CANCEL (§9.1).
        d.bye_waiters.push_back(std::move(done));
        start_cancel([](std::error_code) {});
        return;
    }
    if (d.uas && d.invite_tx && !d.pending_2xx && d.state != DialogState::confirmed) {
        d.bye_waiters.push_back(std::move(done));
        reject(480);
        return;
    }
    d.bye_waiters.push_back(std::move(done));
    if (d.uas && d.pending_2xx && !d.incoming_reinvite_pending) {
        // RFC 3261 §15: the callee waits for the ACK (or its timeout) before BYE.
        d.bye_after_ack = true;
        d.stop_media();
        return;
    }
    d.send_bye();
}

void Dialog::Impl::send_bye() {
    if (bye_sent || finished) return;
    bye_sent = true;
    state = DialogState::terminating;
    stop_media();
    TransportAddress to;
    auto bye = make_request(Method::bye, ++local_cseq, to);
    if (!bye) {
        finish(EndReason::local_bye, bye.error());
        return;
    }
    std::weak_ptr<Dialog> weak = self.weak_from_this();
    // Bounded by Timer F (64*T1) of the non-INVITE transaction.
    ua->transactions().async_send_request(std::move(*bye), to,
                                          [weak](std::error_code ec, const Response& response) {
                                              auto dialog = weak.lock();
                                              if (!dialog || dialog->impl_->finished) return;
                                              if (!ec && response.status_code() >= 300)
                                                  ec = make_status_error(response.status_code());
                                              dialog->impl_->finish(EndReason::local_bye, ec);
                                          });
}

void Dialog::start_reinvite(sdp::Direction direction, Done done) {
    auto& d = *impl_;
    if (d.layer == nullptr) {
        done(DialogErrc::shutdown);
        return;
    }
    if (d.finished || d.bye_sent) {
        done(DialogErrc::already_ending);
        return;
    }
    if (d.state != DialogState::confirmed) {
        done(DialogErrc::not_confirmed);
        return;
    }
    if (d.reinvite_pending || d.incoming_reinvite_pending || d.pending_2xx) {
        done(DialogErrc::glare);
        return;
    }
    if (!d.media || !d.local_sdp) {
        done(DialogErrc::no_media);
        return;
    }
    d.reinvite_done = std::move(done);
    d.reinvite_direction = direction;
    d.glare_retries = 0;
    d.send_reinvite();
}

void Dialog::Impl::send_reinvite() {
    auto fail = [this](std::error_code ec) {
        reinvite_pending = false;
        if (reinvite_done) std::exchange(reinvite_done, nullptr)(ec);
    };
    TransportAddress to;
    const std::uint32_t cseq = ++local_cseq;
    auto invite = make_request(Method::invite, cseq, to);
    if (!invite) return fail(invite.error());
    auto local = current_local_media(to, reinvite_direction);
    if (!local) return fail(local.error());
    auto offer = sdp::create_reoffer(*local_sdp, *local);
    if (!offer) return fail(offer.error());
    invite->set_body(offer->to_string(), "application/sdp");
    auto tx = ua->transactions().send_request(std::move(*invite), to);
    if (!tx) return fail(tx.error());
    reinvite_pending = true;
    std::weak_ptr<Dialog> weak = self.weak_from_this();
    (*tx)->on_2xx_retransmission([weak](const Response& response) {
        if (auto dialog = weak.lock(); dialog && dialog->impl_->layer != nullptr)
            dialog->impl_->on_extra_2xx(response);
    });
    (*tx)->async_final_response(
        [weak, sent = std::move(*offer), cseq](std::error_code ec, const Response& response) {
            auto dialog = weak.lock();
            if (!dialog || dialog->impl_->finished) return;
            dialog->impl_->on_reinvite_response(ec, response, sent, cseq);
        });
}

void Dialog::Impl::on_reinvite_response(std::error_code ec, const Response& response,
                                        const sdp::SessionDescription& offer, std::uint32_t cseq) {
    reinvite_pending = false;
    auto complete = [this](std::error_code result) {
        if (reinvite_done) std::exchange(reinvite_done, nullptr)(result);
    };
    const int status = response.status_code();
    if (ec || status == 408 || status == 481) {
        // RFC 3261 §12.2.1.2 / §14.1: no response, 408 or 481 → the dialog is over.
        const std::error_code result = ec ? ec : make_status_error(status);
        complete(result);
        end_override = EndReason::failed;
        end_detail_override = result;
        send_bye();
        return;
    }
    if (status == 491) {
        if (glare_retries > 0 || layer == nullptr) {
            complete(DialogErrc::glare);
            return;
        }
        // RFC 3261 §14.1: the Call-ID's owner (the UAC of the dialog) waits 2.1-4 s, the
        // other side 0-2 s, in 10 ms units.
        ++glare_retries;
        ++glare_total;
        const auto units = uas ? random_between(0, 200) : random_between(210, 400);
        schedule_glare_retry(layer->config().glare_unit * units, 0);
        return;
    }
    if (status >= 300) {
        // §14.1: the session stays as it was.
        complete(make_status_error(status));
        return;
    }
    send_ack(cseq);
    if (auto target = remote_target_of(response)) remote_target = std::move(*target);
    ++sdp_session.session_version;
    auto answer = has_sdp(response) ? sdp::SessionDescription::parse(response.body())
                                    : Result<sdp::SessionDescription>(DialogErrc::bad_sdp);
    auto agreed =
        answer ? sdp::apply_answer(offer, *answer) : Result<sdp::Negotiated>(answer.error());
    if (!agreed) {
        complete(agreed.error());
        return;
    }
    local_sdp = offer;
    remote_sdp = std::move(*answer);
    negotiated = std::move(*agreed);
    local_hold = reinvite_direction == sdp::Direction::sendonly ||
                 reinvite_direction == sdp::Direction::inactive;
    (void)media->update_media(*negotiated);
    self.on_media_changed(*negotiated);
    complete({});
}

void Dialog::Impl::schedule_glare_retry(std::chrono::milliseconds wait, int deferrals) {
    std::weak_ptr<Dialog> weak = self.weak_from_this();
    glare_timer.expires_after(wait);
    glare_timer.async_wait([weak, deferrals](std::error_code wait_error) {
        auto dialog = weak.lock();
        if (wait_error || !dialog || dialog->impl_->finished) return;
        auto& d = *dialog->impl_;
        if (d.bye_sent || d.layer == nullptr) {
            if (d.reinvite_done)
                std::exchange(d.reinvite_done, nullptr)(DialogErrc::already_ending);
            return;
        }
        if (d.incoming_reinvite_pending || d.pending_2xx) {
            // The far end's re-INVITE (the one that won) is still waiting for its ACK: try
            // again a little later, a bounded number of times.
            if (deferrals >= 10) {
                if (d.reinvite_done) std::exchange(d.reinvite_done, nullptr)(DialogErrc::glare);
                return;
            }
            d.schedule_glare_retry(d.timers().t1, deferrals + 1);
            return;
        }
        d.send_reinvite();
    });
}

void Dialog::start_info(const std::string& content_type, const std::string& body, InfoDone done) {
    auto& d = *impl_;
    std::error_code refused;
    if (d.layer == nullptr) {
        refused = DialogErrc::shutdown;
    } else if (d.finished || d.bye_sent) {
        refused = DialogErrc::already_ending;
    } else if (d.state != DialogState::confirmed) {
        refused = DialogErrc::not_confirmed;
    }
    if (refused) {
        done(refused, Response(500));
        return;
    }
    TransportAddress to;
    auto info = d.make_request(Method::info, ++d.local_cseq, to);
    if (!info) {
        done(info.error(), Response(500));
        return;
    }
    info->set_body(body, content_type);
    std::weak_ptr<Dialog> weak = weak_from_this();
    d.ua->transactions().async_send_request(
        std::move(*info), to,
        [weak, done = std::move(done)](std::error_code ec, Response response) {
            const int status = response.status_code();
            if (!ec && status >= 300) ec = make_status_error(status);
            done(ec, std::move(response));
            auto dialog = weak.lock();
            if (dialog && !dialog->impl_->finished && (status == 408 || status == 481)) {
                // RFC 3261 §12.2.1.2: the dialog is gone at the far end.
                dialog->impl_->stop_media();
                dialog->impl_->finish(EndReason::failed, make_status_error(status));
            }
        });
}

}  // namespace voip::sip
