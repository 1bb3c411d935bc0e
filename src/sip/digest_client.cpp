#include <voip/sip/digest.hpp>

#include <limits>
#include <utility>

#include "sip/digest_crypto.hpp"

namespace voip::sip {
namespace {

// 16 bytes from the CSPRNG: RFC 7616 §5.12 wants cnonces unpredictable.
constexpr std::size_t cnonce_bytes = 16;

Result<std::string> fresh_cnonce(const DigestClientOptions& options) {
    if (options.make_cnonce) return options.make_cnonce();
    return detail::random_hex(cnonce_bytes);
}

Result<void> check_ha1_fits(const DigestCredentials& credentials,
                            const DigestChallenge& challenge) {
    if (credentials.ha1.empty()) return {};
    if (credentials.ha1_realm != challenge.realm ||
        digest_strength(credentials.ha1_algorithm) !=
            digest_strength(challenge.effective_algorithm())) {
        return DigestError::credentials_mismatch;
    }
    return {};
}

}  // namespace

DigestClient::DigestClient(DigestCredentials credentials, DigestClientOptions options)
    : credentials_(std::move(credentials)), options_(std::move(options)) {}

Result<void> DigestClient::on_challenge(const DigestChallenge& challenge,
                                        bool answered_credentials) {
    if (answered_credentials) {
        // RFC 3261 §22.2 / RFC 7616 §3.3: a fresh challenge after our answer means the answer
        // was wrong; only stale=true (right password, old nonce) is worth another try, once.
        if (!challenge.stale) {
            challenge_.reset();
            return DigestError::credentials_rejected;
        }
        if (stale_retries_ >= 1) {
            challenge_.reset();
            return DigestError::stale_retry_exhausted;
        }
        ++stale_retries_;
    } else {
        stale_retries_ = 0;
    }
    if (auto fits = check_ha1_fits(credentials_, challenge); !fits) return fits;

    // RFC 7616 §3.4: nc counts requests sent with one nonce; a new nonce starts again at 1.
    if (!challenge_ || challenge_->nonce != challenge.nonce) {
        nonce_count_ = 0;
        session_cnonce_.clear();
    }
    challenge_ = challenge;
    return {};
}

Result<DigestResponse> DigestClient::respond(std::string_view method, std::string_view request_uri,
                                             std::string_view body) {
    if (!challenge_) return DigestError::no_challenge;
    const DigestChallenge& c = *challenge_;
    const DigestAlgorithm algorithm = c.effective_algorithm();
    if (nonce_count_ == std::numeric_limits<std::uint32_t>::max()) {
        return DigestError::invalid_nonce_count;  // nc would wrap: the nonce is used up
    }

    std::string ha1;
    if (credentials_.ha1.empty()) {
        auto computed =
            digest_ha1(algorithm, credentials_.username, c.realm, credentials_.password);
        if (!computed) return computed.error();
        ha1 = std::move(*computed);
    } else {
        if (auto fits = check_ha1_fits(credentials_, c); !fits) return fits.error();
        ha1 = credentials_.ha1;
    }

    DigestResponse r;
    r.realm = c.realm;
    r.nonce = c.nonce;
    r.uri = std::string{request_uri};
    r.algorithm = c.algorithm;  // echo it as given; absent stays absent (RFC 2069 peers)
    r.opaque = c.opaque;        // RFC 7616 §3.4: returned unchanged
    if (c.qop_auth) {
        r.qop = DigestQop::auth;
    } else if (c.qop_auth_int) {
        r.qop = DigestQop::auth_int;
    }
    r.userhash = c.userhash;
    if (c.userhash) {
        auto hashed = detail::digest_hex(algorithm, {credentials_.username, c.realm});
        if (!hashed) return hashed.error();
        r.username = std::move(*hashed);
    } else {
        r.username = credentials_.username;
    }

    if (is_session_algorithm(algorithm)) {
        // The session key H(HA1:nonce:cnonce) stays fixed for the nonce's lifetime.
        if (session_cnonce_.empty()) {
            auto fresh = fresh_cnonce(options_);
            if (!fresh) return fresh.error();
            session_cnonce_ = std::move(*fresh);
        }
        r.cnonce = session_cnonce_;
    } else if (r.qop) {
        auto fresh = fresh_cnonce(options_);
        if (!fresh) return fresh.error();
        r.cnonce = std::move(*fresh);
    }
    r.nonce_count = r.qop ? nonce_count_ + 1 : 0;

    auto digest = digest_response(r, method, ha1, body);
    if (!digest) return digest.error();
    r.response = std::move(*digest);
    ++nonce_count_;
    return r;
}

Result<std::string> DigestClient::authorization(std::string_view method,
                                                std::string_view request_uri,
                                                std::string_view body) {
    auto r = respond(method, request_uri, body);
    if (!r) return r.error();
    return r->to_string();
}

}  // namespace voip::sip
