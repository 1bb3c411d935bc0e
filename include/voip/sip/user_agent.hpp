#pragma once
/// @file
/// The SIP user agent (RFC 3261 §8): owns the transports and the transaction layer, answers
/// what a UAS answers without the application (OPTIONS, 405/501, 416, 420, 415, 406, 481,
/// 400/505 to bad bytes), hands INVITEs and in-dialog requests to a DialogHandler (the dialog
/// layer's hook), and keeps one account registered (Registration) with keep-alives and
/// reconnection.
///
/// @code
///   sip::UserAgentConfig config;
///   config.listen = {"udp:0.0.0.0:5060", "tcp:0.0.0.0:5060"};
///   config.account = sip::AccountConfig{.aor =
///   sip::Uri::parse("sip:alice@pbx.example.com").value(),
///                                       .password = "secret"};
///   sip::UserAgent ua{io.get_executor(), config};
///   ua.on_registration_state([](const sip::RegistrationStatus& s) { ... });
///   co_await ua.async_register(asio::use_awaitable);
/// @endcode
///
/// Threading: one executor (io_context thread or strand); every handler runs there.

#include <voip/result.hpp>
#include <voip/sip/message.hpp>
#include <voip/sip/registration.hpp>
#include <voip/sip/transaction_layer.hpp>
#include <voip/sip/transport_layer.hpp>
#include <voip/sip/uas_policy.hpp>
#include <voip/sip/user_agent_config.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/steady_timer.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace voip::sip {

class Dialog;  // voip/sip/dialog.hpp (module dialog)

/// The dialog layer's hook (issue 6 implements dialogs on it). Without one installed, an
/// INVITE gets 480 Temporarily Unavailable and in-dialog requests get 481.
class DialogHandler {
public:
    virtual ~DialogHandler() = default;
    /// A dialog-creating INVITE (no To tag) that passed the UAS checks. Answer through
    /// in.transaction (1xx, then a final response).
    virtual void on_invite(const IncomingRequest& in) = 0;
    /// A request with a To tag (BYE, re-INVITE, INFO, ...) or an ACK for a 2xx (then
    /// in.transaction is null). Return false when no dialog matches: the UA answers 481
    /// (RFC 3261 §12.2.2; nothing for an ACK).
    virtual bool on_dialog_request(const IncomingRequest& in) = 0;
    /// A CANCEL matched this INVITE server transaction; the UA has already answered the
    /// CANCEL with 200 and the INVITE with 487 (RFC 3261 §9.2).
    virtual void on_cancelled(const std::shared_ptr<ServerTransaction>& /*invite*/) {}
    /// A response that matched no client transaction (a 2xx retransmission for a dialog).
    virtual void on_stray_response(const Response& /*response*/, const TransportAddress& /*from*/) {
    }
    /// Dialogs alive (UserAgent::active_dialogs()).
    [[nodiscard]] virtual std::size_t active_dialogs() const noexcept { return 0; }

protected:
    DialogHandler() = default;
    DialogHandler(const DialogHandler&) = default;
    DialogHandler& operator=(const DialogHandler&) = default;
};

/// A SIP user agent on one executor.
class UserAgent {
public:
    using RequestHandler = std::function<void(const IncomingRequest&)>;
    using RegistrationHandler = Registration::StateHandler;

    /// Listens on every config.listen address. Throws std::system_error when one cannot be
    /// bound and std::invalid_argument for an unusable account (setup errors).
    UserAgent(asio::any_io_executor executor, UserAgentConfig config);
    ~UserAgent();
    UserAgent(const UserAgent&) = delete;
    UserAgent& operator=(const UserAgent&) = delete;

    /// Bound addresses (real ports), in listen order.
    [[nodiscard]] std::vector<TransportAddress> local_addresses() const;
    /// The first bound address of @p kind (throws std::out_of_range when there is none).
    [[nodiscard]] TransportAddress local_address(TransportKind kind) const;

