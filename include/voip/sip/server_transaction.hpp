#pragma once
/// @file
/// A server transaction (RFC 3261 §17.2): holds a received request, sends the TU's responses,
/// retransmits the final response over UDP (Timer G), absorbs retransmitted requests by
/// resending the last response, and consumes the ACK for a non-2xx response. Created by the
/// TransactionLayer and handed to the TU with the request.

#include <voip/result.hpp>
#include <voip/sip/message.hpp>
#include <voip/sip/timer_service.hpp>
#include <voip/sip/transaction_error.hpp>
#include <voip/sip/transaction_machine.hpp>
#include <voip/sip/transport_address.hpp>

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace voip::sip {

class TransactionLayer;

/// One server transaction; used from the layer's executor only.
class ServerTransaction : public std::enable_shared_from_this<ServerTransaction> {
public:
    using AckCallback = std::function<void(const Request&)>;
    using ErrorCallback = std::function<void(std::error_code)>;

    ~ServerTransaction();
    ServerTransaction(const ServerTransaction&) = delete;
    ServerTransaction& operator=(const ServerTransaction&) = delete;

    [[nodiscard]] const Request& request() const noexcept { return request_; }
    /// Where the request came from; responses go there.
    [[nodiscard]] const TransportAddress& source() const noexcept { return source_; }
    [[nodiscard]] bool is_invite() const noexcept { return machine_.invite(); }
    [[nodiscard]] ServerState state() const noexcept { return machine_.state(); }
    /// The latest response sent (a 100 Trying sent by the transaction included).
    [[nodiscard]] const std::optional<Response>& last_response() const noexcept { return last_; }

    /// Send a response (RFC 3261 §17.2.1 / §17.2.2). 1xx while proceeding, one final
    /// response; in the INVITE Accepted state (RFC 6026) further 2xx: the TU retransmits its
    /// 2xx itself (§13.3.1.4). Errors: TransactionError::invalid_response (wrong state or
    /// status), terminated.
    Result<void> respond(Response response);
    /// Shorthand: Response::make_for(request(), status, reason, to_tag), then respond().
    Result<void> respond(int status, std::string_view reason = {}, std::string_view to_tag = {});

    /// RFC 6026 Accepted state: the ACK for the 2xx matched this transaction; to the TU.
    void on_ack(AckCallback callback) { on_ack_ = std::move(callback); }
    /// Timer H fired (no ACK for a non-2xx: TransactionError::timeout) or the transport failed
    /// (TransactionError::transport_error).
    void on_error(ErrorCallback callback) { on_error_ = std::move(callback); }

private:
    friend class TransactionLayer;

    ServerTransaction(TransactionLayer& layer, Request request, TransportAddress source,
                      std::string key, bool reliable);
    void start();
    void receive_retransmission();
    void receive_ack(const Request& ack);
    void detach();
    void run(const Actions& actions, const Request* ack);
    void fire(TxTimer timer);
    void send_last();
    void fail(std::error_code error);

    TransactionLayer* layer_;
    Request request_;
    TransportAddress source_;
    std::string key_;
    std::string merge_key_;
    ServerMachine machine_;
    std::optional<Response> last_;
    std::array<TimerService::TimerId, 13> timers_{};
    AckCallback on_ack_;
    ErrorCallback on_error_;
};

}  // namespace voip::sip
