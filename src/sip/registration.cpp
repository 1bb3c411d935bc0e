#include <voip/log.hpp>
#include <voip/sip/registration.hpp>
#include <voip/sip/transaction_requests.hpp>
#include <voip/sip/uas_policy.hpp>

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace voip::sip {
namespace {

constexpr std::string_view component = "sip.registration";

class RegistrationCategory final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "voip.sip.registration"; }
    [[nodiscard]] std::string message(int value) const override {
        switch (static_cast<RegistrationError>(value)) {
            case RegistrationError::authentication_failed:
                return "authentication failed (credentials rejected)";
            case RegistrationError::rejected:
                return "registration rejected by the registrar";
            case RegistrationError::cancelled:
                return "registration cancelled";
            case RegistrationError::too_many_rounds:
                return "too many challenge rounds";
        }
        return "unknown registration error";
    }
};

// RFC 4122 §4.4: a version 4 (random) UUID, as a URN (RFC 5626 §4.1 +sip.instance).
std::string make_instance_id() {
    std::array<unsigned char, 16> b{};
    if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
        throw std::runtime_error("RAND_bytes failed");
    }
    b[6] = static_cast<unsigned char>((b[6] & 0x0fU) | 0x40U);
    b[8] = static_cast<unsigned char>((b[8] & 0x3fU) | 0x80U);
    static constexpr std::string_view hex = "0123456789abcdef";
    std::string out = "urn:uuid:";
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        out += hex[b[i] >> 4U];
        out += hex[b[i] & 0x0fU];
    }
    return out;
}

// Statuses after which trying again later may succeed (RFC 3261 §21: server busy/overloaded,
// timeouts); any other final error is the registrar's considered answer.
bool transient_status(int status) {
    return status == 408 || status == 480 || status == 500 || status == 503 || status == 504;
}

}  // namespace

const std::error_category& registration_category() noexcept {
    static const RegistrationCategory category;
    return category;
}

std::string_view to_string(RegistrationState state) noexcept {
    switch (state) {
        case RegistrationState::unregistered:
            return "unregistered";
        case RegistrationState::registering:
            return "registering";
        case RegistrationState::registered:
            return "registered";
        case RegistrationState::unregistering:
            return "unregistering";
        case RegistrationState::failed:
            return "failed";
    }
    return "unknown";
}

Registration::Registration(TransactionLayer& layer, RegistrationConfig config)
    : layer_(layer),
      executor_(layer.executor()),
      config_(std::move(config)),
      digest_(config_.credentials),
      timer_(executor_),
      call_id_(make_tag() + make_tag()),
      from_tag_(make_tag()),
      requested_expires_(config_.expires) {
    if (!config_.aor.is_sip()) throw std::invalid_argument("Registration: AOR must be sip/sips");
    if (config_.registrar_uri.empty()) {
        config_.registrar_uri = Uri::make_sip({}, config_.aor.host(), config_.aor.port());
    }
    if (config_.instance_id.empty()) config_.instance_id = make_instance_id();
    if (config_.contact_user.empty()) config_.contact_user = config_.aor.user();
}

Registration::~Registration() {
    *alive_ = false;
    try {
        timer_.cancel();
        complete_register_waiters(RegistrationError::cancelled);
        complete_unregister_waiters(RegistrationError::cancelled);
    } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw; posting
                     // a completion can only fail on allocation, and then nobody can be told
    }
}

std::chrono::milliseconds Registration::refresh_delay(std::uint32_t expires) noexcept {
    const auto e_ms = static_cast<std::int64_t>(expires) * 1000;
    const std::int64_t half = e_ms / 2;
    const std::int64_t early = std::min(e_ms * 85 / 100, e_ms - 32000);
    return std::chrono::milliseconds(std::max(half, early));
}

std::chrono::milliseconds Registration::backoff_delay(int attempt, std::chrono::milliseconds base,
                                                      std::chrono::milliseconds max) noexcept {
    auto delay = base;
    for (int i = 1; i < attempt && delay < max; ++i)
        delay *= 2;
    return std::min(delay, max);
}

std::string Registration::contact(bool expires_zero) const {
    const TransportKind kind = config_.registrar.kind;
    std::string uri = config_.aor.scheme() == Uri::Scheme::sips ? "sips:" : "sip:";
    if (!config_.contact_user.empty()) uri += config_.contact_user + "@";
    uri += config_.contact_address.empty() ? layer_.channel().sent_by(config_.registrar)
                                           : config_.contact_address;
    if (kind != TransportKind::udp) uri += std::string(";transport=") += to_string(kind);
    // RFC 5626 §5.4 / §4.2: `ob` marks a Contact reached through this flow.
    if (config_.outbound) uri += ";ob";
    std::string value = "<" + uri + ">";
    if (config_.outbound) {
        // RFC 5626 §4.2.1: +sip.instance and reg-id identify the UA instance and the flow.
        value += ";reg-id=" + std::to_string(config_.reg_id);
        value += ";+sip.instance=\"<" + config_.instance_id + ">\"";
    }
    if (expires_zero) value += ";expires=0";
    return value;
}

