#pragma once
/// @file
/// A token bucket per source IP address for requests that carry no credentials (issue 11): a
/// single host cannot make the user agent spend transactions, digest challenges and dialog
/// set-up on a flood of unauthenticated requests.
///
/// @code
///   sip::SourceRateLimiter limiter({.requests_per_second = 50, .burst = 100});
///   if (!limiter.allow(source.address)) { /* 503 + Retry-After, or drop */ }
/// @endcode

#include <asio/ip/address.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace voip::sip {

/// Settings of a SourceRateLimiter. The default is off, so load tests and a PBX behind one
/// proxy address are never throttled; SECURITY.md recommends a value for exposed UAs.
struct RateLimitConfig {
    /// Sustained requests per second per source IP; 0 turns the limiter off.
    double requests_per_second = 0;
    /// Bucket depth (requests a source may send at once); 0 means 2 × requests_per_second.
    double burst = 0;
    /// Sources tracked at once; beyond it the least recently seen source is forgotten (its
    /// next request starts with a full bucket), so the table itself is bounded.
    std::size_t max_sources = 4096;
    /// true: answer a refused request with 503 + Retry-After; false: drop it silently.
    bool answer_503 = true;
};

/// Token buckets keyed by source address. Single-threaded (the user agent's executor).
class SourceRateLimiter {
public:
    using Clock = std::chrono::steady_clock;

    explicit SourceRateLimiter(RateLimitConfig config = {});

    /// Takes a token from @p source's bucket: true when the request may proceed (always true
    /// when the limiter is off), false when the source is over its rate.
    [[nodiscard]] bool allow(const asio::ip::address& source, Clock::time_point now = Clock::now());

    [[nodiscard]] bool enabled() const noexcept { return config_.requests_per_second > 0; }
    [[nodiscard]] const RateLimitConfig& config() const noexcept { return config_; }
    /// Sources currently tracked (≤ max_sources).
    [[nodiscard]] std::size_t tracked() const noexcept { return buckets_.size(); }
    /// Requests refused so far.
    [[nodiscard]] std::uint64_t refused() const noexcept { return refused_; }

private:
    struct Bucket {
        double tokens = 0;
        Clock::time_point updated;
    };
    void make_room(Clock::time_point now);

    RateLimitConfig config_;
    double burst_ = 0;
    std::unordered_map<std::string, Bucket> buckets_;
    std::uint64_t refused_ = 0;
};

}  // namespace voip::sip
