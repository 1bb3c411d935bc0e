#pragma once
/// @file
/// The transaction layer (RFC 3261 §17): the table of client and server transactions of one
/// user agent, bound to one executor (no locks: see DESIGN.md, Threading).
///
/// Below it a MessageChannel sends; the transport calls receive() with each parsed message.
/// Above it the TU (UserAgent, dialogs) sends requests and gets new requests through
/// on_request().
///
/// @code
///   sip::TransactionLayer layer{io.get_executor(), channel};
///   layer.on_request([](const sip::IncomingRequest& in) {
///       if (in.transaction) in.transaction->respond(200);
///   });
///   auto [ec, response] = co_await layer.async_send_request(
///       std::move(options), to, asio::as_tuple(asio::use_awaitable));
/// @endcode

#include <voip/result.hpp>
#include <voip/sip/client_transaction.hpp>
#include <voip/sip/message.hpp>
#include <voip/sip/message_channel.hpp>
#include <voip/sip/parser.hpp>
#include <voip/sip/server_transaction.hpp>
#include <voip/sip/timer_config.hpp>
#include <voip/sip/timer_service.hpp>
#include <voip/sip/transaction_error.hpp>
#include <voip/sip/transport_address.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/async_result.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace voip::sip {

/// A request handed to the TU.
struct IncomingRequest {
    const Request& request;
    TransportAddress source;
    /// The new server transaction to respond through; null for an ACK that matched no
    /// transaction (the ACK for a 2xx whose transaction is gone: for the dialog, §13.3.1.4).
    std::shared_ptr<ServerTransaction> transaction;
    /// RFC 3261 §8.2.2.2: set when this request has no To tag and its From tag, Call-ID and
    /// CSeq equal those of another live server transaction that it does not match (a request
    /// that reached us twice by different paths). The TU SHOULD answer 482 Loop Detected.
    std::shared_ptr<ServerTransaction> merged_with;
};

class TransactionLayer {
public:
    using RequestHandler = std::function<void(const IncomingRequest&)>;
    using ResponseHandler = std::function<void(const Response&, const TransportAddress& from)>;

    /// @p channel and @p timers must outlive the layer.
    TransactionLayer(asio::any_io_executor executor, MessageChannel& channel, TimerService& timers,
                     TimerConfig config = {});
    /// Same, with timers from an AsioTimerService on @p executor.
    TransactionLayer(asio::any_io_executor executor, MessageChannel& channel,
                     TimerConfig config = {});
    /// Pending waiters complete with TransactionError::terminated; no callback runs after.
    ~TransactionLayer();
    TransactionLayer(const TransactionLayer&) = delete;
    TransactionLayer& operator=(const TransactionLayer&) = delete;

    /// New requests (and ACKs matching nothing) go here. Without a handler, new requests get a
    /// 503 Service Unavailable.
    void on_request(RequestHandler handler) { on_request_ = std::move(handler); }
    /// Responses matching no client transaction (e.g. a 2xx retransmission after Timer M):
    /// for the dialog layer. Default: dropped (RFC 3261 §18.1.2 for a UAC).
    void on_stray_response(ResponseHandler handler) { on_stray_response_ = std::move(handler); }

    /// Start a client transaction for @p request (not ACK) to @p to. If the request has no Via,
    /// the layer prepends `Via: SIP/2.0/<T> <channel.sent_by(to)>;branch=<new>;rport`; an
    /// existing top Via must carry a branch with the magic cookie (e.g. a CANCEL reusing its
    /// INVITE's). Errors: TransactionError::unmatchable_message (no CSeq, or a top Via without
    /// an RFC 3261 branch, or an ACK).
    Result<std::shared_ptr<ClientTransaction>> send_request(Request request,
                                                            const TransportAddress& to);

    /// send_request() then async_final_response(): completes with `(error_code, Response)`.
    template <class CompletionToken>
    auto async_send_request(Request request, const TransportAddress& to, CompletionToken&& token) {
        return asio::async_initiate<CompletionToken, ClientTransaction::Signature>(
            [this](auto handler, Request&& req, const TransportAddress& dest) {
                using H = std::decay_t<decltype(handler)>;
                auto handler_box = std::make_unique<detail::FinalResponseHandlerImpl<H>>(
                    std::move(handler), executor_);
                initiate_send(std::move(req), dest, std::move(handler_box));
            },
            token, std::move(request), to);
    }