void Registration::start_register(std::unique_ptr<detail::ErrorCompletion> waiter) {
    register_waiters_.push_back(std::move(waiter));
    wanted_ = true;
    unregistering_ = false;
    requested_expires_ = config_.expires;
    retry_attempt_ = 0;
    begin_attempt();
}

void Registration::start_unregister(std::unique_ptr<detail::ErrorCompletion> waiter) {
    const bool had_binding = status_.state == RegistrationState::registered ||
                             status_.state == RegistrationState::registering ||
                             (status_.state == RegistrationState::failed && wanted_);
    wanted_ = false;
    timer_.cancel();
    status_.retry_scheduled = false;
    complete_register_waiters(RegistrationError::cancelled);
    if (!had_binding && !in_flight_) {
        // Nothing at the registrar to remove.
        set_state(RegistrationState::unregistered);
        waiter->complete({});
        return;
    }
    unregister_waiters_.push_back(std::move(waiter));
    unregistering_ = true;
    begin_attempt();
}

void Registration::begin_attempt() {
    if (in_flight_) {
        pending_send_ = true;  // sent when the REGISTER in flight completes
        return;
    }
    timer_.cancel();
    status_.retry_scheduled = false;
    rounds_ = 0;
    // A new round: credentials cached from the last challenge are sent pre-emptively, but
    // a 401 to them is not yet proof of a wrong password (the nonce may just be old).
    answered_ = false;
    set_state(unregistering_ ? RegistrationState::unregistering : RegistrationState::registering);
    send_register();
}

void Registration::send_register() {
    Request request(Method::register_, config_.registrar_uri);
    request.add_header(HeaderId::max_forwards, "70");
    request.add_header(HeaderId::to, "<" + config_.aor.to_string() + ">");
    request.add_header(HeaderId::from, "<" + config_.aor.to_string() + ">;tag=" + from_tag_);
    request.add_header(HeaderId::call_id, call_id_);
    // RFC 3261 §10.2.4: the same Call-ID and an increasing CSeq for every REGISTER.
    request.add_header(HeaderId::cseq, std::to_string(++cseq_) + " REGISTER");
    request.add_header(HeaderId::contact, contact(unregistering_));
    request.add_header(HeaderId::expires, std::to_string(unregistering_ ? 0U : requested_expires_));
    if (config_.outbound) request.add_header(HeaderId::supported, "outbound, path");
    if (!config_.user_agent.empty()) request.add_header(HeaderId::user_agent, config_.user_agent);
    if (digest_.has_challenge()) {
        auto value = digest_.authorization("REGISTER", config_.registrar_uri.to_string());
        if (value) {
            request.add_header(
                auth_header_proxy_ ? HeaderId::proxy_authorization : HeaderId::authorization,
                *value);
        }
    }
    in_flight_ = true;
    ++requests_sent_;
    log::debug(component, "REGISTER {} to {} (CSeq {}, expires {})", config_.aor.to_string(),
               config_.registrar.to_string(), cseq_, unregistering_ ? 0U : requested_expires_);
    layer_.async_send_request(
        std::move(request), config_.registrar,
        [this, alive = std::weak_ptr<bool>(alive_)](std::error_code ec, const Response& response) {
            if (alive.expired()) return;
            in_flight_ = false;
            on_response(ec, response);
        });
}

void Registration::on_response(std::error_code error, const Response& response) {
    if (pending_send_) {
        // The application asked for something else (unregister, re-register) meanwhile:
        // that request supersedes this answer.
        pending_send_ = false;
        begin_attempt();
        return;
    }
    if (error) {
        // Timer F or a transport failure: transient (RFC 5626 §4.5: retry with back-off).
        on_failure(error, response.status_code(), true);
        return;
    }
    const int status = response.status_code();
    status_.last_status = status;
    if (status >= 200 && status < 300) {
        on_success(response);
        return;
    }
    if (status == 401 || status == 407) {
        if (++rounds_ > config_.max_rounds) {
            on_failure(RegistrationError::too_many_rounds, status, false);
            return;
        }
        const auto values =
            status == 401 ? response.www_authenticate() : response.proxy_authenticate();
        auto challenge = select_challenge(values);
        if (!challenge) {
            log::warning(component, "unusable challenge in {}: {}", status,
                         challenge.error().message());
            on_failure(RegistrationError::authentication_failed, status, false);
            return;
        }
        // RFC 3261 §22.2 / RFC 7616 §3.3: a fresh challenge to an answer of this round means
        // the credentials are wrong; stale=true is retried once. Never a loop.
        if (auto taken = digest_.on_challenge(*challenge, answered_); !taken) {
            log::info(component, "credentials refused ({})", taken.error().message());
            on_failure(RegistrationError::authentication_failed, status, false);
            return;
        }
        auth_header_proxy_ = status == 407;
        answered_ = true;
        send_register();
        return;
    }
    if (status == 423) {
        // RFC 3261 §10.2.8: Interval Too Brief: ask again with the registrar's minimum.
        auto min = response.header(HeaderId::min_expires);
        auto value = min ? parse_uint32(*min) : std::nullopt;
        if (value && *value > requested_expires_ && ++rounds_ <= config_.max_rounds) {
            requested_expires_ = *value;
            send_register();
            return;
        }
    }
    on_failure(RegistrationError::rejected, status, transient_status(status));
}

