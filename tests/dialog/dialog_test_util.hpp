#pragma once
// Two (or more) UserAgents on one io_context over loopback, with a dialog layer each, and a
// Dialog subclass that records its hooks — for the dialog tests.

#include <voip/audio/audio_call.hpp>
#include <voip/sip/dialog.hpp>

#include <asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace voip::sip::test {

using namespace std::chrono_literals;

inline bool run_until(asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        io.restart();
        io.run_for(5ms);
    }
    return true;
}

inline void run_for(asio::io_context& io, std::chrono::milliseconds duration) {
    const auto deadline = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < deadline) {
        io.restart();
        io.run_for(5ms);
    }
}

/// Short timers so that every test is fast (T1 = 30 ms: 64*T1 = 1.92 s).
inline TimerConfig fast_timers() {
    TimerConfig t;
    t.t1 = 30ms;
    t.t2 = 200ms;
    t.t4 = 100ms;
    t.timer_d = 200ms;
    t.trying_delay = 0ms;
    return t;
}

inline UserAgentConfig agent_config(std::string user_agent) {
    UserAgentConfig c;
    c.listen = {"udp:127.0.0.1:0", "tcp:127.0.0.1:0"};
    c.timers = fast_timers();
    c.user_agent = std::move(user_agent);
    c.keepalive.enabled = false;
    // INFO bodies the tests send (the UA answers 415 to types it does not accept).
    c.capabilities.accepted_content_types.emplace_back("application/dtmf-relay");
    return c;
}

inline CallConfig call_config() {
    CallConfig c;
    c.media_address = "127.0.0.1";
    c.media.address = asio::ip::make_address("127.0.0.1");
    c.glare_unit = 1ms;  // §14.1 back-off of 0.21-0.4 s / 0-0.2 s
    return c;
}

/// What a RecordingDialog saw.
struct Events {
    enum class Plan { accept, ring, reject, early_media };
    Plan plan = Plan::accept;
    int reject_status = 603;
    int invites = 0;
    int byes = 0;
    int cancels = 0;
    int confirmed = 0;
    int infos = 0;
    int media_changes = 0;
    std::vector<int> progress;
    std::optional<EndReason> ended;
    std::error_code end_detail;
    int terminated_calls = 0;
    std::string info_body;
    std::shared_ptr<AudioCall> call;  // the UAS side's session (accept)
    std::shared_ptr<Dialog> dialog;   // the inbound dialog
    std::function<void(Dialog&)> after_progress;
};

class RecordingDialog : public Dialog {
public:
    RecordingDialog(DialogContext context, std::shared_ptr<Events> events)
        : Dialog(context), events_(std::move(events)) {}

    void on_invite(const Request& /*invite*/) override {
        ++events_->invites;
        events_->dialog = shared_from_this();
        switch (events_->plan) {
            case Events::Plan::accept:
                (void)ringing();
                events_->call = accept<AudioCall>();
                break;
            case Events::Plan::early_media:
                events_->call = early_media<AudioCall>();
                break;
            case Events::Plan::ring:
                (void)ringing();
                break;
            case Events::Plan::reject:
                reject(events_->reject_status);
                break;
        }
    }
    void on_bye() override { ++events_->byes; }
    void on_cancel() override { ++events_->cancels; }
    void on_info(const Request& info) override {
        ++events_->infos;
        events_->info_body = std::string(info.body());
    }
    void on_confirmed() override { ++events_->confirmed; }
    void on_progress(const Response& r) override {
        events_->progress.push_back(r.status_code());
        if (events_->after_progress) events_->after_progress(*this);
    }
    void on_media_changed(const sdp::Negotiated& /*n*/) override { ++events_->media_changes; }
    void on_terminated(EndReason reason, std::error_code detail) override {
        ++events_->terminated_calls;
        events_->ended = reason;
        events_->end_detail = detail;
    }

private:
    std::shared_ptr<Events> events_;
};

}  // namespace voip::sip::test