    /// The transport hands each received message here. Errors: unmatchable_message (no usable
    /// Via/CSeq; the caller may answer 400 statelessly); the message was not used.
    Result<void> receive(const Request& request, const TransportAddress& from);
    Result<void> receive(const Response& response, const TransportAddress& from);
    Result<void> receive(const AnyMessage& message, const TransportAddress& from);

    /// RFC 3261 §17.1.4: the TCP/TLS connection to @p remote broke. Client transactions sent
    /// there that have no final response yet end now with TransactionError::transport_error
    /// (the request will never be retransmitted on a reliable transport, so waiting for Timer
    /// B/F would only delay the TU's retry). Returns how many ended.
    std::size_t connection_lost(const TransportAddress& remote);

    /// RFC 3261 §9.2: the INVITE server transaction a CANCEL refers to (same matching as
    /// §17.2.3 except the method), or null.
    [[nodiscard]] std::shared_ptr<ServerTransaction> find_invite_for_cancel(
        const Request& cancel) const;
    /// The live client transaction with this branch and CSeq method, or null.
    [[nodiscard]] std::shared_ptr<ClientTransaction> find_client(std::string_view branch,
                                                                 std::string_view method) const;

    /// At most @p max server transactions live at once (issue 11: a flood of new requests
    /// cannot grow the table without bound). A new request beyond it is answered statelessly
    /// with 503 Service Unavailable and Retry-After (RFC 3261 §21.5.4), logged, and not handed
    /// to the TU; retransmissions of live transactions and ACKs are still matched.
    ///
    /// Default 1,600,000: a UDP call leaves its INVITE (Timer L) and BYE (Timer J) server
    /// transactions alive 64*T1 = 32 s after the answer, so R calls/s hold 64·R of them; the
    /// default sustains 20,000 calls/s (1.28 million) with 25% to spare. A completed
    /// transaction costs ~1.5 KiB (docs/scaling.md): the cap bounds the table at ~2.3 GiB; a
    /// UA that takes fewer calls can lower it (64 × rate × 1.25).
    void set_max_server_transactions(std::size_t max) noexcept { max_servers_ = max; }
    [[nodiscard]] std::size_t max_server_transactions() const noexcept { return max_servers_; }
    /// New requests refused with 503 because of max_server_transactions().
    [[nodiscard]] std::size_t refused_requests() const noexcept { return refused_; }

    [[nodiscard]] std::size_t client_count() const noexcept { return clients_.size(); }
    [[nodiscard]] std::size_t server_count() const noexcept { return servers_.size(); }
    [[nodiscard]] const TimerConfig& config() const noexcept { return config_; }
    [[nodiscard]] const asio::any_io_executor& executor() const noexcept { return executor_; }
    [[nodiscard]] MessageChannel& channel() const noexcept { return channel_; }
    [[nodiscard]] TimerService& timers() const noexcept { return *timers_; }

private:
    friend class ClientTransaction;
    friend class ServerTransaction;

    void initiate_send(Request request, const TransportAddress& to,
                       std::unique_ptr<detail::FinalResponseHandler> handler);
    void remove(const ClientTransaction& tx);
    void remove(const ServerTransaction& tx);
    // An ACK for a 2xx (matched to an Accepted transaction without an on_ack callback, or to
    // nothing): to the TU with no transaction.
    void pass_ack_up(const Request& ack, const TransportAddress& from);
    // Beyond max_servers_: a stateless 503 (Retry-After), counted and logged.
    void refuse_overload(const Request& request, const TransportAddress& from);
    [[nodiscard]] std::shared_ptr<ServerTransaction> match_server(const Request& request,
                                                                  std::string_view method) const;

    asio::any_io_executor executor_;
    MessageChannel& channel_;
    std::unique_ptr<TimerService> owned_timers_;
    TimerService* timers_;
    TimerConfig config_;
    RequestHandler on_request_;
    ResponseHandler on_stray_response_;
    std::unordered_map<std::string, std::shared_ptr<ClientTransaction>> clients_;
    // Keyed by a view of the transaction's own key_ (one copy of each key: a UAS at 20,000
    // calls/s holds over a million of them).
    std::unordered_map<std::string_view, std::shared_ptr<ServerTransaction>> servers_;
    // §8.2.2.2: From tag + Call-ID + CSeq (a view of the transaction's merge_key_) → it.
    std::unordered_map<std::string_view, ServerTransaction*> merge_index_;
    std::size_t max_servers_ = 1'600'000;
    std::size_t refused_ = 0;
};

}  // namespace voip::sip
