// RFC 3261 §17.1.1 (INVITE, updated by RFC 6026 §7.2) and §17.1.2 (non-INVITE) client
// transaction state machines.
#include <voip/sip/transaction_machine.hpp>

#include <algorithm>

#include "transaction_actions.hpp"

namespace voip::sip {
using detail::act;
using detail::start_timer;
using detail::stop_timer;

ClientMachine::ClientMachine(bool invite, bool reliable, const TimerConfig& config)
    : invite_(invite),
      reliable_(reliable),
      config_(config),
      state_(invite ? ClientState::calling : ClientState::trying) {}

Actions ClientMachine::start() {
    Actions out;
    if (started_) return out;
    started_ = true;
    out.push_back(act(ActionKind::send_request));
    interval_ = config_.t1;
    if (invite_) {
        // §17.1.1.2: Timer A (T1) only over unreliable transports; Timer B (64*T1) always.
        if (!reliable_) out.push_back(start_timer(TxTimer::a, config_.timer_a()));
        out.push_back(start_timer(TxTimer::b, config_.timer_b()));
    } else {
        // §17.1.2.2: Timer E (T1) only over unreliable transports; Timer F (64*T1) always.
        if (!reliable_) out.push_back(start_timer(TxTimer::e, config_.timer_e()));
        out.push_back(start_timer(TxTimer::f, config_.timer_f()));
    }
    return out;
}

void ClientMachine::enter_terminated(Actions& out) {
    state_ = ClientState::terminated;
    out.push_back(act(ActionKind::terminated));
}

Actions ClientMachine::finish_non2xx_invite() {
    // §17.1.1.2: a 300-699 response in Calling or Proceeding: ACK it, pass it up, and wait
    // Timer D for retransmissions of the response (zero over reliable transports).
    Actions out;
    state_ = ClientState::completed;
    out.push_back(act(ActionKind::send_ack));
    out.push_back(act(ActionKind::deliver_final));
    if (reliable_) {
        enter_terminated(out);
    } else {
        out.push_back(start_timer(TxTimer::d, config_.timer_d));
    }
    return out;
}

Actions ClientMachine::on_response(int status) {
    Actions out;
    if (status < 100 || status > 699) return out;
    if (invite_) {
        switch (state_) {
            case ClientState::calling:
            case ClientState::proceeding: {
                const bool was_calling = state_ == ClientState::calling;
                if (was_calling) {
                    // §17.1.1.2: retransmissions stop once a response arrives; Timer B
                    // guards only the Calling state.
                    if (!reliable_) out.push_back(stop_timer(TxTimer::a));
                    out.push_back(stop_timer(TxTimer::b));
                }
                if (status < 200) {
                    state_ = ClientState::proceeding;
                    out.push_back(act(ActionKind::deliver_provisional));
                } else if (status < 300) {
                    // RFC 6026 §7.2: 2xx → Accepted, Timer M; the TU (dialog) sends the ACK.
                    state_ = ClientState::accepted;
                    out.push_back(act(ActionKind::deliver_final));
                    out.push_back(start_timer(TxTimer::m, config_.timer_m()));
                } else {
                    auto rest = finish_non2xx_invite();
                    out.insert(out.end(), rest.begin(), rest.end());
                }
                break;
            }
            case ClientState::completed:
                // §17.1.1.2: a retransmitted final response gets the ACK again, and is not
                // passed up.
                if (status >= 300) out.push_back(act(ActionKind::send_ack));
                break;
            case ClientState::accepted:
                // RFC 6026 §7.2: further 2xx go to the TU (forks, retransmissions).
                if (status >= 200 && status < 300) out.push_back(act(ActionKind::deliver_2xx));
                break;
            default:
                break;
        }
        return out;
    }
    switch (state_) {
        case ClientState::trying:
        case ClientState::proceeding:
            if (status < 200) {
                state_ = ClientState::proceeding;
                out.push_back(act(ActionKind::deliver_provisional));
            } else {
                // §17.1.2.2: final response → Completed, Timer K (T4; zero when reliable).
                if (!reliable_) out.push_back(stop_timer(TxTimer::e));
                out.push_back(stop_timer(TxTimer::f));
                state_ = ClientState::completed;
                out.push_back(act(ActionKind::deliver_final));
                if (reliable_) {
                    enter_terminated(out);
                } else {
                    out.push_back(start_timer(TxTimer::k, config_.timer_k()));
                }
            }
            break;
        default:
            // Completed: retransmitted final responses are absorbed.
            break;
    }
    return out;
}

Actions ClientMachine::on_timer(TxTimer timer) {
    Actions out;
    switch (timer) {
        case TxTimer::a:
            // §17.1.1.2: retransmit and double the interval (no cap for INVITE).
            if (state_ == ClientState::calling && !reliable_) {
                out.push_back(act(ActionKind::send_request));
                interval_ *= 2;
                out.push_back(start_timer(TxTimer::a, interval_));
            }
            break;
        case TxTimer::b:
            if (state_ == ClientState::calling) {
                out.push_back(act(ActionKind::timeout));
                enter_terminated(out);
            }
            break;
        case TxTimer::d:
            if (state_ == ClientState::completed && invite_) enter_terminated(out);
            break;
        case TxTimer::m:
            if (state_ == ClientState::accepted) enter_terminated(out);
            break;
        case TxTimer::e:
            if (reliable_ || invite_) break;
            if (state_ == ClientState::trying) {
                // §17.1.2.2: Trying: retransmit, interval MIN(2*previous, T2).
                out.push_back(act(ActionKind::send_request));
                interval_ = std::min(interval_ * 2, config_.t2);
                out.push_back(start_timer(TxTimer::e, interval_));
            } else if (state_ == ClientState::proceeding) {
                // §17.1.2.2: Proceeding: retransmit every T2.
                out.push_back(act(ActionKind::send_request));
                interval_ = config_.t2;
                out.push_back(start_timer(TxTimer::e, interval_));
            }
            break;
        case TxTimer::f:
            if (!invite_ && (state_ == ClientState::trying || state_ == ClientState::proceeding)) {
                out.push_back(act(ActionKind::timeout));
                enter_terminated(out);
            }
            break;
        case TxTimer::k:
            if (!invite_ && state_ == ClientState::completed) enter_terminated(out);
            break;
        default:
            break;
    }
    return out;
}

Actions ClientMachine::on_transport_error() {
    Actions out;
    switch (state_) {
        case ClientState::calling:
        case ClientState::trying:
        case ClientState::proceeding:
            // §17.1.1.2 / §17.1.2.2 / §17.1.4: inform the TU, terminate.
            out.push_back(act(ActionKind::transport_error));
            enter_terminated(out);
            break;
        case ClientState::completed:
            // §17.1.1.2: a failure sending the ACK ends the transaction silently (the TU
            // already has the final response).
            if (invite_) enter_terminated(out);
            break;
        default:
            break;
    }
    return out;
}

}  // namespace voip::sip
