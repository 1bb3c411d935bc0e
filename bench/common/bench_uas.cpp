#include "bench_uas.hpp"

#include <voip/sip/uas_policy.hpp>

#include <algorithm>

namespace voip::bench {

BenchUas::BenchUas(sip::UserAgent& ua, std::string contact)
    : ua_(ua), contact_("<" + std::move(contact) + ">") {}

BenchUas::~BenchUas() {
    for (auto& [id, call] : calls_) {
        if (call.retransmit != 0) ua_.transactions().timers().cancel(call.retransmit);
    }
}

void BenchUas::on_invite(const sip::IncomingRequest& in) {
    ++counters_.invites;
    const std::string call_id(in.request.call_id());
    auto [it, inserted] = calls_.try_emplace(call_id);
    if (!inserted) {
        // A new INVITE with a Call-ID we already answered: not the bench's traffic.
        (void)in.transaction->respond(482);
        return;
    }
    Call& call = it->second;
    call.to_tag = sip::make_tag();
    call.invite = in.transaction;
    auto response = sip::Response::make_for(in.request, 200, {}, call.to_tag);
    // RFC 3261 §12.1.1: the 2xx carries the INVITE's Record-Route (so a proxy such as the
    // scale test's Kamailio stays on the path of the ACK and the BYE).
    for (const auto value : in.request.header_values(sip::HeaderId::record_route))
        response.add_header(sip::HeaderId::record_route, value);
    response.add_header(sip::HeaderId::contact, contact_);
    if (auto sent = in.transaction->respond(std::move(response)); !sent) {
        ++counters_.respond_errors;
        calls_.erase(it);
        return;
    }
    ++counters_.answered;
    if (in.source.kind == sip::TransportKind::udp) {
        call.interval = ua_.transactions().config().t1;
        arm_retransmit(call_id, call);
    }
}

void BenchUas::arm_retransmit(const std::string& call_id, Call& call) {
    call.retransmit =
        ua_.transactions().timers().start(call.interval, [this, call_id] { retransmit(call_id); });
}

void BenchUas::retransmit(const std::string& call_id) {
    auto it = calls_.find(call_id);
    if (it == calls_.end()) return;
    Call& call = it->second;
    call.retransmit = 0;
    call.waited += call.interval;
    // RFC 3261 §13.3.1.4: retransmit T1, 2T1, ... capped at T2; give up after 64*T1.
    const auto& timers = ua_.transactions().config();
    if (call.waited >= 64 * timers.t1 || !call.invite) {
        ++counters_.ack_timeouts;
        calls_.erase(it);
        return;
    }
    if (call.invite->last_status() == 200) {
        if (call.invite->resend_2xx()) ++counters_.ok_retransmits;
    }
    call.interval = std::min(call.interval * 2, timers.t2);
    arm_retransmit(call_id, call);
}

bool BenchUas::on_dialog_request(const sip::IncomingRequest& in) {
    auto it = calls_.find(std::string(in.request.call_id()));
    if (it == calls_.end() || in.request.to_tag() != it->second.to_tag) {
        if (in.transaction) ++counters_.unknown_requests;
        return false;  // 481 (nothing for an ACK)
    }
    Call& call = it->second;
    switch (in.request.method_id()) {
        case sip::Method::ack:
            if (call.invite) {
                ++counters_.acked;
                call.invite.reset();
                if (call.retransmit != 0) ua_.transactions().timers().cancel(call.retransmit);
                call.retransmit = 0;
            }
            return true;
        case sip::Method::bye:
            if (call.invite) {
                // BYE before the ACK: the 2xx was received (RFC 3261 §13.3.1.4 allows ending).
                ++counters_.acked;
                if (call.retransmit != 0) ua_.transactions().timers().cancel(call.retransmit);
            }
            if (!in.transaction->respond(200)) ++counters_.respond_errors;
            ++counters_.byes;
            calls_.erase(it);
            return true;
        default:
            ++counters_.other_requests;
            if (in.transaction) (void)in.transaction->respond(200);
            return true;
    }
}

}  // namespace voip::bench
