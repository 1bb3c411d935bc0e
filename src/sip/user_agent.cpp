#include <voip/log.hpp>
#include <voip/sip/transport_routing.hpp>
#include <voip/sip/user_agent.hpp>

#include <algorithm>
#include <system_error>

namespace voip::sip {
namespace {

constexpr std::string_view component = "sip.ua";

void ignore_send_error(std::error_code ec) {
    log::debug(component, "send failed: {}", ec.message());
}

}  // namespace

UserAgent::UserAgent(asio::any_io_executor executor, UserAgentConfig config)
    : executor_(std::move(executor)),
      config_(std::move(config)),
      caps_(config_.capabilities),
      transports_(executor_, config_.transport),
      transactions_(executor_, transports_, config_.timers),
      keepalive_timer_(executor_),
      rate_limiter_(config_.unauthenticated_rate) {
    transactions_.set_max_server_transactions(config_.max_server_transactions);
    for (const auto& local : config_.listen) {
        auto bound = transports_.listen(local);
        if (!bound) throw std::system_error(bound.error(), "UserAgent: listen on " + local);
        log::info(component, "listening on {}", bound->to_string());
    }
    transports_.on_message([this](ReceivedMessage& in) { receive(in); });
    transports_.on_bad_message([this](const BadMessage& bad) { answer_bad_message(bad); });
    transports_.on_flow_closed(
        [this](FlowId flow, const TransportAddress& remote, std::error_code reason) {
            flow_closed(flow, remote, reason);
        });
    transactions_.on_request([this](const IncomingRequest& in) { route(in); });
    transactions_.on_stray_response([this](const Response& response, const TransportAddress& from) {
        // RFC 3261 §18.1.2 / RFC 4475 bcast: a response matching no transaction is discarded
        // unless the dialog layer wants it (2xx retransmissions).
        if (dialogs_) dialogs_->on_stray_response(response, from);
    });
    if (config_.account) {
        registration_ = std::make_unique<Registration>(transactions_,
                                                       make_registration_config(*config_.account));
        registration_->on_state_change(
            [this](const RegistrationStatus& status) { on_registration_changed(status); });
    }
}

UserAgent::~UserAgent() {
    *alive_ = false;
    try {
        keepalive_timer_.cancel();
    } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw; the timer
                     // dies with us anyway
    }
}

RegistrationConfig UserAgent::make_registration_config(const AccountConfig& account) const {
    if (!account.aor.is_sip()) throw std::invalid_argument("UserAgent: the AOR must be sip/sips");
    RegistrationConfig rc;
    rc.aor = account.aor;
    std::string password = account.password;
    if (password.empty()) password = std::string(account.aor.password().value_or(""));
    std::string username =
        account.username.empty() ? account.aor.user_unescaped() : account.username;
    if (account.aor.password()) {
        // The AOR sent in To/From must not carry the password (RFC 3261 §19.1.1: NOT
        // RECOMMENDED there).
        rc.aor = Uri::make_sip(account.aor.user(), account.aor.host(), account.aor.port(),
                               account.aor.scheme() == Uri::Scheme::sips);
    }
    rc.credentials = DigestCredentials::from_password(std::move(username), std::move(password));
    rc.registrar_uri = account.registrar ? *account.registrar
                                         : Uri::make_sip({}, rc.aor.host(), rc.aor.port(),
                                                         rc.aor.scheme() == Uri::Scheme::sips);
    if (account.outbound_proxy) {
        auto to = TransportAddress::parse(*account.outbound_proxy);
        if (!to)
            throw std::invalid_argument("UserAgent: bad outbound_proxy " + *account.outbound_proxy);
        rc.registrar = *to;
        // RFC 3261 §26.2.2 / RFC 5630: a sips: AOR or registrar is reached over TLS only.
        const bool secure =
            rc.aor.scheme() == Uri::Scheme::sips || rc.registrar_uri.scheme() == Uri::Scheme::sips;
        if (secure && rc.registrar.kind != TransportKind::tls) {
            throw std::invalid_argument(
                "UserAgent: a sips: account needs a tls: outbound_proxy, not " +
                *account.outbound_proxy);
        }
    } else {
        auto to = resolve_target(rc.registrar_uri);
        if (!to) {
            throw std::invalid_argument("UserAgent: cannot resolve registrar " +
                                        rc.registrar_uri.to_string() + ": " + to.error().message());
        }
        rc.registrar = *to;
    }
    rc.expires = account.expires;
    rc.outbound = account.outbound;
    rc.instance_id = account.instance_id;
    rc.user_agent = config_.user_agent;
    rc.contact_address = config_.contact_address;
    rc.retry_base = config_.retry_base;
    rc.retry_max = config_.retry_max;
    return rc;
}

