// The driver of a server transaction: performs the ServerMachine's actions with the layer's
// channel and timers.
#include <voip/log.hpp>
#include <voip/sip/server_transaction.hpp>
#include <voip/sip/transaction_layer.hpp>

#include <asio/post.hpp>

#include <utility>

#include "transaction_actions.hpp"

namespace voip::sip {
namespace {
constexpr std::string_view component = "sip.transaction";

// True in the states reached by a final response: the request is no longer needed there.
bool answered_finally(ServerState state) {
    return state == ServerState::completed || state == ServerState::confirmed ||
           state == ServerState::accepted || state == ServerState::terminated;
}
}  // namespace

ServerTransaction::ServerTransaction(TransactionLayer& layer, Request request,
                                     TransportAddress source, std::string key, bool reliable)
    : layer_(&layer),
      request_(std::make_unique<Request>(std::move(request))),
      source_(std::move(source)),
      key_(std::move(key)),
      machine_(request_->method_id() == Method::invite, reliable, layer.config()) {}

ServerTransaction::~ServerTransaction() = default;

const Request& ServerTransaction::request() const noexcept {
    if (request_) return *request_;
    // A placeholder rather than a dangling reference for a TU that reads too late.
    static const Request released(std::string_view("RELEASED"),
                                  Uri::parse("sip:released.invalid").value());
    return released;
}

std::string_view ServerTransaction::method() const noexcept {
    if (request_) return request_->method();
    return machine_.invite() ? "INVITE" : "request";
}

std::optional<Response> ServerTransaction::last_response() const {
    if (!last_.bytes) return std::nullopt;
    auto parsed = Response::parse(std::string_view(*last_.bytes));
    if (!parsed) return std::nullopt;
    return std::move(*parsed);
}

void ServerTransaction::start() {
    auto self = shared_from_this();
    run(machine_.start(), nullptr);
}

Result<void> ServerTransaction::respond(const Response& response) {
    if (layer_ == nullptr) return TransactionError::terminated;
    const int status = response.status_code();
    if (!machine_.can_respond(status)) return TransactionError::invalid_response;
    auto self = shared_from_this();
    pending_ = &response;  // sent by the machine's send_response action, in its place
    run(machine_.on_tu_response(status), nullptr);
    pending_ = nullptr;
    if (answered_finally(machine_.state())) release_request_later();
    return {};
}

Result<void> ServerTransaction::respond(int status, std::string_view reason,
                                        std::string_view to_tag) {
    if (status < 100 || status > 699 || !request_) return TransactionError::invalid_response;
    return respond(Response::make_for(*request_, status, reason, to_tag));
}

Result<void> ServerTransaction::resend_2xx() {
    if (layer_ == nullptr) return TransactionError::terminated;
    if (machine_.state() != ServerState::accepted || !machine_.can_respond(last_status_)) {
        return TransactionError::invalid_response;
    }
    auto self = shared_from_this();
    // RFC 6026 §7.1: the TU's 2xx retransmission passes through Accepted (send_response).
    run(machine_.on_tu_response(last_status_), nullptr);
    return {};
}

void ServerTransaction::send_response(const Response& response) {
    // The bytes are the transport's own (shared): a retransmission re-sends them as they are.
    std::weak_ptr<ServerTransaction> weak = weak_from_this();
    last_ = layer_->channel().send_kept(response, source_, [weak](std::error_code ec) {
        auto self = weak.lock();
        if (!self || self->layer_ == nullptr) return;
        log::debug(component, "server {} transport error: {}", self->key_, ec.message());
        self->run(self->machine_.on_transport_error(), nullptr);
    });
    last_status_ = response.status_code();
    if (key_.starts_with("2543|")) last_to_tag_ = std::string(response.to_tag());
}

void ServerTransaction::release_request_later() {
    // Not now: the TU's handler that answered may still read the request (IncomingRequest
    // refers to it) until it returns.
    if (release_posted_ || !request_ || layer_ == nullptr) return;
    release_posted_ = true;
    asio::post(layer_->executor(), [weak = weak_from_this()] {
        if (auto self = weak.lock()) self->request_.reset();
    });
}

void ServerTransaction::receive_retransmission() {
    auto self = shared_from_this();
    log::trace(component, "server {} absorbed a retransmitted {} in {}", key_, method(),
               to_string(machine_.state()));
    run(machine_.on_request_retransmission(), nullptr);
}

void ServerTransaction::receive_ack(const Request& ack) {
    auto self = shared_from_this();
    run(machine_.on_ack(), &ack);
}

void ServerTransaction::fire(TxTimer timer) {
    auto self = shared_from_this();
    timers_[static_cast<std::size_t>(timer)] = 0;
    run(machine_.on_timer(timer), nullptr);
}

void ServerTransaction::detach() {
    if (layer_ != nullptr) detail::cancel_timers(layer_->timers(), timers_);
    layer_ = nullptr;
}

void ServerTransaction::send_last() {
    if (!last_.bytes) return;
    std::weak_ptr<ServerTransaction> weak = weak_from_this();
    layer_->channel().resend(last_, [weak](std::error_code ec) {
        auto self = weak.lock();
        if (!self || self->layer_ == nullptr) return;
        log::debug(component, "server {} transport error: {}", self->key_, ec.message());
        self->run(self->machine_.on_transport_error(), nullptr);
    });
}

void ServerTransaction::fail(std::error_code error) {
    log::debug(component, "server {} {} failed: {}", key_, method(), error.message());
    if (on_error_) on_error_(error);
}

void ServerTransaction::run(const Actions& actions, const Request* ack) {
    for (const Action& action : actions) {
        if (layer_ == nullptr) return;
        auto& timer_id = timers_[static_cast<std::size_t>(action.timer)];
        switch (action.kind) {
            case ActionKind::send_trying: {
                // §8.2.6.1: 100 Trying copies Timestamp; no To tag needed. The request is
                // still here: Trying precedes any final response.
                if (!request_) break;
                Response trying = Response::make_for(*request_, 100);
                if (auto ts = request_->header(HeaderId::timestamp)) {
                    trying.add_header(HeaderId::timestamp, *ts);
                }
                send_response(trying);
                break;
            }
            case ActionKind::send_response:
                // A new response from respond(), else a retransmission of the last one.
                if (pending_ != nullptr) {
                    send_response(*std::exchange(pending_, nullptr));
                } else {
                    send_last();
                }
                break;
            case ActionKind::start_timer: {
                if (timer_id != 0) layer_->timers().cancel(timer_id);
                std::weak_ptr<ServerTransaction> weak = weak_from_this();
                timer_id = layer_->timers().start(action.delay, [weak, t = action.timer] {
                    if (auto self = weak.lock()) self->fire(t);
                });
                break;
            }
            case ActionKind::stop_timer:
                if (timer_id != 0) layer_->timers().cancel(timer_id);
                timer_id = 0;
                break;
            case ActionKind::deliver_ack:
                if (ack != nullptr) {
                    if (on_ack_) {
                        on_ack_(*ack);
                    } else {
                        layer_->pass_ack_up(*ack, source_);
                    }
                }
                break;
            case ActionKind::timeout:
                fail(TransactionError::timeout);
                break;
            case ActionKind::transport_error:
                fail(TransactionError::transport_error);
                break;
            case ActionKind::terminated: {
                detail::cancel_timers(layer_->timers(), timers_);
                TransactionLayer* layer = layer_;
                layer_ = nullptr;
                layer->remove(*this);
                return;
            }
            default:
                break;
        }
    }
}

}  // namespace voip::sip
