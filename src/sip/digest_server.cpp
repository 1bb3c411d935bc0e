#include <voip/log.hpp>
#include <voip/sip/digest.hpp>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "sip/digest_crypto.hpp"

namespace voip::sip {
namespace {

// RFC 7616 §5.4: nonces must be unpredictable; 16 bytes from RAND_bytes, hex encoded.
constexpr std::size_t nonce_bytes = 16;
constexpr std::size_t opaque_bytes = 8;

}  // namespace

DigestServer::DigestServer(std::string realm, DigestServerOptions options)
    : realm_(std::move(realm)), options_(std::move(options)) {
    if (options_.algorithms.empty()) {
        throw std::invalid_argument("DigestServer: no algorithm to offer");
    }
    if (options_.max_nonces == 0) throw std::invalid_argument("DigestServer: max_nonces is 0");
}

std::chrono::steady_clock::time_point DigestServer::now() const {
    return options_.clock ? options_.clock() : std::chrono::steady_clock::now();
}

void DigestServer::evict_oldest() {
    auto oldest = std::min_element(
        nonces_.begin(), nonces_.end(),
        [](const auto& a, const auto& b) { return a.second.serial < b.second.serial; });
    if (oldest != nonces_.end()) nonces_.erase(oldest);
}

Result<std::string> DigestServer::issue_nonce() {
    const auto t = now();
    // Drop what has expired anyway, then make room: a flood of unauthenticated requests can
    // only push out old nonces (whose owners then see stale=true), never grow memory.
    std::erase_if(nonces_, [&](const auto& entry) {
        return t - entry.second.issued > options_.nonce_lifetime;
    });
    while (nonces_.size() >= options_.max_nonces)
        evict_oldest();

    auto nonce = detail::random_hex(nonce_bytes);
    if (!nonce) return nonce.error();
    auto opaque = detail::random_hex(opaque_bytes);
    if (!opaque) return opaque.error();
    NonceState state;
    state.issued = t;
    state.opaque = std::move(*opaque);
    state.serial = next_serial_++;
    nonces_.insert_or_assign(*nonce, std::move(state));
    return nonce;
}

Result<std::vector<DigestChallenge>> DigestServer::challenges(bool stale) {
    auto nonce = issue_nonce();
    if (!nonce) return nonce.error();
    const NonceState& state = nonces_.at(*nonce);
    std::vector<DigestChallenge> out;
    out.reserve(options_.algorithms.size());
    // RFC 8760 §2.4: one header field per algorithm, most preferred first.
    for (const DigestAlgorithm algorithm : options_.algorithms) {
        DigestChallenge c;
        c.realm = realm_;
        c.nonce = *nonce;
        c.opaque = state.opaque;
        c.algorithm = algorithm;
        c.qop_auth = options_.require_qop;
        c.stale = stale;
        out.push_back(std::move(c));
    }
    return out;
}

Result<DigestChallenge> DigestServer::challenge(DigestAlgorithm algorithm, bool stale) {
    if (std::find(options_.algorithms.begin(), options_.algorithms.end(), algorithm) ==
        options_.algorithms.end()) {
        return DigestError::algorithm_not_offered;
    }
    auto all = challenges(stale);
    if (!all) return all.error();
    for (auto& c : *all) {
        if (c.algorithm == algorithm) return std::move(c);
    }
    return DigestError::algorithm_not_offered;
}

Result<void> DigestServer::verify(const DigestResponse& answer, std::string_view method,
                                  const DigestCredentials& credentials, std::string_view body) {
    if (answer.realm != realm_) return DigestError::wrong_realm;
    const DigestAlgorithm algorithm = answer.effective_algorithm();
    if (std::find(options_.algorithms.begin(), options_.algorithms.end(), algorithm) ==
        options_.algorithms.end()) {
        return DigestError::algorithm_not_offered;
    }
    // RFC 7616 §3.4: a server that offered qop must not accept a downgrade to RFC 2069.
    if (options_.require_qop && !answer.qop) return DigestError::qop_required;

    auto entry = nonces_.find(answer.nonce);
    if (entry != nonces_.end() && answer.opaque != entry->second.opaque) {
        return DigestError::opaque_mismatch;
    }

    if (auto ok = verify_digest_response(answer, method, credentials, body); !ok) return ok;

    // Only a correct digest earns stale=true (RFC 7616 §3.3): the client knows the password
    // and just needs a new nonce.
    if (entry == nonces_.end()) return DigestError::stale_nonce;
    if (now() - entry->second.issued > options_.nonce_lifetime) {
        nonces_.erase(entry);
        return DigestError::stale_nonce;
    }
    if (answer.qop) {
        // RFC 7616 §3.4: nc increases with every request on a nonce; a repeat is a replay.
        if (answer.nonce_count <= entry->second.last_nc) {
            log::warning("sip.digest", "replayed nc {:08x} for user {}", answer.nonce_count,
                         answer.username);
            return DigestError::replayed_nonce_count;
        }
        entry->second.last_nc = answer.nonce_count;
    }
    return {};
}

void DigestServer::expire_nonce(std::string_view nonce) {
    auto entry = nonces_.find(std::string{nonce});
    if (entry != nonces_.end()) nonces_.erase(entry);
}

}  // namespace voip::sip