std::vector<TransportAddress> UserAgent::local_addresses() const {
    return transports_.local_addresses();
}

TransportAddress UserAgent::local_address(TransportKind kind) const {
    for (const auto& a : transports_.local_addresses()) {
        if (a.kind == kind) return a;
    }
    throw std::out_of_range("UserAgent: no local address of this transport");
}

void UserAgent::on_registration_state(RegistrationHandler handler) {
    on_registration_ = std::move(handler);
}

Registration& UserAgent::registration() {
    if (!registration_) throw std::logic_error("UserAgent: no account configured");
    return *registration_;
}

void UserAgent::on_request(std::string_view method, RequestHandler handler) {
    const std::string name(method);
    auto& allowed = caps_.allowed_methods;
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) allowed.push_back(name);
    handlers_[name] = std::move(handler);
}

void UserAgent::set_dialog_handler(std::shared_ptr<DialogHandler> handler) {
    dialogs_ = std::move(handler);
}

Request UserAgent::make_request(Method method, const Uri& target) const {
    Request request(method, target);
    request.add_header(HeaderId::max_forwards, "70");
    const std::string from = config_.account ? "<" + registration_->config().aor.to_string() + ">"
                                             : "\"Anonymous\" <sip:anonymous@anonymous.invalid>";
    request.add_header(HeaderId::from, from + ";tag=" + make_tag());
    request.add_header(HeaderId::to, "<" + target.to_string() + ">");
    request.add_header(HeaderId::call_id, make_tag() + make_tag());
    request.add_header(HeaderId::cseq, "1 " + std::string(to_string(method)));
    if (!config_.user_agent.empty()) request.add_header(HeaderId::user_agent, config_.user_agent);
    return request;
}

bool UserAgent::admit(const Request& request, const TransportAddress& source) {
    // Issue 11: only new out-of-dialog requests without credentials are metered; ACKs are never
    // answered and requests with a To tag belong to dialogs (or get a cheap 481).
    if (!rate_limiter_.enabled() || request.method_id() == Method::ack ||
        !request.to_tag().empty() || request.count(HeaderId::authorization) != 0 ||
        request.count(HeaderId::proxy_authorization) != 0) {
        return true;
    }
    if (rate_limiter_.allow(source.address)) return true;
    const auto refused = rate_limiter_.refused();
    if (refused == 1 || refused % 1000 == 0) {
        log::warning(component, "rate limit: {} from {} refused ({} so far)", request.method(),
                     source.to_string(), refused);
    }
    if (config_.unauthenticated_rate.answer_503) {
        // Stateless (RFC 3261 §8.2.6 / §21.5.4): no transaction is spent on the refusal.
        Response response = Response::make_for(request, 503, {}, make_tag());
        response.add_header(HeaderId::retry_after, "1");
        if (!config_.user_agent.empty()) response.add_header(HeaderId::server, config_.user_agent);
        transports_.send(response, source, ignore_send_error);
    }
    return false;
}

