// Names of the state machine enums (the machines live in transaction_client_machine.cpp and
// transaction_server_machine.cpp).
#include <voip/sip/transaction_machine.hpp>

namespace voip::sip {

std::string_view to_string(TxTimer timer) noexcept {
    switch (timer) {
        case TxTimer::a:
            return "A";
        case TxTimer::b:
            return "B";
        case TxTimer::d:
            return "D";
        case TxTimer::e:
            return "E";
        case TxTimer::f:
            return "F";
        case TxTimer::g:
            return "G";
        case TxTimer::h:
            return "H";
        case TxTimer::i:
            return "I";
        case TxTimer::j:
            return "J";
        case TxTimer::k:
            return "K";
        case TxTimer::l:
            return "L";
        case TxTimer::m:
            return "M";
        case TxTimer::trying:
            return "Trying";
    }
    return "?";
}

std::string_view to_string(ActionKind kind) noexcept {
    switch (kind) {
        case ActionKind::send_request:
            return "send_request";
        case ActionKind::send_ack:
            return "send_ack";
        case ActionKind::send_trying:
            return "send_trying";
        case ActionKind::send_response:
            return "send_response";
        case ActionKind::start_timer:
            return "start_timer";
        case ActionKind::stop_timer:
            return "stop_timer";
        case ActionKind::deliver_provisional:
            return "deliver_provisional";
        case ActionKind::deliver_final:
            return "deliver_final";
        case ActionKind::deliver_2xx:
            return "deliver_2xx";
        case ActionKind::deliver_ack:
            return "deliver_ack";
        case ActionKind::timeout:
            return "timeout";
        case ActionKind::transport_error:
            return "transport_error";
        case ActionKind::terminated:
            return "terminated";
    }
    return "?";
}

std::string_view to_string(ClientState state) noexcept {
    switch (state) {
        case ClientState::calling:
            return "Calling";
        case ClientState::trying:
            return "Trying";
        case ClientState::proceeding:
            return "Proceeding";
        case ClientState::completed:
            return "Completed";
        case ClientState::accepted:
            return "Accepted";
        case ClientState::terminated:
            return "Terminated";
    }
    return "?";
}

std::string_view to_string(ServerState state) noexcept {
    switch (state) {
        case ServerState::trying:
            return "Trying";
        case ServerState::proceeding:
            return "Proceeding";
        case ServerState::completed:
            return "Completed";
        case ServerState::confirmed:
            return "Confirmed";
        case ServerState::accepted:
            return "Accepted";
        case ServerState::terminated:
            return "Terminated";
    }
    return "?";
}

}  // namespace voip::sip