    // ---- registration (requires config.account; throws std::logic_error otherwise) ----
    /// Register the account and keep it registered (refresh, keep-alive, re-register after a
    /// broken flow). Completes with `void(std::error_code)` at the first 2xx or failure.
    template <class CompletionToken>
    auto async_register(CompletionToken&& token) {
        return registration().async_register(std::forward<CompletionToken>(token));
    }
    /// Remove the binding (Expires: 0); completes with `void(std::error_code)`.
    template <class CompletionToken>
    auto async_unregister(CompletionToken&& token) {
        return registration().async_unregister(std::forward<CompletionToken>(token));
    }
    /// Observe registration state changes (unregistered, registering, registered, failed).
    void on_registration_state(RegistrationHandler handler);
    [[nodiscard]] Registration& registration();
    [[nodiscard]] bool has_account() const noexcept { return registration_ != nullptr; }

    // ---- UAS routing ----
    /// Handle every request of @p method (e.g. "REGISTER", "MESSAGE") that passes the UAS
    /// checks; the method is added to Allow. Answer through in.transaction.
    void on_request(std::string_view method, RequestHandler handler);
    /// Install the dialog layer (null: INVITE → 480, in-dialog → 481).
    void set_dialog_handler(std::shared_ptr<DialogHandler> handler);
    [[nodiscard]] const UasCapabilities& capabilities() const noexcept { return caps_; }
    /// The installed dialog layer (null when none).
    [[nodiscard]] DialogHandler* dialog_handler() const noexcept { return dialogs_.get(); }

    // ---- calls (defined in voip/sip/dialog.hpp, module dialog) ----
    /// Inbound INVITEs make a D(context, args...) (D derives from sip::Dialog).
    template <class D, class... Args>
    void on_incoming(Args... args);
    /// A new outbound dialog D(context, args...); dial it with async_dial.
    template <class D = Dialog, class... Args>
    std::shared_ptr<D> make_dialog(Args&&... args);
    /// Dialogs alive in the dialog layer (0 without one).
    [[nodiscard]] std::size_t active_dialogs() const noexcept {
        return dialogs_ ? dialogs_->active_dialogs() : 0;
    }

    // ---- UAC ----
    /// A new out-of-dialog request to @p target: Max-Forwards, From (the account's AOR or
    /// anonymous) with a tag, To, Call-ID, CSeq 1, User-Agent. No Via: the transaction
    /// layer adds it.
    [[nodiscard]] Request make_request(Method method, const Uri& target) const;
    /// Send through a client transaction; completes with `void(std::error_code, Response)`.
    template <class CompletionToken>
    auto async_send_request(Request request, const TransportAddress& to, CompletionToken&& token) {
        return transactions_.async_send_request(std::move(request), to,
                                                std::forward<CompletionToken>(token));
    }

    [[nodiscard]] TransportLayer& transports() noexcept { return transports_; }
    [[nodiscard]] TransactionLayer& transactions() noexcept { return transactions_; }
    [[nodiscard]] const UserAgentConfig& config() const noexcept { return config_; }
    [[nodiscard]] const asio::any_io_executor& executor() const noexcept { return executor_; }
    /// Keep-alives sent to the registrar (CRLF pings on TCP/TLS, OPTIONS on UDP).
    [[nodiscard]] std::uint32_t keepalives_sent() const noexcept { return keepalives_sent_; }

private:
    void receive(ReceivedMessage& in);
    void answer_bad_message(const BadMessage& bad);
    void route(const IncomingRequest& in);
    void answer(ServerTransaction& tx, int status, const std::vector<HeaderLine>& headers = {});
    void handle_cancel(const IncomingRequest& in);
    void on_registration_changed(const RegistrationStatus& status);
    void schedule_keepalive();
    void send_keepalive();
    void flow_closed(FlowId flow, const TransportAddress& remote, std::error_code reason);
    // Issue 11: false (and the request answered 503 or dropped) when its source is over the
    // unauthenticated request rate.
    bool admit(const Request& request, const TransportAddress& source);
    [[nodiscard]] RegistrationConfig make_registration_config(const AccountConfig& account) const;

    asio::any_io_executor executor_;
    UserAgentConfig config_;
    UasCapabilities caps_;
    TransportLayer transports_;
    TransactionLayer transactions_;
    std::unique_ptr<Registration> registration_;
    RegistrationHandler on_registration_;
    std::map<std::string, RequestHandler, std::less<>> handlers_;
    std::shared_ptr<DialogHandler> dialogs_;
    asio::steady_timer keepalive_timer_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    std::uint32_t keepalives_sent_ = 0;
    SourceRateLimiter rate_limiter_;
};

}  // namespace voip::sip
