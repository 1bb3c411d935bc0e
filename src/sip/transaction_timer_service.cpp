#include <voip/sip/timer_service.hpp>

#include <asio/steady_timer.hpp>

#include <chrono>
#include <queue>
#include <unordered_map>
#include <utility>

namespace voip::sip {

// One asio::steady_timer for all the service's timers, armed for the earliest: a UAS at
// 20,000 calls/s keeps about 1.3 million transaction timers (Timer J and L, 32 s), and an
// asio timer each cost ~300 bytes and a timer-queue operation per start and cancel. Here a
// timer is a map entry (its callback) and a 16-byte heap entry; a cancelled timer leaves its
// heap entry behind until its due time (skipped then).
struct AsioTimerService::State : std::enable_shared_from_this<AsioTimerService::State> {
    using Clock = std::chrono::steady_clock;
    struct Due {
        Clock::time_point at;
        TimerId id;
        // std::priority_queue is a max-heap: "greater" puts the earliest (then lowest id) on top.
        friend bool operator<(const Due& a, const Due& b) {
            return a.at != b.at ? a.at > b.at : a.id > b.id;
        }
    };

    explicit State(const asio::any_io_executor& ex) : timer(ex) {}

    void arm() {
        // Skip cancelled entries on top: they need no wake-up.
        while (!heap.empty() && !callbacks.contains(heap.top().id))
            heap.pop();
        if (heap.empty()) return;  // a wait in progress, if any, wakes up to nothing
        const auto next = heap.top().at;
        if (armed && next >= armed_at) return;  // the wait in progress comes first
        armed = true;
        armed_at = next;
        timer.expires_at(next);
        timer.async_wait([weak = weak_from_this(), next](std::error_code ec) {
            auto self = weak.lock();
            if (!self || self->destroyed) return;
            // A re-arm for an earlier time cancels this wait; a stale completion (its wait was
            // replaced after it had already expired) finds armed_at moved on and does nothing.
            if (ec || self->armed_at != next) return;
            self->armed = false;
            self->fire_due();
        });
    }

    void fire_due() {
        auto keep = shared_from_this();  // a callback may destroy the service
        // Bounded per wake-up, so callbacks re-starting zero-delay timers cannot starve the
        // executor: the rest runs on the next turn.
        for (int fired = 0; fired < 10000 && !destroyed && !heap.empty(); ++fired) {
            const Due top = heap.top();
            if (top.at > Clock::now()) break;
            heap.pop();
            auto it = callbacks.find(top.id);
            if (it == callbacks.end()) continue;  // cancelled
            auto callback = std::move(it->second);
            callbacks.erase(it);
            callback();
        }
        if (!destroyed) arm();
    }

    asio::steady_timer timer;
    std::unordered_map<TimerId, Callback> callbacks;
    std::priority_queue<Due> heap;
    Clock::time_point armed_at = Clock::time_point::max();
    TimerId next_id = 1;
    bool armed = false;
    bool destroyed = false;
};

AsioTimerService::AsioTimerService(const asio::any_io_executor& executor)
    : state_(std::make_shared<State>(executor)) {}

// The State (and with it the steady_timer, whose destruction cancels the wait without
// throwing) goes with the last owner: this, or a fire_due() in progress.
AsioTimerService::~AsioTimerService() {
    state_->destroyed = true;
    state_->callbacks.clear();
}

TimerService::TimerId AsioTimerService::start(Duration delay, Callback callback) {
    const TimerId id = state_->next_id++;
    const auto at = State::Clock::now() + (delay.count() < 0 ? Duration{0} : delay);
    state_->callbacks.emplace(id, std::move(callback));
    state_->heap.push(State::Due{at, id});
    state_->arm();
    return id;
}

void AsioTimerService::cancel(TimerId id) noexcept {
    // The heap entry stays until its due time; arm() skips it.
    state_->callbacks.erase(id);
}

std::size_t AsioTimerService::pending() const noexcept {
    return state_->callbacks.size();
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
