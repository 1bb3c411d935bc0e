#pragma once
/// @file
/// A client transaction (RFC 3261 §17.1): sends a request, retransmits it over UDP, matches
/// its responses, sends the ACK for a non-2xx final response, and delivers the final response
/// through an Asio completion token:
///
/// @code
///   auto tx = layer.send_request(std::move(options_request), to).value();
///   tx->on_provisional([](const sip::Response& r) { /* 180 Ringing ... */ });
///   auto [ec, response] = co_await tx->async_final_response(
///       asio::as_tuple(asio::use_awaitable));
/// @endcode
/// Created by TransactionLayer::send_request; used from the layer's executor only.

#include <voip/sip/message.hpp>
#include <voip/sip/timer_service.hpp>
#include <voip/sip/transaction_error.hpp>
#include <voip/sip/transaction_machine.hpp>
#include <voip/sip/transport_address.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/post.hpp>

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace voip::sip {

class TransactionLayer;

namespace detail {

// A type-erased, move-only completion handler for void(std::error_code, Response).
class FinalResponseHandler {
public:
    virtual ~FinalResponseHandler() = default;
    // Posts the completion to the handler's associated executor; call at most once.
    virtual void complete(std::error_code error, Response response) = 0;

protected:
    FinalResponseHandler() = default;
    FinalResponseHandler(const FinalResponseHandler&) = default;
    FinalResponseHandler& operator=(const FinalResponseHandler&) = default;
};

template <class Handler>
class FinalResponseHandlerImpl final : public FinalResponseHandler {
public:
    FinalResponseHandlerImpl(Handler handler, asio::any_io_executor io)
        : handler_(std::move(handler)), io_(std::move(io)) {}
    void complete(std::error_code error, Response response) override {
        // Never complete inside the initiating call or inside receive(): post.
        auto executor = asio::get_associated_executor(handler_, io_);
        asio::post(executor, [h = std::move(handler_), error, r = std::move(response)]() mutable {
            std::move(h)(error, std::move(r));
        });
    }

private:
    Handler handler_;
    asio::any_io_executor io_;
};

}  // namespace detail

/// One client transaction. Owned by the TransactionLayer's table until it terminates; callers
/// may keep the shared_ptr longer (its state stays readable).
class ClientTransaction : public std::enable_shared_from_this<ClientTransaction> {
public:
    /// Completion signature of async_final_response: the final response (status 200..699), or
    /// an error (TransactionError::timeout for Timer B/F, transport_error, terminated) with a
    /// response synthesized locally as RFC 3261 §8.1.3.1 says the TU should treat it: 408 for
    /// a timeout, 503 for a transport error, 500 otherwise.
    using Signature = void(std::error_code, Response);
    using ResponseCallback = std::function<void(const Response&)>;

    ~ClientTransaction();
    ClientTransaction(const ClientTransaction&) = delete;
    ClientTransaction& operator=(const ClientTransaction&) = delete;

    /// The request as sent (with the Via the layer may have added).
    [[nodiscard]] const Request& request() const noexcept { return request_; }
    [[nodiscard]] const TransportAddress& destination() const noexcept { return to_; }
    /// The branch of the top Via (the transaction id, §17.1.3).
    [[nodiscard]] const std::string& branch() const noexcept { return branch_; }
    [[nodiscard]] bool is_invite() const noexcept { return machine_.invite(); }
    [[nodiscard]] ClientState state() const noexcept { return machine_.state(); }
    /// The final response, once received.
    [[nodiscard]] const std::optional<Response>& final_response() const noexcept { return final_; }
    /// The ACK the transaction sent for a 300-699 final response (INVITE only).
    [[nodiscard]] const std::optional<Request>& ack() const noexcept { return ack_; }
    /// The error the transaction ended with (empty while running or after a final response).
    [[nodiscard]] std::error_code error() const noexcept { return error_; }
    /// The transport's own error code when the transaction failed with transport_error.
    [[nodiscard]] std::error_code transport_error_detail() const noexcept {
        return transport_detail_;
    }

    /// Called for each provisional response (101-199 and 100), synchronously on receipt.
    void on_provisional(ResponseCallback callback) { on_provisional_ = std::move(callback); }
    /// INVITE, RFC 6026 Accepted state: each further 2xx (a retransmission, or a 2xx from
    /// another fork) goes here so the dialog layer can ACK it (§13.2.2.4).
    void on_2xx_retransmission(ResponseCallback callback) { on_2xx_ = std::move(callback); }

    /// Waits for the final response. May be called several times, also after the transaction
    /// completed (it then completes at once, posted). Completes on the handler's associated
    /// executor, default the layer's.
    template <class CompletionToken>
    auto async_final_response(CompletionToken&& token) {
        return asio::async_initiate<CompletionToken, Signature>(
            [this](auto handler) {
                using H = std::decay_t<decltype(handler)>;
                wait(std::make_unique<detail::FinalResponseHandlerImpl<H>>(std::move(handler),
                                                                           executor_));
            },
            token);
    }

private:
    friend class TransactionLayer;

    ClientTransaction(TransactionLayer& layer, Request request, TransportAddress to,
                      std::string branch, std::string key, bool reliable);
    void start();
    void receive(const Response& response);
    void detach();  // the layer is going away
    void wait(std::unique_ptr<detail::FinalResponseHandler> handler);
    void run(const Actions& actions, const Response* response);
    void fire(TxTimer timer);
    void send(const Message& message);
    void fail(std::error_code error);
    void complete_waiters();

    TransactionLayer* layer_;
    asio::any_io_executor executor_;
    Request request_;
    TransportAddress to_;
    std::string branch_;
    std::string key_;
    ClientMachine machine_;
    std::optional<Request> ack_;
    std::optional<Response> final_;
    std::error_code error_;
    std::error_code transport_detail_;
    std::vector<std::unique_ptr<detail::FinalResponseHandler>> waiters_;
    std::array<TimerService::TimerId, 13> timers_{};
    ResponseCallback on_provisional_;
    ResponseCallback on_2xx_;
};

}  // namespace voip::sip