void UserAgent::receive(ReceivedMessage& in) {
    if (const auto* request = std::get_if<Request>(&in.message);
        request != nullptr && !admit(*request, in.source)) {
        return;
    }
    auto used = transactions_.receive(in.message, in.source);
    if (used) return;
    // No usable Via or CSeq: the transaction layer cannot take it. Requests (not ACK) get a
    // stateless 400 (RFC 3261 §8.2 / §16.3); responses are dropped (§18.1.2).
    const auto* request = std::get_if<Request>(&in.message);
    if (request == nullptr || request->method_id() == Method::ack) return;
    log::debug(component, "unmatchable request from {}: {}", in.source.to_string(),
               used.error().message());
    auto bad = make_stateless_error(request->to_string(), ParseError::missing_header);
    if (bad) transports_.send(*bad, in.source, ignore_send_error);
}

void UserAgent::answer_bad_message(const BadMessage& bad) {
    // RFC 3261 §8.2 / RFC 4475 §3.1.2: 400 (505 for a wrong version) to what we cannot parse,
    // built from the raw header lines; nothing when there is no Via to route it by.
    auto response = make_stateless_error(bad.bytes, bad.error);
    if (!response) return;
    if (!config_.user_agent.empty()) response->add_header(HeaderId::server, config_.user_agent);
    log::debug(component, "answering {} to unparsable request from {} ({})",
               response->status_code(), bad.source.to_string(), bad.error.message());
    transports_.send(*response, bad.source, ignore_send_error);
}

void UserAgent::answer(ServerTransaction& tx, int status, const std::vector<HeaderLine>& headers) {
    Response response =
        Response::make_for(tx.request(), status, {}, status > 100 ? make_tag() : "");
    for (const auto& [name, value] : headers)
        response.add_header(name, value);
    if (!config_.user_agent.empty()) response.add_header(HeaderId::server, config_.user_agent);
    if (auto sent = tx.respond(std::move(response)); !sent) {
        log::debug(component, "respond {} failed: {}", status, sent.error().message());
    }
}

void UserAgent::route(const IncomingRequest& in) {
    const Request& request = in.request;
    if (!in.transaction) {
        // An ACK for a 2xx: the dialog's (§13.3.1.4); never answered.
        if (dialogs_) (void)dialogs_->on_dialog_request(in);
        return;
    }
    ServerTransaction& tx = *in.transaction;
    if (in.merged_with) {
        answer(tx, 482);  // RFC 3261 §8.2.2.2: Loop Detected
        return;
    }
    const UasVerdict verdict = check_request(request, caps_);
    if (!verdict.passed()) {
        answer(tx, verdict.status, verdict.headers);
        return;
    }
    if (in.source.kind != TransportKind::tls && (request.request_uri_text().starts_with("sips:") ||
                                                 request.request_uri_text().starts_with("SIPS:"))) {
        // RFC 3261 §26.2.2 / RFC 5630: a SIPS URI promises TLS on every hop; a request for one
        // that reached us over UDP or plain TCP broke that promise, so it is not served.
        log::info(component, "{} for a sips: URI over {} from {}: refused", request.method(),
                  to_string(in.source.kind), in.source.to_string());
        answer(tx, 416);
        return;
    }
    const Method method = request.method_id();
    if (method == Method::cancel) {
        handle_cancel(in);
        return;
    }
    if (auto it = handlers_.find(request.method()); it != handlers_.end()) {
        it->second(in);
        return;
    }
    if (method == Method::options) {
        // RFC 3261 §11.2: answered as an INVITE would be (200 here: we take calls).
        Response response = make_options_response(request, caps_, make_tag());
        if (!config_.user_agent.empty()) response.add_header(HeaderId::server, config_.user_agent);
        (void)tx.respond(std::move(response));
        return;
    }
    if (!request.to_tag().empty()) {
        // RFC 3261 §12.2.2: a request inside a dialog we do not know gets 481.
        if (!dialogs_ || !dialogs_->on_dialog_request(in)) answer(tx, 481);
        return;
    }
    switch (method) {
        case Method::invite:
            // RFC 3261 §21.4.18: nobody to take the call (no dialog layer installed).
            if (dialogs_) {
                dialogs_->on_invite(in);
            } else {
                answer(tx, 480);
            }
            return;
        case Method::bye:
            answer(tx, 481);  // a BYE outside any dialog (§15.1.2)
            return;
        default:
            // Allowed by the capabilities but nobody handles it.
            answer(tx, 405, {{"Allow", [this] {
                                  std::string allow;
                                  for (const auto& m : caps_.allowed_methods) {
                                      if (!allow.empty()) allow += ", ";
                                      allow += m;
                                  }
                                  return allow;
                              }()}});
            return;
    }
}

