#pragma once
/// @file
/// Client registration (RFC 3261 §10.2) with digest authentication (RFC 3261 §22, RFC 8760),
/// refresh before expiry, retry with exponential back-off, and the RFC 5626 Contact
/// (`+sip.instance`, `reg-id`, `;ob`). Runs over a TransactionLayer, so it works on any
/// MessageChannel (the real transports, or a fake in tests).
///
/// @code
///   sip::Registration reg{transactions, config};
///   reg.on_state_change([](const sip::RegistrationStatus& s) { ... });
///   co_await reg.async_register(asio::use_awaitable);   // throws std::system_error on failure
/// @endcode
///
/// Threading: used from the TransactionLayer's executor only.

#include <voip/result.hpp>
#include <voip/sip/digest.hpp>
#include <voip/sip/message.hpp>
#include <voip/sip/transaction_layer.hpp>
#include <voip/sip/transport_address.hpp>
#include <voip/sip/uri.hpp>

#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

namespace voip::sip {

/// Why a registration failed (besides TransactionError / TransportError codes, which are
/// passed through as they are).
enum class RegistrationError {
    authentication_failed = 1,  ///< credentials refused (a second non-stale 401/407), or a
                                ///< challenge we cannot answer
    rejected,                   ///< the registrar answered with another final error response
    cancelled,                  ///< async_unregister() (or destruction) ended the attempt
    too_many_rounds,            ///< more 401/407/423 rounds than max_rounds
};
[[nodiscard]] const std::error_category& registration_category() noexcept;
[[nodiscard]] inline std::error_code make_error_code(RegistrationError e) noexcept {
    return {static_cast<int>(e), registration_category()};
}

/// Where a registration stands.
enum class RegistrationState {
    unregistered,   ///< never registered, or unregistered on request
    registering,    ///< a REGISTER (first, refresh or retry) is in flight
    registered,     ///< the registrar holds our binding until RegistrationStatus::expires_at
    unregistering,  ///< a REGISTER with Expires: 0 is in flight
    failed,         ///< the last attempt failed; RegistrationStatus::reason says why
};
[[nodiscard]] std::string_view to_string(RegistrationState state) noexcept;

/// What the application can observe.
struct RegistrationStatus {
    RegistrationState state = RegistrationState::unregistered;
    std::error_code reason;     ///< failed: why (RegistrationError, TransactionError, ...)
    int last_status = 0;        ///< status code of the last final response (0: none)
    std::uint32_t expires = 0;  ///< seconds granted by the registrar (registered)
    std::chrono::steady_clock::time_point expires_at{};  ///< when the binding lapses
    /// When a retry is scheduled (failed with a transient reason, or a flow broke).
    bool retry_scheduled = false;
};

/// What to register, where, with which credentials.
struct RegistrationConfig {
    Uri aor;                     ///< address of record: To and From (sip:alice@example.com)
    Uri registrar_uri;           ///< Request-URI (RFC 3261 §10.2: the domain, sip:example.com)
    TransportAddress registrar;  ///< where the REGISTER goes (registrar or outbound proxy)
    DigestCredentials credentials;
    std::uint32_t expires = 3600;  ///< requested binding lifetime (Expires)
    /// RFC 5626: Contact with `+sip.instance`, `reg-id` and `;ob`; `Supported: outbound`.
    bool outbound = true;
    std::string instance_id;  ///< `urn:uuid:...`; generated (UUID v4) when empty
    std::uint32_t reg_id = 1;
    std::string contact_user;  ///< user part of the Contact (default: the AOR's user)
    /// `host[:port]` of the Contact (default: the transport's sent-by toward the registrar).
    std::string contact_address;
    std::string user_agent;  ///< User-Agent header (empty: none)
    /// Retry back-off after a transient failure: base·2^(n-1), capped (RFC 5626 §4.5).
    std::chrono::milliseconds retry_base{std::chrono::seconds(1)};
    std::chrono::milliseconds retry_max{std::chrono::seconds(60)};
    /// Bound on 401/407/423 rounds per attempt: never a loop.
    int max_rounds = 4;
};

namespace detail {
/// A type-erased, move-only `void(std::error_code)` completion handler, posted to its
/// associated executor when completed.
class ErrorCompletion {
public:
    virtual ~ErrorCompletion() = default;
    virtual void complete(std::error_code error) = 0;
};
template <class Handler>
class ErrorCompletionImpl final : public ErrorCompletion {
public:
    ErrorCompletionImpl(Handler handler, asio::any_io_executor io)
        : handler_(std::move(handler)), io_(std::move(io)) {}
    void complete(std::error_code error) override {
        auto executor = asio::get_associated_executor(handler_, io_);
        asio::post(executor, [h = std::move(handler_), error]() mutable { std::move(h)(error); });
    }

private:
    Handler handler_;
    asio::any_io_executor io_;
};
}  // namespace detail

/// One registration of one Contact with one registrar.
class Registration {
public:
    using Signature = void(std::error_code);
    using StateHandler = std::function<void(const RegistrationStatus&)>;

