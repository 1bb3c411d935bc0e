#pragma once
// The library's UAS for the load benchmarks and the scale-out test (tests/scale), at the
// UserAgent DialogHandler level: 200 to every INVITE (no media, no SDP), the 2xx retransmitted
// until the ACK (RFC 3261 §13.3.1.4), 200 to the caller's BYE. Counts everything, so every
// call ends either completed or counted failed.

#include <voip/sip/user_agent.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

namespace voip::bench {

struct UasCounters {
    std::uint64_t invites = 0;
    std::uint64_t answered = 0;          // 200 sent
    std::uint64_t acked = 0;             // ACK for the 200 came
    std::uint64_t byes = 0;              // BYE answered 200 (call completed)
    std::uint64_t ok_retransmits = 0;    // 2xx retransmissions (no ACK within T1, 2T1, ...)
    std::uint64_t ack_timeouts = 0;      // no ACK within 64*T1: the call failed
    std::uint64_t unknown_requests = 0;  // in-dialog requests for no call (481)
    std::uint64_t other_requests = 0;    // re-INVITE, INFO, ... (answered 200 / ignored)
    std::uint64_t respond_errors = 0;
};

class BenchUas final : public sip::DialogHandler {
public:
    /// @p contact is the Contact URI put in the 200 (`sip:uas@127.0.0.1:5060`).
    BenchUas(sip::UserAgent& ua, std::string contact);
    ~BenchUas() override;
    BenchUas(const BenchUas&) = delete;
    BenchUas& operator=(const BenchUas&) = delete;

    void on_invite(const sip::IncomingRequest& in) override;
    bool on_dialog_request(const sip::IncomingRequest& in) override;

    [[nodiscard]] const UasCounters& counters() const noexcept { return counters_; }
    /// Calls answered but not yet ended by a BYE (or failed).
    [[nodiscard]] std::size_t open_calls() const noexcept { return calls_.size(); }

private:
    struct Call {
        std::shared_ptr<sip::ServerTransaction> invite;  // until the ACK: 2xx retransmissions
        std::string to_tag;
        sip::TimerService::TimerId retransmit = 0;
        std::chrono::milliseconds interval{};
        std::chrono::milliseconds waited{};
    };
    void arm_retransmit(const std::string& call_id, Call& call);
    void retransmit(const std::string& call_id);

    sip::UserAgent& ua_;
    std::string contact_;
    std::unordered_map<std::string, Call> calls_;  // by Call-ID (the bench's calls are unique)
    UasCounters counters_;
};

}  // namespace voip::bench
