#pragma once
/// @file
/// A server transaction (RFC 3261 §17.2): holds a received request, sends the TU's responses,
/// retransmits the final response over UDP (Timer G), absorbs retransmitted requests by
/// resending the last response, and consumes the ACK for a non-2xx response. Created by the
/// TransactionLayer and handed to the TU with the request.
///
/// Memory (issue 10): once the final response is sent the transaction only absorbs
/// retransmissions until Timer J/L/I (32 s for UDP), so it lets its request go (at the next
/// turn of the executor, after the TU's handler returned) and keeps just its key, the last
/// response's serialized bytes (shared with the transport's send) and its timer.

#include <voip/result.hpp>
#include <voip/sip/message.hpp>
#include <voip/sip/message_channel.hpp>
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

    /// The request. Valid until the transaction has sent its final response and the executor
    /// has run once since (then released: see the file comment); afterwards a placeholder
    /// (method "RELEASED", no headers).
    /// Copy what you need from it while answering.
    [[nodiscard]] const Request& request() const noexcept;
    /// True once request() was released.
    [[nodiscard]] bool request_released() const noexcept { return request_ == nullptr; }
    /// Where the request came from; responses go there.
    [[nodiscard]] const TransportAddress& source() const noexcept { return source_; }
    [[nodiscard]] bool is_invite() const noexcept { return machine_.invite(); }
    [[nodiscard]] ServerState state() const noexcept { return machine_.state(); }
    /// Status of the latest response sent (a 100 Trying sent by the transaction included), 0
    /// when none was sent yet.
    [[nodiscard]] int last_status() const noexcept { return last_status_; }
    /// The latest response as it went on the wire (null when none): shared, not copied.
    [[nodiscard]] const std::shared_ptr<const std::string>& last_response_bytes() const noexcept {
        return last_.bytes;
    }
    /// The latest response, parsed back from its bytes (for inspection; not on a hot path).
    [[nodiscard]] std::optional<Response> last_response() const;

    /// Send a response (RFC 3261 §17.2.1 / §17.2.2). 1xx while proceeding, one final
    /// response; in the INVITE Accepted state (RFC 6026) further 2xx: the TU retransmits its
    /// 2xx itself (§13.3.1.4). Errors: TransactionError::invalid_response (wrong state or
    /// status), terminated.
    Result<void> respond(const Response& response);
    /// Shorthand: Response::make_for(request(), status, reason, to_tag), then respond().
    /// Errors as respond(Response); TransactionError::invalid_response too once request() was
    /// released.
    Result<void> respond(int status, std::string_view reason = {}, std::string_view to_tag = {});
    /// INVITE, Accepted state (RFC 6026 §7.1): send the 2xx again, as it went the first time
    /// (the TU's retransmission, RFC 3261 §13.3.1.4), without building it again. Errors:
    /// invalid_response (not Accepted), terminated.
    Result<void> resend_2xx();

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
    void send_response(const Response& response);
    // After the final response: the request goes at the next turn of the executor.
    void release_request_later();
    [[nodiscard]] std::string_view method() const noexcept;

    TransactionLayer* layer_;
    std::unique_ptr<Request> request_;  // null once released
    TransportAddress source_;
    std::string key_;
    std::string merge_key_;
    ServerMachine machine_;
    SentBytes last_;
    int last_status_ = 0;
    const Response* pending_ = nullptr;  // respond()'s response, during run()
    bool release_posted_ = false;
    std::string last_to_tag_;  // of the last response; RFC 2543 ACK matching only (§17.2.3)
    std::array<TimerService::TimerId, 13> timers_{};
    AckCallback on_ack_;
    ErrorCallback on_error_;
};

}  // namespace voip::sip
