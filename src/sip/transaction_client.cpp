// The driver of a client transaction: performs the ClientMachine's actions with the layer's
// channel and timers.
#include <voip/log.hpp>
#include <voip/sip/client_transaction.hpp>
#include <voip/sip/transaction_layer.hpp>
#include <voip/sip/transaction_requests.hpp>

#include "transaction_actions.hpp"

namespace voip::sip {
namespace {

constexpr std::string_view component = "sip.transaction";

// RFC 3261 §8.1.3.1: a timeout is treated as 408, a transport failure as 503.
Response synthesized_failure(const Request& request, std::error_code error) {
    int status = 500;
    if (error == TransactionError::timeout) status = 408;
    if (error == TransactionError::transport_error) status = 503;
    return Response::make_for(request, status);
}

}  // namespace

ClientTransaction::ClientTransaction(TransactionLayer& layer, Request request, TransportAddress to,
                                     std::string branch, std::string key, bool reliable)
    : layer_(&layer),
      executor_(layer.executor()),
      request_(std::move(request)),
      to_(std::move(to)),
      branch_(std::move(branch)),
      key_(std::move(key)),
      machine_(request_.method_id() == Method::invite, reliable, layer.config()) {}

ClientTransaction::~ClientTransaction() {
    if (!waiters_.empty()) {
        if (!final_ && !error_) error_ = TransactionError::terminated;
        complete_waiters();
    }
}

void ClientTransaction::start() {
    auto self = shared_from_this();
    run(machine_.start(), nullptr);
}

void ClientTransaction::receive(const Response& response) {
    auto self = shared_from_this();
    run(machine_.on_response(response.status_code()), &response);
}

void ClientTransaction::fire(TxTimer timer) {
    auto self = shared_from_this();
    timers_[static_cast<std::size_t>(timer)] = 0;
    log::trace(component, "client {} timer {} fired in {}", branch_, to_string(timer),
               to_string(machine_.state()));
    run(machine_.on_timer(timer), nullptr);
}

void ClientTransaction::detach() {
    if (layer_ != nullptr) detail::cancel_timers(layer_->timers(), timers_);
    layer_ = nullptr;
    if (!waiters_.empty() && !final_ && !error_) {
        error_ = TransactionError::terminated;
        complete_waiters();
    }
}

void ClientTransaction::wait(std::unique_ptr<detail::FinalResponseHandler> handler) {
    if (!final_ && !error_ && layer_ == nullptr) error_ = TransactionError::terminated;
    waiters_.push_back(std::move(handler));
    if (final_ || error_) complete_waiters();
}

void ClientTransaction::complete_waiters() {
    auto waiters = std::move(waiters_);
    waiters_.clear();
    for (auto& waiter : waiters) {
        if (final_) {
            waiter->complete({}, *final_);
        } else {
            waiter->complete(error_, synthesized_failure(request_, error_));
        }
    }
}

void ClientTransaction::fail(std::error_code error) {
    error_ = error;
    log::debug(component, "client {} {} failed: {}", branch_, request_.method(), error.message());
    complete_waiters();
}

void ClientTransaction::send(const Message& message) {
    std::weak_ptr<ClientTransaction> weak = weak_from_this();
    layer_->channel().send(message, to_, [weak](std::error_code ec) {
        auto self = weak.lock();
        if (!self || self->layer_ == nullptr) return;
        self->transport_detail_ = ec;
        self->run(self->machine_.on_transport_error(), nullptr);
    });
}

void ClientTransaction::run(const Actions& actions, const Response* response) {
    for (const Action& action : actions) {
        if (layer_ == nullptr) return;  // detached (the layer is gone) by a callback
        auto& timer_id = timers_[static_cast<std::size_t>(action.timer)];
        switch (action.kind) {
            case ActionKind::send_request:
                send(request_);
                break;
            case ActionKind::send_ack:
                // §17.1.1.3: built once from the first final response; a retransmitted final
                // response gets the same ACK again.
                if (!ack_ && response != nullptr) ack_ = make_ack_for_non2xx(request_, *response);
                if (ack_) send(*ack_);
                break;
            case ActionKind::start_timer: {
                if (timer_id != 0) layer_->timers().cancel(timer_id);
                std::weak_ptr<ClientTransaction> weak = weak_from_this();
                timer_id = layer_->timers().start(action.delay, [weak, t = action.timer] {
                    if (auto self = weak.lock()) self->fire(t);
                });
                break;
            }
            case ActionKind::stop_timer:
                if (timer_id != 0) layer_->timers().cancel(timer_id);
                timer_id = 0;
                break;
            case ActionKind::deliver_provisional:
                if (response != nullptr && on_provisional_) on_provisional_(*response);
                break;
            case ActionKind::deliver_final:
                if (response != nullptr) {
                    final_ = *response;
                    complete_waiters();
                }
                break;
            case ActionKind::deliver_2xx:
                if (response != nullptr && on_2xx_) on_2xx_(*response);
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
