#include "bench_uac.hpp"

#include <voip/sip/transport_routing.hpp>
#include <voip/sip/uas_policy.hpp>

#include <algorithm>

#include "proc_stats.hpp"

namespace voip::bench {

BenchUac::BenchUac(sip::UserAgent& ua, sip::TransportAddress target, double rate,
                   std::uint64_t calls)
    : ua_(ua),
      target_(target),
      target_uri_(sip::Uri::make_sip("service", target.address.to_string(), target.port)),
      rate_(rate),
      total_(calls),
      timer_(ua.transactions().executor()) {
    const auto local = ua.local_address(sip::TransportKind::udp);
    contact_ = "<sip:uac@" + local.address.to_string() + ":" + std::to_string(local.port) + ">";
}

double BenchUac::elapsed_seconds() const {
    const auto end = done() ? end_ : std::chrono::steady_clock::now();
    return std::chrono::duration<double>(end - start_).count();
}

void BenchUac::start() {
    start_ = std::chrono::steady_clock::now();
    start_cpu_ = thread_cpu_seconds();
    tick();
}

void BenchUac::tick() {
    // Pacing: as many calls as the rate allows by now, checked every millisecond.
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const auto due =
        std::min<std::uint64_t>(total_, static_cast<std::uint64_t>(elapsed * rate_) + 1);
    while (counters_.started < due)
        place_call();
    if (counters_.started >= total_) {
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        if (wall > 0) placing_cpu_percent_ = 100.0 * (thread_cpu_seconds() - start_cpu_) / wall;
        return;
    }
    timer_.expires_after(std::chrono::milliseconds(1));
    timer_.async_wait([this](std::error_code ec) {
        if (!ec) tick();
    });
}

void BenchUac::fail(std::string reason) {
    ++counters_.failed;
    ++counters_.reasons[std::move(reason)];
    if (done()) end_ = std::chrono::steady_clock::now();
}

void BenchUac::place_call() {
    ++counters_.started;
    auto invite = ua_.make_request(sip::Method::invite, target_uri_);
    invite.add_header(sip::HeaderId::contact, contact_);
    const sip::Request copy = invite;  // for the ACK and the BYE
    ua_.async_send_request(
        std::move(invite), target_,
        [this, copy](std::error_code ec, const sip::Response& response) {
            if (ec) {
                fail("INVITE " + ec.message());
                return;
            }
            if (response.status_code() >= 300) {
                fail("INVITE " + std::to_string(response.status_code()));
                return;
            }
            send_ack(copy, response);
            // RFC 3261 §15.1.1: BYE in the dialog: To with the remote tag, CSeq + 1, to the
            // remote target (the 2xx's Contact).
            auto contact = response.contact_uri();
            auto remote = contact ? sip::Uri::parse(*contact) : sip::Uri::parse("");
            sip::Request bye(sip::Method::bye, remote ? *remote : target_uri_);
            bye.add_header(sip::HeaderId::max_forwards, "70");
            bye.add_header(sip::HeaderId::from, *copy.header(sip::HeaderId::from));
            bye.add_header(sip::HeaderId::to, *response.header(sip::HeaderId::to));
            bye.add_header(sip::HeaderId::call_id, copy.call_id());
            bye.add_header(sip::HeaderId::cseq, "2 BYE");
            ua_.async_send_request(std::move(bye), target_,
                                   [this](std::error_code bye_ec, const sip::Response& answer) {
                                       if (bye_ec) {
                                           fail("BYE " + bye_ec.message());
                                       } else if (answer.status_code() >= 300) {
                                           fail("BYE " + std::to_string(answer.status_code()));
                                       } else {
                                           ++counters_.completed;
                                           if (done()) end_ = std::chrono::steady_clock::now();
                                       }
                                   });
        });
}

void BenchUac::send_ack(const sip::Request& invite, const sip::Response& ok) {
    // RFC 3261 §13.2.2.4 / §17.1.1.3: the ACK for a 2xx is its own transaction (new branch),
    // same CSeq number, To with the tag, to the remote target.
    auto contact = ok.contact_uri();
    auto remote = contact ? sip::Uri::parse(*contact) : sip::Uri::parse("");
    sip::Request ack(sip::Method::ack, remote ? *remote : target_uri_);
    ack.add_header(sip::HeaderId::via,
                   sip::make_via(sip::TransportKind::udp, ua_.transports().sent_by(target_),
                                 "z9hG4bK" + sip::make_tag()));
    ack.add_header(sip::HeaderId::max_forwards, "70");
    ack.add_header(sip::HeaderId::from, *invite.header(sip::HeaderId::from));
    ack.add_header(sip::HeaderId::to, *ok.header(sip::HeaderId::to));
    ack.add_header(sip::HeaderId::call_id, invite.call_id());
    ack.add_header(sip::HeaderId::cseq, "1 ACK");
    ua_.transports().send(ack, target_, {});
}

}  // namespace voip::bench
