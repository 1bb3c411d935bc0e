#pragma once
// The library's UAC for the CPS benchmark (reverse direction: against SIPp's UAS): INVITE at a
// paced rate, ACK for the 2xx (RFC 3261 §13.2.2.4, sent by the TU, not a transaction), BYE
// straight away, at the UserAgent level (no Dialog class). Every call ends completed or failed
// with its reason counted.

#include <voip/sip/user_agent.hpp>

#include <asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace voip::bench {

struct UacCounters {
    std::uint64_t started = 0;
    std::uint64_t completed = 0;                   // BYE answered 2xx
    std::uint64_t failed = 0;                      // the sum of the reasons below
    std::map<std::string, std::uint64_t> reasons;  // "INVITE 486", "BYE timeout", ...
    std::uint64_t ok_retransmits_seen = 0;         // 2xx retransmissions (ACK resent)
};

class BenchUac {
public:
    /// Place @p calls calls to @p target at @p rate per second.
    BenchUac(sip::UserAgent& ua, sip::TransportAddress target, double rate, std::uint64_t calls);
    void start();
    [[nodiscard]] bool done() const noexcept {
        return counters_.completed + counters_.failed == total_;
    }
    [[nodiscard]] const UacCounters& counters() const noexcept { return counters_; }
    [[nodiscard]] double elapsed_seconds() const;
    /// CPU% of this thread while placing the calls (start → last INVITE sent): the load the
    /// rate puts on the UAC, without the tail spent waiting for late calls.
    [[nodiscard]] double placing_cpu_percent() const noexcept { return placing_cpu_percent_; }

private:
    void tick();
    void place_call();
    void send_ack(const sip::Request& invite, const sip::Response& ok);
    void fail(std::string reason);

    sip::UserAgent& ua_;
    sip::TransportAddress target_;
    sip::Uri target_uri_;
    std::string contact_;
    double rate_;
    std::uint64_t total_;
    asio::steady_timer timer_;
    std::chrono::steady_clock::time_point start_{};
    std::chrono::steady_clock::time_point end_{};
    UacCounters counters_;
    double start_cpu_ = 0;
    double placing_cpu_percent_ = -1;
};

}  // namespace voip::bench
