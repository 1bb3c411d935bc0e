#pragma once
/// @file
/// One-shot timers for the transaction layer, behind an interface so that tests drive a manual
/// clock deterministically (ManualTimerService) while programs use Asio (AsioTimerService).

#include <asio/any_io_executor.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <utility>

namespace voip::sip {

/// Starts and cancels one-shot timers. Callbacks run on the owner's executor, never from
/// inside start() or cancel().
class TimerService {
public:
    using Duration = std::chrono::milliseconds;
    using Callback = std::function<void()>;
    /// Identifies a started timer; 0 is never used.
    using TimerId = std::uint64_t;

    virtual ~TimerService() = default;
    /// Run @p callback once after @p delay (unless cancelled first).
    virtual TimerId start(Duration delay, Callback callback) = 0;
    /// Cancel a timer; a fired or unknown id is ignored. The callback will not run afterwards.
    virtual void cancel(TimerId id) noexcept = 0;

protected:
    TimerService() = default;
    TimerService(const TimerService&) = default;
    TimerService& operator=(const TimerService&) = default;
};

/// Timers as asio::steady_timer on an executor.
class AsioTimerService final : public TimerService {
public:
    explicit AsioTimerService(const asio::any_io_executor& executor);
    /// Cancels every pending timer; their callbacks never run.
    ~AsioTimerService() override;
    AsioTimerService(const AsioTimerService&) = delete;
    AsioTimerService& operator=(const AsioTimerService&) = delete;

    TimerId start(Duration delay, Callback callback) override;
    void cancel(TimerId id) noexcept override;
    /// Timers started and not yet fired or cancelled.
    [[nodiscard]] std::size_t pending() const noexcept;

private:
    struct State;
    std::shared_ptr<State> state_;
};

/// A clock that moves only when told to: advance() runs the due callbacks in time order (ties
/// in start order), synchronously. For tests, and for simulations.
class ManualTimerService final : public TimerService {
public:
    ManualTimerService() = default;

    TimerId start(Duration delay, Callback callback) override;
    void cancel(TimerId id) noexcept override;

    /// Move the clock forward by @p delta, firing every timer due on the way (including ones
    /// started by callbacks). At most 1,000,000 callbacks per call (a guard against loops).
    void advance(Duration delta);
    /// Advance to the next pending timer and fire it (and any due at the same instant).
    /// Returns false when nothing is pending.
    bool advance_to_next();
    /// Time elapsed since construction.
    [[nodiscard]] Duration now() const noexcept { return now_; }
    [[nodiscard]] std::size_t pending() const noexcept { return timers_.size(); }
    /// Delay from now to the earliest pending timer (Duration::max() when none).
    [[nodiscard]] Duration next_due_in() const noexcept;

private:
    // Ordered by (due, id): equal times fire in start order.
    std::map<std::pair<Duration::rep, TimerId>, Callback> timers_;
    std::map<TimerId, Duration::rep> due_of_;
    Duration now_{0};
    TimerId next_id_ = 1;
};

}  // namespace voip::sip
