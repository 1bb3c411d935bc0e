// RFC 3261 §17.2.1 (INVITE, updated by RFC 6026 §7.1) and §17.2.2 (non-INVITE) server
// transaction state machines.
#include <voip/sip/transaction_machine.hpp>

#include <algorithm>

#include "transaction_actions.hpp"

namespace voip::sip {
using detail::act;
using detail::start_timer;
using detail::stop_timer;

ServerMachine::ServerMachine(bool invite, bool reliable, const TimerConfig& config)
    : invite_(invite),
      reliable_(reliable),
      config_(config),
      state_(invite ? ServerState::proceeding : ServerState::trying) {}

Actions ServerMachine::start() {
    Actions out;
    if (!invite_) return out;
    // §17.2.1: 100 Trying unless the TU answers within 200 ms. We wait trying_delay (200 ms by
    // default) and send it only if the TU has not responded by then: a TU answering at once
    // (OPTIONS-like INVITE handling, a quick 486) saves a message.
    if (config_.trying_delay.count() <= 0) {
        trying_sent_ = true;
        out.push_back(act(ActionKind::send_trying));
    } else {
        out.push_back(start_timer(TxTimer::trying, config_.trying_delay));
    }
    return out;
}

bool ServerMachine::can_respond(int status) const noexcept {
    if (status < 100 || status > 699) return false;
    if (invite_) {
        if (state_ == ServerState::proceeding) return true;
        // RFC 6026 §7.1: in Accepted the TU's 2xx retransmissions pass through.
        return state_ == ServerState::accepted && status >= 200 && status < 300;
    }
    return state_ == ServerState::trying || state_ == ServerState::proceeding;
}

void ServerMachine::enter_terminated(Actions& out) {
    state_ = ServerState::terminated;
    out.push_back(act(ActionKind::terminated));
}

Actions ServerMachine::on_tu_response(int status) {
    Actions out;
    if (!can_respond(status)) return out;
    if (invite_) {
        if (state_ == ServerState::accepted) {
            out.push_back(act(ActionKind::send_response));
            return out;
        }
        if (!responded_ && !trying_sent_ && config_.trying_delay.count() > 0) {
            out.push_back(stop_timer(TxTimer::trying));
        }
        responded_ = true;
        out.push_back(act(ActionKind::send_response));
        if (status < 200) return out;
        if (status < 300) {
            // RFC 6026 §7.1: 2xx → Accepted; Timer L (64*T1) absorbs INVITE retransmissions
            // and passes the ACK up. The TU retransmits the 2xx (§13.3.1.4).
            state_ = ServerState::accepted;
            out.push_back(start_timer(TxTimer::l, config_.timer_l()));
        } else {
            // §17.2.1: 300-699 → Completed; Timer G (T1, unreliable only) and H (64*T1).
            state_ = ServerState::completed;
            interval_ = config_.timer_g();
            if (!reliable_) out.push_back(start_timer(TxTimer::g, interval_));
            out.push_back(start_timer(TxTimer::h, config_.timer_h()));
        }
        return out;
    }
    responded_ = true;
    out.push_back(act(ActionKind::send_response));
    if (status < 200) {
        state_ = ServerState::proceeding;
    } else {
        // §17.2.2: final → Completed; Timer J (64*T1 unreliable, zero reliable).
        state_ = ServerState::completed;
        if (reliable_) {
            enter_terminated(out);
        } else {
            out.push_back(start_timer(TxTimer::j, config_.timer_j()));
        }
    }
    return out;
}

Actions ServerMachine::on_request_retransmission() {
    Actions out;
    switch (state_) {
        case ServerState::proceeding:
            // §17.2.1 / §17.2.2: resend the most recent provisional response (the 100 Trying
            // counts); with none sent yet there is nothing to resend.
            if (responded_ || trying_sent_) out.push_back(act(ActionKind::send_response));
            break;
        case ServerState::completed:
            out.push_back(act(ActionKind::send_response));
            break;
        default:
            // Trying (non-INVITE, nothing sent yet), Confirmed, Accepted: absorbed.
            break;
    }
    return out;
}

Actions ServerMachine::on_ack() {
    Actions out;
    if (!invite_) return out;
    if (state_ == ServerState::completed) {
        // §17.2.1: ACK → Confirmed; stop G and H; Timer I (T4, zero when reliable) absorbs
        // further ACKs.
        state_ = ServerState::confirmed;
        if (!reliable_) out.push_back(stop_timer(TxTimer::g));
        out.push_back(stop_timer(TxTimer::h));
        if (reliable_) {
            enter_terminated(out);
        } else {
            out.push_back(start_timer(TxTimer::i, config_.timer_i()));
        }
    } else if (state_ == ServerState::accepted) {
        out.push_back(act(ActionKind::deliver_ack));  // RFC 6026 §7.1
    }
    return out;
}

Actions ServerMachine::on_timer(TxTimer timer) {
    Actions out;
    switch (timer) {
        case TxTimer::trying:
            if (invite_ && state_ == ServerState::proceeding && !responded_ && !trying_sent_) {
                trying_sent_ = true;
                out.push_back(act(ActionKind::send_trying));
            }
            break;
        case TxTimer::g:
            // §17.2.1: retransmit, interval MIN(2*previous, T2).
            if (state_ == ServerState::completed && !reliable_) {
                out.push_back(act(ActionKind::send_response));
                interval_ = std::min(interval_ * 2, config_.t2);
                out.push_back(start_timer(TxTimer::g, interval_));
            }
            break;
        case TxTimer::h:
            if (state_ == ServerState::completed) {
                out.push_back(act(ActionKind::timeout));  // no ACK ever came
                enter_terminated(out);
            }
            break;
        case TxTimer::i:
            if (state_ == ServerState::confirmed) enter_terminated(out);
            break;
        case TxTimer::l:
            if (state_ == ServerState::accepted) enter_terminated(out);
            break;
        case TxTimer::j:
            if (!invite_ && state_ == ServerState::completed) enter_terminated(out);
            break;
        default:
            break;
    }
    return out;
}

Actions ServerMachine::on_transport_error() {
    Actions out;
    switch (state_) {
        case ServerState::trying:
        case ServerState::proceeding:
        case ServerState::completed:
            // §17.2.4: inform the TU, terminate.
            out.push_back(act(ActionKind::transport_error));
            enter_terminated(out);
            break;
        case ServerState::accepted:
            // RFC 6026 §7.1 (Figure 5): inform the TU, stay Accepted.
            out.push_back(act(ActionKind::transport_error));
            break;
        default:
            break;
    }
    return out;
}

}  // namespace voip::sip
