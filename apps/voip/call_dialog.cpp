#include "call_dialog.hpp"

#include <fmt/format.h>

namespace voip::cli {

namespace {

using namespace std::chrono_literals;

std::string describe(sip::EndReason reason, std::error_code detail) {
    switch (reason) {
        case sip::EndReason::local_bye:
            return "we hung up";
        case sip::EndReason::remote_bye:
            return "the far end hung up";
        case sip::EndReason::cancelled:
            return "cancelled";
        case sip::EndReason::rejected:
            if (const int status = sip::status_of(detail); status != 0) {
                return fmt::format("rejected ({} {})", status, detail.message());
            }
            return "rejected";
        case sip::EndReason::failed:
            return detail ? fmt::format("failed: {}", detail.message()) : "failed";
        case sip::EndReason::timeout:
            return "no answer (timeout)";
        case sip::EndReason::shutdown:
            return "shut down";
    }
    return "ended";
}

}  // namespace

CallDialog::CallDialog(sip::DialogContext context, Agent* agent, CallBehaviour* behaviour)
    : Dialog(context),
      agent_(agent),
      behaviour_(behaviour),
      ring_timer_(agent->io()),
      tick_timer_(agent->io()),
      began_(std::chrono::steady_clock::now()) {}

void CallDialog::dial() {
    const auto target = agent_->dial_target();
    agent_->call_started();
    agent_->console().progress(fmt::format("calling {}", target.to_string()));
    auto self = std::static_pointer_cast<CallDialog>(shared_from_this());
    behaviour_->dial(
        *this, target, [self](std::error_code ec, std::shared_ptr<audio::AudioCall> call) {
            if (ec || !call) {
                self->agent_->console().error(fmt::format("call to {} failed: {}",
                                                          self->agent_->dial_target().to_string(),
                                                          ec ? ec.message() : "no media session"));
                self->report_end();
                return;
            }
            self->media_flowing(std::move(call));
        });
}

void CallDialog::on_invite(const sip::Request& invite) {
    agent_->call_started();
    agent_->console().ok(fmt::format("incoming call from {}", remote_uri().to_string()));
    (void)invite;
    if (agent_->shutting_down()) {
        reject(480, "Leaving");
        return;
    }
    if (agent_->options().ring_time.count() > 0) {
        (void)ringing();
        rang_ = true;
        agent_->console().progress("ringing");
        auto weak = std::weak_ptr<Dialog>(shared_from_this());
        ring_timer_.expires_after(agent_->options().ring_time);
        ring_timer_.async_wait([weak](std::error_code ec) {
            auto self = std::static_pointer_cast<CallDialog>(weak.lock());
            if (ec || !self || self->state() == sip::DialogState::terminated) return;
            self->answer();
        });
        return;
    }
    answer();
}

void CallDialog::answer() {
    auto call = behaviour_->accept(*this);
    if (!call) {
        agent_->console().error("could not answer the call (SDP offer or media failed)");
        return;
    }
    media_flowing(std::move(call));
}

void CallDialog::media_flowing(std::shared_ptr<audio::AudioCall> call) {
    call_ = std::move(call);
    connected_ = true;
    connected_at_ = std::chrono::steady_clock::now();
    const auto stats = call_->audio_stats();
    agent_->console().ok(fmt::format(
        "answered: {}/{}{} after {} ms", stats.codec, stats.clock_rate,
        call_->srtp_suite().empty() ? "" : fmt::format(", SRTP {}", call_->srtp_suite()),
        std::chrono::duration_cast<std::chrono::milliseconds>(connected_at_ - began_).count()));
    behaviour_->started(call_);
    schedule_tick();
}

void CallDialog::schedule_tick() {
    auto weak = std::weak_ptr<Dialog>(shared_from_this());
    tick_timer_.expires_after(1s);
    tick_timer_.async_wait([weak](std::error_code ec) {
        auto self = std::static_pointer_cast<CallDialog>(weak.lock());
        if (ec || !self || !self->call_ || self->state() == sip::DialogState::terminated) return;
        const auto rtp = self->call_->stats();
        self->agent_->console().status(
            fmt::format("in call {}  sent {}  received {} packets",
                        format_call_time(std::chrono::steady_clock::now() - self->connected_at_),
                        rtp.packets_sent, rtp.packets_received));
        self->schedule_tick();
    });
}

void CallDialog::on_progress(const sip::Response& provisional) {
    if (provisional.status_code() == 180 || provisional.status_code() == 183) {
        if (!rang_) agent_->console().progress("ringing");
        rang_ = true;
    }
}

void CallDialog::on_confirmed() {}

void CallDialog::on_bye() {}

void CallDialog::on_cancel() {}

void CallDialog::on_terminated(sip::EndReason reason, std::error_code detail) {
    ring_timer_.cancel();
    tick_timer_.cancel();
    if (connected_) {
        agent_->console().progress(
            fmt::format("call ended: {} after {}", describe(reason, detail),
                        format_call_time(std::chrono::steady_clock::now() - connected_at_)));
    } else {
        agent_->console().progress(fmt::format("call ended: {}", describe(reason, detail)));
    }
    if (call_) {
        const auto audio = call_->audio_stats();
        agent_->console().line(format_stats(call_->stats(), &audio));
        behaviour_->ended(call_);
    }
    report_end();
}

void CallDialog::report_end() {
    if (reported_) return;
    reported_ = true;
    agent_->call_ended(connected_);
}

}  // namespace voip::cli
