#include <voip/log.hpp>
#include <voip/srtp/context.hpp>
#include <voip/srtp/error.hpp>

#include <climits>
#include <openssl/crypto.h>
#include <srtp2/srtp.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "openssl_crypto.hpp"

namespace voip::srtp {
namespace {

static_assert(Context::max_trailer == SRTP_MAX_TRAILER_LEN + 4);

// RFC 3550 §5.1 / §6.4: fixed headers of RTP and RTCP.
constexpr std::size_t rtp_header = 12;
constexpr std::size_t rtcp_header = 8;

void set_policy(Suite suite, srtp_policy_t& policy);

// srtp_init fails when libsrtp2 was initialised before (by the application, or another library
// in the process: its debug module is then registered twice); libsrtp2 is usable all the same.
// A throwaway context tells.
bool libsrtp2_usable() {
    std::array<unsigned char, KeyMaterial::max_length> key{};
    srtp_policy_t policy{};
    set_policy(Suite::aes_cm_128_hmac_sha1_80, policy);
    policy.ssrc.type = ssrc_any_outbound;
    policy.key = key.data();
    policy.window_size = 128;
    srtp_t ctx = nullptr;
    if (srtp_create(&ctx, &policy) != srtp_err_status_ok) return false;
    srtp_dealloc(ctx);
    return true;
}

// libsrtp2 must be initialised once per process before any context; a function-local static
// makes that thread-safe. We never call srtp_shutdown: contexts may outlive any owner. Then
// AES-CM and HMAC-SHA1 go to OpenSSL (openssl_crypto.hpp says why) unless the environment
// says VOIP_SRTP_CRYPTO=builtin (for measuring libsrtp2's own side by side). The replacement is
// process-wide: code using libsrtp2 directly in the same process gets OpenSSL's too.
bool ensure_initialised() {
    static const bool ok = [] {
        if (srtp_init() != srtp_err_status_ok && !libsrtp2_usable()) return false;
        const char* choice = std::getenv("VOIP_SRTP_CRYPTO");  // NOLINT(concurrency-mt-unsafe)
        if (choice == nullptr || std::string_view(choice) != "builtin") {
            (void)detail::install_openssl_crypto();
        }
        return true;
    }();
    return ok;
}

void set_policy(Suite suite, srtp_policy_t& policy) {
    switch (suite) {
        case Suite::aes_cm_128_hmac_sha1_80:
            srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
            srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
            break;
        case Suite::aes_cm_128_hmac_sha1_32:
            // RFC 4568 §6.2.2: the 32-bit tag is for SRTP only; SRTCP keeps 80 bits.
            srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.rtp);
            srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
            break;
        case Suite::aead_aes_128_gcm:
            // RFC 7714 §14.2: 16-octet tag for both.
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
            break;
    }
}

}  // namespace

std::string_view crypto_backend() {
    (void)ensure_initialised();
    return detail::installed_crypto();
}

Result<Context> Context::create(const KeyMaterial& key, Direction direction,
                                std::size_t replay_window) {
    if (!ensure_initialised()) return Errc::library_failure;
    // libsrtp2 takes a non-const key pointer but only reads it; copy to a wiped local anyway.
    std::array<unsigned char, KeyMaterial::max_length> bytes{};
    const auto ks = key.key_and_salt();
    std::copy(ks.begin(), ks.end(), bytes.begin());

    srtp_policy_t policy{};
    set_policy(key.suite(), policy);
    policy.ssrc.type = direction == Direction::inbound ? ssrc_any_inbound : ssrc_any_outbound;
    policy.key = bytes.data();
    policy.window_size = replay_window;
    policy.allow_repeat_tx = 0;
    policy.next = nullptr;

    srtp_t ctx = nullptr;
    const auto status = srtp_create(&ctx, &policy);
    OPENSSL_cleanse(bytes.data(), bytes.size());
    if (status != srtp_err_status_ok) {
        log::warning("srtp", "srtp_create failed (status {})", static_cast<int>(status));
        return Errc::library_failure;
    }
    return Context(ctx, direction, key.suite());
}

Context::Context(Context&& other) noexcept
    : ctx_(std::exchange(other.ctx_, nullptr)),
      direction_(other.direction_),
      suite_(other.suite_),
      stats_(other.stats_) {}

Context& Context::operator=(Context&& other) noexcept {
    if (this != &other) {
        if (ctx_ != nullptr) srtp_dealloc(ctx_);
        ctx_ = std::exchange(other.ctx_, nullptr);
        direction_ = other.direction_;
        suite_ = other.suite_;
        stats_ = other.stats_;
    }
    return *this;
}

Context::~Context() {
    if (ctx_ != nullptr) srtp_dealloc(ctx_);
}

Result<std::size_t> Context::protect(std::span<std::uint8_t> buffer, std::size_t len) {
    return run(buffer, len, false, true);
}
Result<std::size_t> Context::unprotect(std::span<std::uint8_t> buffer, std::size_t len) {
    return run(buffer, len, false, false);
}
Result<std::size_t> Context::protect_rtcp(std::span<std::uint8_t> buffer, std::size_t len) {
    return run(buffer, len, true, true);
}
Result<std::size_t> Context::unprotect_rtcp(std::span<std::uint8_t> buffer, std::size_t len) {
    return run(buffer, len, true, false);
}

Result<std::size_t> Context::run(std::span<std::uint8_t> buffer, std::size_t len, bool rtcp,
                                 bool protect) {
    if (ctx_ == nullptr) return Errc::library_failure;  // moved-from
    if (protect != (direction_ == Direction::outbound)) return Errc::wrong_direction;
    if (len > buffer.size() || len > INT_MAX / 2) {
        ++stats_.other_failures;
        return Errc::buffer_too_small;
    }
    if (len < (rtcp ? rtcp_header : rtp_header)) {
        ++stats_.other_failures;
        return Errc::packet_too_short;
    }
    if (protect && buffer.size() - len < max_trailer) return Errc::buffer_too_small;

    int n = static_cast<int>(len);
    srtp_err_status_t status = srtp_err_status_ok;
    if (rtcp) {
        status = protect ? srtp_protect_rtcp(ctx_, buffer.data(), &n)
                         : srtp_unprotect_rtcp(ctx_, buffer.data(), &n);
    } else {
        status = protect ? srtp_protect(ctx_, buffer.data(), &n)
                         : srtp_unprotect(ctx_, buffer.data(), &n);
    }
    switch (status) {
        case srtp_err_status_ok: {
            auto& counter = rtcp ? (protect ? stats_.rtcp_protected : stats_.rtcp_unprotected)
                                 : (protect ? stats_.rtp_protected : stats_.rtp_unprotected);
            ++counter;
            return static_cast<std::size_t>(n);
        }
        case srtp_err_status_auth_fail:
            ++stats_.authentication_failures;
            return Errc::authentication_failed;
        case srtp_err_status_replay_fail:
        case srtp_err_status_replay_old:
            ++stats_.replay_failures;
            return Errc::replayed;
        default:
            ++stats_.other_failures;
            return Errc::library_failure;
    }
}

}  // namespace voip::srtp
