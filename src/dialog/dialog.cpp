// sip::Dialog: construction, state accessors, default hooks, the end of a dialog, and the
// helpers every part uses (in-dialog requests, Contact, media address).

#include <voip/log.hpp>
#include <voip/sip/dialog_routing.hpp>
#include <voip/sip/transport_routing.hpp>
#include <voip/sip/uas_policy.hpp>

#include <asio/post.hpp>

#include <stdexcept>

#include "dialog/dialog_impl.hpp"

namespace voip::sip {
namespace {
constexpr std::string_view component = "sip.dialog";
}  // namespace

Dialog::Impl::Impl(Dialog& owner, DialogLayer& dialog_layer)
    : self(owner),
      layer(&dialog_layer),
      ua(&dialog_layer.user_agent()),
      executor(dialog_layer.user_agent().executor()),
      media_timer(executor),
      retransmit_timer(executor),
      ack_timer(executor),
      ring_timer(executor),
      glare_timer(executor) {
    // RFC 8866 §5.2: o= session id unique; the clock and a random tag make it so.
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    sdp_session.session_id = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(now).count());
    sdp_session.session_version = 1;
}

TimerConfig Dialog::Impl::timers() const {
    return ua->config().timers;
}

std::string Dialog::Impl::contact_value(const TransportAddress& toward) const {
    std::string user = local_uri.is_sip() ? std::string(local_uri.user()) : std::string{};
    const std::string& advertised = ua->config().contact_address;
    std::string uri = (secure ? "sips:" : "sip:") + (user.empty() ? "" : user + "@") +
                      (advertised.empty() ? ua->transports().sent_by(toward) : advertised);
    if (toward.kind == TransportKind::tcp && !secure) uri += ";transport=tcp";
    if (toward.kind == TransportKind::tls && !secure) uri += ";transport=tls";
    return "<" + uri + ">";
}

std::string Dialog::Impl::media_address(const TransportAddress& toward) const {
    if (layer != nullptr && !layer->config().media_address.empty())
        return layer->config().media_address;
    // The address the SIP transport uses toward the far end (sent-by host), so media and
    // signalling leave from the same interface.
    std::string host = ua->transports().sent_by(toward);
    if (!host.empty() && host.front() == '[') {
        host = host.substr(1, host.find(']') - 1);
    } else if (auto colon = host.rfind(':'); colon != std::string::npos) {
        host.resize(colon);
    }
    std::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (ec || address.is_unspecified()) {
        return toward.address.is_v6() ? std::string("::1") : std::string("127.0.0.1");
    }
    return host;
}

Request Dialog::Impl::build_request(Method method, const InDialogRoute& route,
                                    const NameAddr& to_party, std::uint32_t cseq) const {
    // RFC 3261 §12.2.1.1: Request-URI and Route from the route set, To/From with the tags,
    // Call-ID of the dialog, the CSeq the caller chose.
    Request request(method, route.request_uri);
    for (const auto& r : route.route)
        request.add_header(HeaderId::route, r);
    request.add_header(HeaderId::max_forwards, "70");
    request.add_header(HeaderId::from, local_party.to_string());
    request.add_header(HeaderId::to, to_party.to_string());
    request.add_header(HeaderId::call_id, call_id);
    request.add_header(HeaderId::cseq, std::to_string(cseq) + " " + std::string(to_string(method)));
    if (!ua->config().user_agent.empty())
        request.add_header(HeaderId::user_agent, ua->config().user_agent);
    return request;
}

Result<Request> Dialog::Impl::make_request(Method method, std::uint32_t cseq,
                                           TransportAddress& to) const {
    const InDialogRoute route = route_in_dialog(remote_target, route_set);
    auto hop = next_hop_address(route.next_hop, kind);
    if (!hop) return hop.error();
    to = *hop;
    Request request = build_request(method, route, remote_party, cseq);
    if (method == Method::invite) request.add_header(HeaderId::contact, contact_value(to));
    return request;
}

void Dialog::Impl::cancel_timers() {
    retransmit_timer.cancel();
    ack_timer.cancel();
    ring_timer.cancel();
    glare_timer.cancel();
    media_timer.cancel();
}

void Dialog::Impl::stop_media() {
    if (!media) return;
    media->session().set_owner(nullptr);
    media->stop_media();
    // A session opened but never started (a rejected or cancelled call) still holds its
    // ports: release them too (idempotent).
    media->session().stop();
    media_started = false;
}

void Dialog::Impl::post_done(Done done, std::error_code ec) const {
    if (!done) return;
    asio::post(executor, [d = std::move(done), ec] { d(ec); });
}

void Dialog::Impl::finish(EndReason reason, std::error_code detail) {
    if (finished) return;
    finished = true;
    if (end_override) {
        reason = *end_override;
        detail = end_detail_override;
    }
    state = DialogState::terminated;
    cancel_timers();
    stop_media();
    pending_2xx.reset();
    const auto keep = self.shared_from_this();  // the layer may drop its reference below
    log::debug(component, "dialog {} ended: {} ({})", call_id, to_string(reason),
               detail ? detail.message() : std::string("ok"));
    // Pending operations learn the outcome before the hook runs.
    if (dial_done) {
        std::error_code ec = detail;
        if (!ec) ec = DialogErrc::already_ending;
        auto done = std::move(dial_done);
        dial_done = nullptr;
        done(ec);
    }
    for (auto& waiter : std::exchange(cancel_waiters, {}))
        waiter(std::error_code{});
    if (reinvite_done) std::exchange(reinvite_done, nullptr)(DialogErrc::already_ending);
    const std::error_code bye_result =
        (reason == EndReason::local_bye) ? detail : std::error_code{};
    for (auto& waiter : std::exchange(bye_waiters, {}))
        waiter(bye_result);
    if (layer != nullptr) {
        self.on_terminated(reason, detail);
        if (layer != nullptr) layer->remove(self);
    }
}