    /// @p layer must outlive the registration. Throws std::invalid_argument when the AOR is
    /// not a sip/sips URI (a configuration error).
    Registration(TransactionLayer& layer, RegistrationConfig config);
    /// Pending operations complete with RegistrationError::cancelled; no REGISTER is sent.
    ~Registration();
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;

    /// Register (or refresh now) and keep the binding refreshed until async_unregister().
    /// Completes with success at the first 2xx, or with the error of the first failure (the
    /// registration keeps retrying transient failures in the background).
    template <class CompletionToken>
    auto async_register(CompletionToken&& token) {
        return asio::async_initiate<CompletionToken, Signature>(
            [this](auto handler) {
                using H = std::decay_t<decltype(handler)>;
                start_register(std::make_unique<detail::ErrorCompletionImpl<H>>(std::move(handler),
                                                                                executor_));
            },
            token);
    }

    /// Remove our binding (Expires: 0) and stop refreshing. Completes at the 2xx or error.
    template <class CompletionToken>
    auto async_unregister(CompletionToken&& token) {
        return asio::async_initiate<CompletionToken, Signature>(
            [this](auto handler) {
                using H = std::decay_t<decltype(handler)>;
                start_unregister(std::make_unique<detail::ErrorCompletionImpl<H>>(
                    std::move(handler), executor_));
            },
            token);
    }

    /// Called at every state change (and at every refresh), synchronously.
    void on_state_change(StateHandler handler) { on_state_ = std::move(handler); }
    [[nodiscard]] const RegistrationStatus& status() const noexcept { return status_; }
    [[nodiscard]] const RegistrationConfig& config() const noexcept { return config_; }

    /// The transport flow to the registrar broke (RFC 5626 §4.4: reconnect and re-register):
    /// while registration is wanted, retry with back-off.
    void connection_lost(std::error_code reason);
    /// A keep-alive to the registrar failed: same as connection_lost().
    void keepalive_failed(std::error_code reason) { connection_lost(reason); }
    /// True while the application wants to be registered (between async_register and
    /// async_unregister).
    [[nodiscard]] bool wanted() const noexcept { return wanted_; }
    /// REGISTERs sent so far (initial, challenged retries, refreshes, retries).
    [[nodiscard]] std::uint32_t requests_sent() const noexcept { return requests_sent_; }

    /// The Contact header value sent (with `expires` when @p expires_zero).
    [[nodiscard]] std::string contact(bool expires_zero = false) const;

    /// When to refresh a binding granted for @p expires seconds: max(E/2, min(0.85·E, E−32 s)).
    /// 3600 s → 3060 s; 60 s → 30 s; 2 s → 1 s. Leaves at least Timer F (32 s) for the
    /// refresh transaction when the binding is long enough.
    [[nodiscard]] static std::chrono::milliseconds refresh_delay(std::uint32_t expires) noexcept;
    /// Back-off before retry number @p attempt (1-based): base·2^(attempt−1), at most max.
    [[nodiscard]] static std::chrono::milliseconds backoff_delay(
        int attempt, std::chrono::milliseconds base, std::chrono::milliseconds max) noexcept;

private:
    void start_register(std::unique_ptr<detail::ErrorCompletion> waiter);
    void start_unregister(std::unique_ptr<detail::ErrorCompletion> waiter);
    void begin_attempt();
    void send_register();
    void on_response(std::error_code error, const Response& response);
    void on_success(const Response& response);
    void on_failure(std::error_code reason, int status, bool transient);
    [[nodiscard]] std::uint32_t granted_expires(const Response& response) const;
    void schedule(std::chrono::milliseconds delay, bool retry);
    void set_state(RegistrationState state, std::error_code reason = {});
    void complete_register_waiters(std::error_code error);
    void complete_unregister_waiters(std::error_code error);

    TransactionLayer& layer_;
    asio::any_io_executor executor_;
    RegistrationConfig config_;
    DigestClient digest_;
    asio::steady_timer timer_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

    std::string call_id_;
    std::string from_tag_;
    std::uint32_t cseq_ = 0;
    std::uint32_t requested_expires_;
    bool wanted_ = false;
    bool unregistering_ = false;
    bool in_flight_ = false;
    bool pending_send_ = false;       // a new attempt was asked for while one was in flight
    bool auth_header_proxy_ = false;  // last challenge came in a 407
    bool answered_ = false;           // the request in flight answers a challenge of this round
    int rounds_ = 0;
    int retry_attempt_ = 0;
    std::uint32_t requests_sent_ = 0;
    RegistrationStatus status_;
    StateHandler on_state_;
    std::vector<std::unique_ptr<detail::ErrorCompletion>> register_waiters_;
    std::vector<std::unique_ptr<detail::ErrorCompletion>> unregister_waiters_;
};

}  // namespace voip::sip

template <>
struct std::is_error_code_enum<voip::sip::RegistrationError> : std::true_type {};
