#include <voip/sip/timer_service.hpp>

#include <asio/steady_timer.hpp>

#include <unordered_map>
#include <utility>

namespace voip::sip {

struct AsioTimerService::State {
    explicit State(asio::any_io_executor ex) : executor(std::move(ex)) {}
    asio::any_io_executor executor;
    std::unordered_map<TimerId, std::unique_ptr<asio::steady_timer>> timers;
    TimerId next_id = 1;
};

AsioTimerService::AsioTimerService(asio::any_io_executor executor)
    : state_(std::make_shared<State>(std::move(executor))) {}

// Destroying a steady_timer cancels its wait (without throwing, unlike cancel()); the
// completion then sees operation_aborted or, if already queued, finds its id gone.
AsioTimerService::~AsioTimerService() {
    state_->timers.clear();
}

TimerService::TimerId AsioTimerService::start(Duration delay, Callback callback) {
    const TimerId id = state_->next_id++;
    auto timer = std::make_unique<asio::steady_timer>(state_->executor, delay);
    // The completion checks that the id is still registered: a timer cancelled after it
    // expired (its completion already queued with success) must not run its callback.
    timer->async_wait(
        [weak = std::weak_ptr<State>(state_), id, cb = std::move(callback)](std::error_code ec) {
            if (ec) return;
            auto state = weak.lock();
            if (!state) return;
            auto it = state->timers.find(id);
            if (it == state->timers.end()) return;
            auto keep = std::move(it->second);  // the timer object lives until the callback returns
            state->timers.erase(it);
            cb();
        });
    state_->timers.emplace(id, std::move(timer));
    return id;
}

void AsioTimerService::cancel(TimerId id) noexcept {
    state_->timers.erase(id);
}

std::size_t AsioTimerService::pending() const noexcept {
    return state_->timers.size();
}

TimerService::TimerId ManualTimerService::start(Duration delay, Callback callback) {
    const TimerId id = next_id_++;
    const auto due = (now_ + (delay.count() < 0 ? Duration{0} : delay)).count();
    timers_.emplace(std::make_pair(due, id), std::move(callback));
    due_of_.emplace(id, due);
    return id;
}

void ManualTimerService::cancel(TimerId id) noexcept {
    auto it = due_of_.find(id);
    if (it == due_of_.end()) return;
    timers_.erase(std::make_pair(it->second, id));
    due_of_.erase(it);
}

void ManualTimerService::advance(Duration delta) {
    const auto target = now_ + delta;
    for (int fired = 0; fired < 1'000'000; ++fired) {
        if (timers_.empty() || timers_.begin()->first.first > target.count()) break;
        auto node = timers_.extract(timers_.begin());
        due_of_.erase(node.key().second);
        now_ = Duration{node.key().first};
        node.mapped()();
    }
    now_ = target;
}

bool ManualTimerService::advance_to_next() {
    if (timers_.empty()) return false;
    advance(Duration{timers_.begin()->first.first} - now_);
    return true;
}

ManualTimerService::Duration ManualTimerService::next_due_in() const noexcept {
    if (timers_.empty()) return Duration::max();
    return Duration{timers_.begin()->first.first} - now_;
}

}  // namespace voip::sip