void Dialog::Impl::detach() {
    // The layer is going away: no hook runs from here on; pending operations are aborted.
    if (finished) {
        layer = nullptr;
        return;
    }
    if (state == DialogState::confirmed && !bye_sent && !pending_2xx) {
        // Best effort: tell the far end (the transaction dies with the layer).
        TransportAddress to;
        if (auto bye = make_request(Method::bye, ++local_cseq, to)) {
            (void)ua->transactions().send_request(std::move(*bye), to);
        }
    } else if (invite_tx && uas && invite_tx->last_status() < 200) {
        (void)invite_tx->respond(503, {}, local_tag);  // an unanswered INVITE
    }
    layer = nullptr;
    finished = true;
    state = DialogState::terminated;
    cancel_timers();
    stop_media();
    const std::error_code aborted = asio::error::operation_aborted;
    if (dial_done) post_done(std::exchange(dial_done, nullptr), aborted);
    for (auto& waiter : std::exchange(cancel_waiters, {}))
        post_done(std::move(waiter), aborted);
    if (reinvite_done) post_done(std::exchange(reinvite_done, nullptr), aborted);
    for (auto& waiter : std::exchange(bye_waiters, {}))
        post_done(std::move(waiter), aborted);
    if (invite_client) invite_client->on_provisional(nullptr);
    if (invite_client) invite_client->on_2xx_retransmission(nullptr);
}

// ---- Dialog ----

Dialog::Dialog(DialogContext context) : impl_(std::make_unique<Impl>(*this, context.layer())) {}

Dialog::~Dialog() {
    if (impl_ && impl_->media) impl_->media->session().set_owner(nullptr);
}

void Dialog::on_invite(const Request& /*invite*/) {
    reject(486);
}
void Dialog::on_bye() {}
void Dialog::on_cancel() {}
bool Dialog::on_reinvite(const sdp::SessionDescription& /*offer*/) {
    return true;
}
void Dialog::on_info(const Request& /*info*/) {}
void Dialog::on_confirmed() {}
void Dialog::on_progress(const Response& /*provisional*/) {}
void Dialog::on_media_changed(const sdp::Negotiated& /*negotiated*/) {}
void Dialog::on_terminated(EndReason /*reason*/, std::error_code /*detail*/) {}

DialogState Dialog::state() const noexcept {
    return impl_->state;
}
const std::string& Dialog::call_id() const noexcept {
    return impl_->call_id;
}
const std::string& Dialog::local_tag() const noexcept {
    return impl_->local_tag;
}
const std::string& Dialog::remote_tag() const noexcept {
    return impl_->remote_tag;
}
std::uint32_t Dialog::local_cseq() const noexcept {
    return impl_->local_cseq;
}
std::uint32_t Dialog::remote_cseq() const noexcept {
    return impl_->remote_cseq;
}
const Uri& Dialog::remote_target() const noexcept {
    return impl_->remote_target;
}
const std::vector<NameAddr>& Dialog::route_set() const noexcept {
    return impl_->route_set;
}
bool Dialog::secure() const noexcept {
    return impl_->secure;
}
bool Dialog::is_uas() const noexcept {
    return impl_->uas;
}
const Uri& Dialog::remote_uri() const noexcept {
    return impl_->remote_uri;
}
const Uri& Dialog::local_uri() const noexcept {
    return impl_->local_uri;
}
rtp::Session* Dialog::session() const noexcept {
    return impl_->media ? &impl_->media->session() : nullptr;
}
const std::optional<sdp::Negotiated>& Dialog::negotiated() const noexcept {
    return impl_->negotiated;
}
const std::optional<sdp::SessionDescription>& Dialog::local_sdp() const noexcept {
    return impl_->local_sdp;
}
const std::optional<sdp::SessionDescription>& Dialog::remote_sdp() const noexcept {
    return impl_->remote_sdp;
}
UserAgent& Dialog::user_agent() const {
    if (impl_->layer == nullptr) throw std::logic_error("sip::Dialog: the user agent is gone");
    return *impl_->ua;
}
unsigned Dialog::glare_retries() const noexcept {
    return impl_->glare_total;
}
asio::any_io_executor Dialog::executor() const {
    return impl_->executor;
}

std::shared_ptr<rtp::Session> Dialog::shared_session() const {
    return impl_->media ? impl_->media->shared() : nullptr;
}

rtp::Multiplexer* Dialog::media_multiplexer() const noexcept {
    return impl_->layer != nullptr ? &impl_->layer->multiplexer() : nullptr;
}

void Dialog::hang_up(rtp::Session& /*session*/, Done done) {
    start_bye(std::move(done));
}

}  // namespace voip::sip
