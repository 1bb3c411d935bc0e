#pragma once
/// @file
/// The RFC 3261 §17 transaction state machines, pure (Beast-style): events in, actions out. No
/// I/O, no clock, no messages: the driver (ClientTransaction / ServerTransaction) owns the
/// request and responses, performs the actions and feeds timer expiries back.
///
/// INVITE transactions follow RFC 6026 (which updates §17.1.1 / §17.2.1): a 2xx moves both
/// sides to an `accepted` state, so 2xx retransmissions and the ACK for a 2xx are matched to the
/// transaction and handed to the TU (fixes RFC 3261's "transaction destroyed on 2xx" bugs:
/// retransmitted INVITEs seen as new requests, forked 2xx responses dropped).

#include <voip/sip/timer_config.hpp>

#include <chrono>
#include <cstdint>
#include <string_view>
#include <vector>

namespace voip::sip {

/// The transaction timers (RFC 3261 Table 4, RFC 6026 L and M) plus the 100 Trying delay.
enum class TxTimer : std::uint8_t { a, b, d, e, f, g, h, i, j, k, l, m, trying };
/// "A", "B", ... "M", "Trying".
[[nodiscard]] std::string_view to_string(TxTimer timer) noexcept;

/// What the driver must do, in order.
enum class ActionKind : std::uint8_t {
    send_request,         ///< client: (re)transmit the request
    send_ack,             ///< INVITE client: (re)send the ACK for the 300-699 response (§17.1.1.3)
    send_trying,          ///< INVITE server: send 100 Trying (§17.2.1)
    send_response,        ///< server: (re)send the latest response from the TU
    start_timer,          ///< (re)start `timer` to fire after `delay`
    stop_timer,           ///< stop `timer`
    deliver_provisional,  ///< client: hand the 1xx just received to the TU
    deliver_final,        ///< client: the first final response: complete the waiters
    deliver_2xx,          ///< INVITE client, accepted: a further 2xx (retransmission or fork)
    deliver_ack,          ///< INVITE server, accepted: the ACK for the 2xx, to the TU
    timeout,              ///< Timer B/F (client) or H (server): inform the TU
    transport_error,      ///< inform the TU of a transport failure
    terminated,           ///< the transaction is over: remove it
};
[[nodiscard]] std::string_view to_string(ActionKind kind) noexcept;

/// One action; timer/delay are meaningful for start_timer/stop_timer.
struct Action {
    ActionKind kind = ActionKind::terminated;
    TxTimer timer = TxTimer::a;
    std::chrono::milliseconds delay{0};

    friend bool operator==(const Action&, const Action&) = default;
};
using Actions = std::vector<Action>;

/// Client transaction states (INVITE: calling/proceeding/completed/accepted; non-INVITE:
/// trying/proceeding/completed).
enum class ClientState : std::uint8_t {
    calling,
    trying,
    proceeding,
    completed,
    accepted,
    terminated
};
/// Server transaction states (INVITE: proceeding/completed/confirmed/accepted; non-INVITE:
/// trying/proceeding/completed).
enum class ServerState : std::uint8_t {
    trying,
    proceeding,
    completed,
    confirmed,
    accepted,
    terminated
};
[[nodiscard]] std::string_view to_string(ClientState state) noexcept;
[[nodiscard]] std::string_view to_string(ServerState state) noexcept;

/// RFC 3261 §17.1.1 (INVITE, with RFC 6026) and §17.1.2 (non-INVITE) client transactions.
class ClientMachine {
public:
    /// @p reliable: the request goes over TCP/TLS (no retransmission, D and K zero).
    ClientMachine(bool invite, bool reliable, const TimerConfig& config);

    /// Send the request and start the timers (A+B or E+F). Call once, first.
    [[nodiscard]] Actions start();
    /// A response to the request arrived (status 100..699).
    [[nodiscard]] Actions on_response(int status);
    [[nodiscard]] Actions on_timer(TxTimer timer);
    [[nodiscard]] Actions on_transport_error();

    [[nodiscard]] ClientState state() const noexcept { return state_; }
    [[nodiscard]] bool invite() const noexcept { return invite_; }
    [[nodiscard]] bool reliable() const noexcept { return reliable_; }

private:
    Actions finish_non2xx_invite();
    void enter_terminated(Actions& out);

    bool invite_;
    bool reliable_;
    TimerConfig config_;
    ClientState state_;
    std::chrono::milliseconds interval_{0};  // current A or E interval
    bool started_ = false;
};

/// RFC 3261 §17.2.1 (INVITE, with RFC 6026) and §17.2.2 (non-INVITE) server transactions.
class ServerMachine {
public:
    ServerMachine(bool invite, bool reliable, const TimerConfig& config);

    /// The request arrived and was passed to the TU. INVITE: 100 Trying now (trying_delay 0)
    /// or a Trying timer.
    [[nodiscard]] Actions start();
    /// True if the TU may send a response with this status now.
    [[nodiscard]] bool can_respond(int status) const noexcept;
    /// The TU responds (precondition: can_respond(status)); the driver has stored the response.
    [[nodiscard]] Actions on_tu_response(int status);
    /// The same request arrived again (not an ACK).
    [[nodiscard]] Actions on_request_retransmission();
    /// An ACK matched this (INVITE) transaction.
    [[nodiscard]] Actions on_ack();
    [[nodiscard]] Actions on_timer(TxTimer timer);
    [[nodiscard]] Actions on_transport_error();

    [[nodiscard]] ServerState state() const noexcept { return state_; }
    [[nodiscard]] bool invite() const noexcept { return invite_; }
    [[nodiscard]] bool reliable() const noexcept { return reliable_; }
    /// True once a 100 Trying went out (and the TU has not responded since).
    [[nodiscard]] bool trying_sent() const noexcept { return trying_sent_; }

private:
    void enter_terminated(Actions& out);

    bool invite_;
    bool reliable_;
    TimerConfig config_;
    ServerState state_;
    std::chrono::milliseconds interval_{0};  // current G interval
    bool responded_ = false;                 // the TU has sent at least one response
    bool trying_sent_ = false;
};

}  // namespace voip::sip
