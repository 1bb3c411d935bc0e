#pragma once
// The sip::Dialog every `voip` command uses: it announces each step (incoming call, ringing,
// answered, hung up), answers or dials with the command's media class (CallBehaviour), shows
// a live call-time line on a terminal and prints the RTP statistics line when the call ends.

#include <voip/audio/audio_call.hpp>
#include <voip/sip/dialog.hpp>

#include <asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <system_error>

#include "agent.hpp"

namespace voip::cli {

/// What a command does with a call: which media class answers or dials, and what happens
/// once media flows and when the call is over.
class CallBehaviour {
public:
    using DialDone = std::function<void(std::error_code, std::shared_ptr<audio::AudioCall>)>;

    virtual ~CallBehaviour() = default;
    /// Dialog::accept<S>() with the command's class; null when answering failed.
    virtual std::shared_ptr<audio::AudioCall> accept(sip::Dialog& dialog) = 0;
    /// Dialog::async_dial<S>() with the command's class.
    virtual void dial(sip::Dialog& dialog, const sip::Uri& target, DialDone done) = 0;
    /// Media flows (the 2xx went or came).
    virtual void started(const std::shared_ptr<audio::AudioCall>& /*call*/) {}
    /// The call is over and its media stopped (record saves here). The behaviour may keep
    /// @p call alive for work still in flight (transcriptions) and report it by busy().
    virtual void ended(const std::shared_ptr<audio::AudioCall>& /*call*/) {}
    /// Work of ended calls still running: shutdown waits for it (bounded).
    [[nodiscard]] virtual bool busy() { return false; }

protected:
    CallBehaviour() = default;
    CallBehaviour(const CallBehaviour&) = default;
    CallBehaviour& operator=(const CallBehaviour&) = default;
};

/// accept<S>(args...) as a CallBehaviour returns it.
template <class S, class... Args>
std::shared_ptr<audio::AudioCall> accept_as(sip::Dialog& dialog, Args&&... args) {
    return dialog.accept<S>(std::forward<Args>(args)...);
}

/// async_dial<S>(target, ..., args...) as a CallBehaviour reports it.
template <class S, class... Args>
void dial_as(sip::Dialog& dialog, const sip::Uri& target, CallBehaviour::DialDone done,
             Args&&... args) {
    dialog.async_dial<S>(
        target,
        [done = std::move(done)](std::error_code ec, std::shared_ptr<S> call) {
            done(ec, std::move(call));
        },
        std::forward<Args>(args)...);
}

class CallDialog : public sip::Dialog {
public:
    CallDialog(sip::DialogContext context, Agent* agent, CallBehaviour* behaviour);

    /// UAC: dial Agent::dial_target().
    void dial();

    void on_invite(const sip::Request& invite) override;
    void on_progress(const sip::Response& provisional) override;
    void on_confirmed() override;
    void on_bye() override;
    void on_cancel() override;
    void on_terminated(sip::EndReason reason, std::error_code detail) override;

private:
    void answer();
    void media_flowing(std::shared_ptr<audio::AudioCall> call);
    void schedule_tick();
    // Tells the agent once, whichever comes first: on_terminated or the dial's failure.
    void report_end();

    Agent* agent_;
    CallBehaviour* behaviour_;
    std::shared_ptr<audio::AudioCall> call_;
    asio::steady_timer ring_timer_;
    asio::steady_timer tick_timer_;
    std::chrono::steady_clock::time_point began_;
    std::chrono::steady_clock::time_point connected_at_;
    bool connected_ = false;
    bool rang_ = false;
    bool reported_ = false;
};

}  // namespace voip::cli