std::uint32_t Registration::granted_expires(const Response& response) const {
    // RFC 3261 §10.2.4: the 200 lists every binding; ours is the one with our instance id
    // (RFC 5626 §6) or our Contact URI. Its expires parameter wins over the Expires header.
    auto contacts = response.contacts();
    const std::string ours = contact();
    auto ours_parsed = NameAddr::parse(ours);
    if (contacts) {
        for (const auto& c : *contacts) {
            bool match = false;
            if (auto instance = c.param("+sip.instance"); instance && config_.outbound) {
                match = unquote(*instance) == "<" + config_.instance_id + ">";
            }
            if (!match && ours_parsed) match = c.uri().equivalent(ours_parsed->uri());
            if (match) {
                if (auto e = c.expires()) return *e;
            }
        }
    }
    if (auto e = response.expires()) return *e;
    return requested_expires_;
}

void Registration::on_success(const Response& response) {
    digest_.on_success();
    retry_attempt_ = 0;
    if (unregistering_) {
        unregistering_ = false;
        status_.expires = 0;
        set_state(RegistrationState::unregistered);
        complete_unregister_waiters({});
        return;
    }
    const std::uint32_t granted = granted_expires(response);
    if (granted == 0) {
        // The registrar dropped our binding at once: nothing registered.
        on_failure(RegistrationError::rejected, response.status_code(), false);
        return;
    }
    status_.expires = granted;
    status_.expires_at = std::chrono::steady_clock::now() + std::chrono::seconds(granted);
    set_state(RegistrationState::registered);
    complete_register_waiters({});
    schedule(refresh_delay(granted), false);
}

void Registration::on_failure(std::error_code reason, int status, bool transient) {
    status_.last_status = status;
    if (unregistering_) {
        unregistering_ = false;
        set_state(RegistrationState::failed, reason);
        complete_unregister_waiters(reason);
        return;
    }
    const bool retry = transient && wanted_;
    status_.retry_scheduled = retry;
    set_state(RegistrationState::failed, reason);
    complete_register_waiters(reason);
    if (retry) {
        ++retry_attempt_;
        schedule(backoff_delay(retry_attempt_, config_.retry_base, config_.retry_max), true);
    } else {
        wanted_ = false;
    }
}

void Registration::connection_lost(std::error_code reason) {
    // A REGISTER in flight reports the failure itself; a retry already pending covers it.
    if (!wanted_ || unregistering_ || in_flight_ || status_.retry_scheduled) return;
    log::info(component, "flow to {} lost ({}): re-registering", config_.registrar.to_string(),
              reason.message());
    ++retry_attempt_;
    status_.retry_scheduled = true;
    set_state(RegistrationState::failed, reason);
    schedule(backoff_delay(retry_attempt_, config_.retry_base, config_.retry_max), true);
}

void Registration::schedule(std::chrono::milliseconds delay, bool retry) {
    timer_.expires_after(delay);
    timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_), retry](std::error_code ec) {
        if (ec || alive.expired() || !wanted_) return;
        log::debug(component, "{} of {}", retry ? "retry" : "refresh", config_.aor.to_string());
        begin_attempt();
    });
}

void Registration::set_state(RegistrationState state, std::error_code reason) {
    status_.state = state;
    status_.reason = reason;
    if (state != RegistrationState::registered) {
        if (state != RegistrationState::registering) status_.expires = 0;
    }
    if (on_state_) {
        auto copy = status_;  // the handler may call back into us
        on_state_(copy);
    }
}

void Registration::complete_register_waiters(std::error_code error) {
    auto waiters = std::move(register_waiters_);
    register_waiters_.clear();
    for (auto& w : waiters)
        w->complete(error);
}

void Registration::complete_unregister_waiters(std::error_code error) {
    auto waiters = std::move(unregister_waiters_);
    unregister_waiters_.clear();
    for (auto& w : waiters)
        w->complete(error);
}

}  // namespace voip::sip
