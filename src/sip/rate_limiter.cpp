// Per-source token buckets for unauthenticated requests (issue 11).

#include <voip/sip/rate_limiter.hpp>

#include <algorithm>

namespace voip::sip {

SourceRateLimiter::SourceRateLimiter(RateLimitConfig config)
    : config_(config), burst_(config.burst > 0 ? config.burst : 2 * config.requests_per_second) {
    burst_ = std::max(burst_, 1.0);
    config_.max_sources = std::max<std::size_t>(config_.max_sources, 1);
}

bool SourceRateLimiter::allow(const asio::ip::address& source, Clock::time_point now) {
    if (!enabled()) return true;
    std::string key = source.to_string();
    auto it = buckets_.find(key);
    if (it == buckets_.end()) {
        if (buckets_.size() >= config_.max_sources) make_room(now);
        it = buckets_.emplace(std::move(key), Bucket{burst_, now}).first;
    }
    Bucket& bucket = it->second;
    const std::chrono::duration<double> elapsed = now - bucket.updated;
    if (elapsed.count() > 0) {
        bucket.tokens =
            std::min(burst_, bucket.tokens + elapsed.count() * config_.requests_per_second);
        bucket.updated = now;
    }
    if (bucket.tokens >= 1.0) {
        bucket.tokens -= 1.0;
        return true;
    }
    ++refused_;
    return false;
}

void SourceRateLimiter::make_room(Clock::time_point now) {
    // Buckets that have refilled carry no information: forget them all. If none has, forget
    // the least recently seen source. One pass over a table bounded by max_sources.
    const auto full_after = std::chrono::duration<double>(burst_ / config_.requests_per_second);
    auto oldest = buckets_.end();
    for (auto it = buckets_.begin(); it != buckets_.end();) {
        if (now - it->second.updated >= full_after) {
            it = buckets_.erase(it);
            continue;
        }
        if (oldest == buckets_.end() || it->second.updated < oldest->second.updated) oldest = it;
        ++it;
    }
    if (buckets_.size() >= config_.max_sources && oldest != buckets_.end()) buckets_.erase(oldest);
}

}  // namespace voip::sip