void UserAgent::handle_cancel(const IncomingRequest& in) {
    // RFC 3261 §9.2: a CANCEL matching an INVITE server transaction gets 200, and the INVITE,
    // if not answered finally yet, 487 Request Terminated. Otherwise 481.
    auto invite = transactions_.find_invite_for_cancel(in.request);
    if (!invite) {
        answer(*in.transaction, 481);
        return;
    }
    answer(*in.transaction, 200);
    if (invite->last_status() < 200) {
        answer(*invite, 487);
        if (dialogs_) dialogs_->on_cancelled(invite);
    }
}

void UserAgent::on_registration_changed(const RegistrationStatus& status) {
    if (status.state == RegistrationState::registered) {
        schedule_keepalive();
    } else if (status.state != RegistrationState::registering) {
        keepalive_timer_.cancel();
    }
    if (on_registration_) on_registration_(status);
}

void UserAgent::schedule_keepalive() {
    if (!config_.keepalive.enabled || !registration_) return;
    const bool stream = registration_->config().registrar.kind != TransportKind::udp;
    keepalive_timer_.expires_after(stream ? config_.keepalive.stream_interval
                                          : config_.keepalive.udp_interval);
    keepalive_timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](std::error_code ec) {
        if (ec || alive.expired()) return;
        send_keepalive();
    });
}

void UserAgent::send_keepalive() {
    if (!registration_ || registration_->status().state != RegistrationState::registered) return;
    const TransportAddress registrar = registration_->config().registrar;
    ++keepalives_sent_;
    if (registrar.kind == TransportKind::udp) {
        // No STUN: an OPTIONS to the registrar. Any final response proves the path; only a
        // timeout or a transport error means it is gone.
        auto options = make_request(Method::options, registration_->config().registrar_uri);
        transactions_.async_send_request(
            std::move(options), registrar,
            [this, alive = std::weak_ptr<bool>(alive_)](std::error_code ec, const Response&) {
                if (alive.expired()) return;
                if (ec) {
                    registration_->keepalive_failed(ec);
                    return;
                }
                schedule_keepalive();
            });
        return;
    }
    auto flow = transports_.flow_to(registrar);
    if (!flow) {
        registration_->connection_lost(TransportError::connection_closed);
        return;
    }
    // RFC 5626 §4.4.1: CRLFCRLF ping, CRLF pong; no pong in time → the flow is dead.
    transports_.send_keepalive(
        *flow, config_.keepalive.pong_timeout,
        [this, alive = std::weak_ptr<bool>(alive_), f = *flow](std::error_code ec) {
            if (alive.expired()) return;
            if (ec) {
                log::info(component, "keep-alive on flow {} failed: {}", f, ec.message());
                transports_.close_flow(f);  // flow_closed() then re-registers
                registration_->keepalive_failed(ec);
                return;
            }
            schedule_keepalive();
        });
}

void UserAgent::flow_closed(FlowId /*flow*/, const TransportAddress& remote,
                            std::error_code reason) {
    // RFC 3261 §17.1.4: what was sent on the connection will never be answered on it.
    (void)transactions_.connection_lost(remote);
    if (!registration_ || remote != registration_->config().registrar) return;
    // RFC 5626 §4.4 / §4.5: the flow to the registrar broke: re-register with back-off (the
    // transport reconnects on demand).
    keepalive_timer_.cancel();
    registration_->connection_lost(reason);
}

}  // namespace voip::sip
