#pragma once
// Two (or more) UserAgents on one io_context over loopback, with a dialog layer each, and a
// Dialog subclass that records its hooks — for the dialog tests.

#include <voip/audio/audio_call.hpp>
#include <voip/sip/dialog.hpp>
#include <voip/sip/dialog_routing.hpp>
#include <voip/sip/transaction_requests.hpp>
#include <voip/sip/transport_routing.hpp>

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

/// A request inside the dialog @p invite made, as a hand-driven caller sends it: To with the
/// callee's tag from @p ok, sent to the 2xx's Contact (RFC 3261 §12.2.1.1).
inline Request in_dialog(Method method, std::uint32_t cseq, const Request& invite,
                         const Response& ok) {
    Request r(method, remote_target_of(ok).value());
    r.add_header(HeaderId::max_forwards, "70");
    r.add_header(HeaderId::from, std::string(*invite.header(HeaderId::from)));
    r.add_header(HeaderId::to, std::string(*ok.header(HeaderId::to)));
    r.add_header(HeaderId::call_id, std::string(invite.call_id()));
    r.add_header(HeaderId::cseq, std::to_string(cseq) + " " + std::string(to_string(method)));
    return r;
}

/// The ACK for @p ok (§13.2.2.4: its own branch, no transaction), from @p caller to @p to.
inline void send_ack(UserAgent& caller, const TransportAddress& to, const Request& invite,
                     const Response& ok) {
    Request ack = in_dialog(Method::ack, 1, invite, ok);
    ack.prepend_header(HeaderId::via,
                       make_via(to.kind, caller.transports().sent_by(to), generate_branch()));
    caller.transports().send(ack, to, [](std::error_code) {});
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
    enum class Plan { accept, ring, reject, early_media, without_media };
    Plan plan = Plan::accept;
    int reject_status = 603;
    std::string media_body;  // Plan::without_media: the 200's body (empty: none)
    bool accepted_without_media = false;
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
    RecordingDialog(DialogContext context, const std::shared_ptr<Events>& events)
        : Dialog(context), events_(events) {}

    void on_invite(const Request& /*invite*/) override {
        auto ev = events_.lock();
        if (!ev) return;
        ++ev->invites;
        ev->dialog = shared_from_this();
        switch (ev->plan) {
            case Events::Plan::accept:
                (void)ringing();
                ev->call = accept<AudioCall>();
                break;
            case Events::Plan::early_media:
                ev->call = early_media<AudioCall>();
                break;
            case Events::Plan::ring:
                (void)ringing();
                break;
            case Events::Plan::reject:
                reject(ev->reject_status);
                break;
            case Events::Plan::without_media:
                ev->accepted_without_media =
                    static_cast<bool>(accept_without_media(ev->media_body));
                break;
        }
    }
    void on_bye() override {
        if (auto ev = events_.lock()) ++ev->byes;
    }
    void on_cancel() override {
        if (auto ev = events_.lock()) ++ev->cancels;
    }
    void on_info(const Request& info) override {
        auto ev = events_.lock();
        if (!ev) return;
        ++ev->infos;
        ev->info_body = std::string(info.body());
    }
    void on_confirmed() override {
        if (auto ev = events_.lock()) ++ev->confirmed;
    }
    void on_progress(const Response& r) override {
        auto ev = events_.lock();
        if (!ev) return;
        ev->progress.push_back(r.status_code());
        if (ev->after_progress) ev->after_progress(*this);
    }
    void on_media_changed(const sdp::Negotiated& /*n*/) override {
        if (auto ev = events_.lock()) ++ev->media_changes;
    }
    void on_terminated(EndReason reason, std::error_code detail) override {
        auto ev = events_.lock();
        if (!ev) return;
        ++ev->terminated_calls;
        ev->ended = reason;
        ev->end_detail = detail;
    }

private:
    // Weak: the events keep this dialog (Events::dialog) for the test to inspect, so a strong
    // pointer back would be a reference cycle keeping both, and the media session, alive.
    std::weak_ptr<Events> events_;
};

}  // namespace voip::sip::test
