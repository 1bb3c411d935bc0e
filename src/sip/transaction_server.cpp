// The driver of a server transaction: performs the ServerMachine's actions with the layer's
// channel and timers.
#include <voip/log.hpp>
#include <voip/sip/server_transaction.hpp>
#include <voip/sip/transaction_layer.hpp>

#include "transaction_actions.hpp"

namespace voip::sip {
namespace {
constexpr std::string_view component = "sip.transaction";
}  // namespace

ServerTransaction::ServerTransaction(TransactionLayer& layer, Request request,
                                     TransportAddress source, std::string key, bool reliable)
    : layer_(&layer),
      request_(std::move(request)),
      source_(std::move(source)),
      key_(std::move(key)),
      machine_(request_.method_id() == Method::invite, reliable, layer.config()) {}

ServerTransaction::~ServerTransaction() = default;

void ServerTransaction::start() {
    auto self = shared_from_this();
    run(machine_.start(), nullptr);
}

Result<void> ServerTransaction::respond(Response response) {
    if (layer_ == nullptr) return TransactionError::terminated;
    const int status = response.status_code();
    if (!machine_.can_respond(status)) return TransactionError::invalid_response;
    auto self = shared_from_this();
    last_ = std::move(response);
    run(machine_.on_tu_response(status), nullptr);
    return {};
}

Result<void> ServerTransaction::respond(int status, std::string_view reason,
                                        std::string_view to_tag) {
    if (status < 100 || status > 699) return TransactionError::invalid_response;
    return respond(Response::make_for(request_, status, reason, to_tag));
}

void ServerTransaction::receive_retransmission() {
    auto self = shared_from_this();
    log::trace(component, "server {} absorbed a retransmitted {} in {}", key_, request_.method(),
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
    if (!last_) return;
    std::weak_ptr<ServerTransaction> weak = weak_from_this();
    layer_->channel().send(*last_, source_, [weak](std::error_code ec) {
        auto self = weak.lock();
        if (!self || self->layer_ == nullptr) return;
        log::debug(component, "server {} transport error: {}", self->key_, ec.message());
        self->run(self->machine_.on_transport_error(), nullptr);
    });
}

void ServerTransaction::fail(std::error_code error) {
    log::debug(component, "server {} {} failed: {}", key_, request_.method(), error.message());
    if (on_error_) on_error_(error);
}

void ServerTransaction::run(const Actions& actions, const Request* ack) {
    for (const Action& action : actions) {
        if (layer_ == nullptr) return;
        auto& timer_id = timers_[static_cast<std::size_t>(action.timer)];
        switch (action.kind) {
            case ActionKind::send_trying: {
                // §8.2.6.1: 100 Trying copies Timestamp; no To tag needed.
                Response trying = Response::make_for(request_, 100);
                if (auto ts = request_.header(HeaderId::timestamp)) {
                    trying.add_header(HeaderId::timestamp, *ts);
                }
                last_ = std::move(trying);
                send_last();
                break;
            }
            case ActionKind::send_response:
                send_last();
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
