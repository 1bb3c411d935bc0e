#pragma once
// Shorthands the client and server state machines use to emit actions, and the drivers'
// common clean-up of their timers.

#include <voip/sip/timer_service.hpp>
#include <voip/sip/transaction_machine.hpp>

#include <array>
#include <chrono>

namespace voip::sip::detail {

inline Action act(ActionKind kind) {
    return Action{kind, TxTimer::a, std::chrono::milliseconds{0}};
}
inline Action start_timer(TxTimer timer, std::chrono::milliseconds delay) {
    return Action{ActionKind::start_timer, timer, delay};
}
inline Action stop_timer(TxTimer timer) {
    return Action{ActionKind::stop_timer, timer, std::chrono::milliseconds{0}};
}

/// Cancel every running timer of a transaction (ids of 0 are not running).
template <std::size_t N>
void cancel_timers(TimerService& timers, std::array<TimerService::TimerId, N>& ids) {
    for (auto& id : ids) {
        if (id != 0) timers.cancel(id);
        id = 0;
    }
}

}  // namespace voip::sip::detail
