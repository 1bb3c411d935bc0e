#pragma once
/// @file
/// RFC 3261 §17 timer values (Table 4 in Appendix A), with T1/T2/T4 configurable.

#include <chrono>

namespace voip::sip {

/// Timer base values. Every transaction timer derives from these (RFC 3261 Appendix A).
struct TimerConfig {
    using Duration = std::chrono::milliseconds;

    Duration t1{500};  ///< RTT estimate
    Duration t2{
        4000};  ///< maximum retransmit interval for non-INVITE requests and INVITE responses
    Duration t4{5000};  ///< maximum duration a message remains in the network
    /// Timer D over unreliable transports (RFC 3261 §17.1.1.2: "at least 32 seconds").
    Duration timer_d{32000};
    /// RFC 3261 §17.2.1: an INVITE server transaction sends 100 Trying after this long unless
    /// the TU has responded; zero sends it at once.
    Duration trying_delay{200};

    [[nodiscard]] Duration timer_a() const noexcept { return t1; }       ///< initial
    [[nodiscard]] Duration timer_b() const noexcept { return 64 * t1; }  ///<
    [[nodiscard]] Duration timer_e() const noexcept { return t1; }       ///< initial
    [[nodiscard]] Duration timer_f() const noexcept { return 64 * t1; }  ///<
    [[nodiscard]] Duration timer_g() const noexcept { return t1; }       ///< initial
    [[nodiscard]] Duration timer_h() const noexcept { return 64 * t1; }  ///<
    [[nodiscard]] Duration timer_i() const noexcept { return t4; }       ///< unreliable
    [[nodiscard]] Duration timer_j() const noexcept { return 64 * t1; }  ///< unreliable
    [[nodiscard]] Duration timer_k() const noexcept { return t4; }       ///< unreliable
    [[nodiscard]] Duration timer_l() const noexcept { return 64 * t1; }  ///< RFC 6026
    [[nodiscard]] Duration timer_m() const noexcept { return 64 * t1; }  ///< RFC 6026
};

}  // namespace voip::sip
