#include <voip/sip/digest.hpp>

#include <fmt/format.h>

#include <utility>

#include "sip/digest_crypto.hpp"
#include "sip/digest_params.hpp"

namespace voip::sip {
namespace {

using detail::iequals;

bool is_hex(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

unsigned hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
    return static_cast<unsigned>(c - 'A' + 10);
}

// RFC 7616 §3.4: nc-value = 8LHEX (upper case tolerated on input).
std::optional<std::uint32_t> parse_nonce_count(std::string_view text) noexcept {
    if (text.size() != 8) return std::nullopt;
    std::uint32_t value = 0;
    for (const char c : text) {
        if (!is_hex(c)) return std::nullopt;
        value = (value << 4U) | hex_value(c);
    }
    return value;
}

// Both hashes of one family share an HA1; -sess only changes what is done with it.
bool same_hash(DigestAlgorithm a, DigestAlgorithm b) noexcept {
    return digest_strength(a) == digest_strength(b);
}

}  // namespace

Result<DigestResponse> DigestResponse::parse(std::string_view value, const DigestLimits& limits) {
    auto params = detail::parse_digest_params(value, limits);
    if (!params) return params.error();

    DigestResponse r;
    bool seen_username = false;
    bool seen_realm = false;
    bool seen_nonce = false;
    bool seen_uri = false;
    bool seen_response = false;
    bool seen_algorithm = false;
    bool seen_cnonce = false;
    bool seen_opaque = false;
    bool seen_qop = false;
    bool seen_nc = false;
    bool seen_userhash = false;
    std::optional<std::uint32_t> nc;
    for (auto& p : *params) {
        bool* seen = nullptr;
        if (iequals(p.name, "username")) {
            seen = &seen_username;
            r.username = std::move(p.value);
        } else if (iequals(p.name, "realm")) {
            seen = &seen_realm;
            r.realm = std::move(p.value);
        } else if (iequals(p.name, "nonce")) {
            seen = &seen_nonce;
            r.nonce = std::move(p.value);
        } else if (iequals(p.name, "uri")) {
            seen = &seen_uri;
            r.uri = std::move(p.value);
        } else if (iequals(p.name, "response")) {
            seen = &seen_response;
            // request-digest is hex (RFC 3261 §25.1); stored lowercase for comparison.
            for (char& c : p.value) {
                if (!is_hex(c)) return DigestError::malformed_parameter;
                if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
            }
            r.response = std::move(p.value);
        } else if (iequals(p.name, "algorithm")) {
            seen = &seen_algorithm;
            r.algorithm = parse_digest_algorithm(p.value);
            if (!r.algorithm) return DigestError::unsupported_algorithm;
        } else if (iequals(p.name, "cnonce")) {
            seen = &seen_cnonce;
            r.cnonce = std::move(p.value);
        } else if (iequals(p.name, "opaque")) {
            seen = &seen_opaque;
            r.opaque = std::move(p.value);
        } else if (iequals(p.name, "qop")) {
            seen = &seen_qop;
            if (iequals(p.value, "auth")) {
                r.qop = DigestQop::auth;
            } else if (iequals(p.value, "auth-int")) {
                r.qop = DigestQop::auth_int;
            } else {
                return DigestError::unsupported_qop;
            }
        } else if (iequals(p.name, "nc")) {
            seen = &seen_nc;
            nc = parse_nonce_count(p.value);
            if (!nc) return DigestError::invalid_nonce_count;
        } else if (iequals(p.name, "userhash")) {
            seen = &seen_userhash;
            r.userhash = iequals(p.value, "true");
        } else {
            r.extensions.push_back({std::string{p.name}, std::move(p.value)});
        }
        if (seen != nullptr && std::exchange(*seen, true)) return DigestError::duplicate_parameter;
    }
    if (!seen_username) return DigestError::missing_username;
    if (!seen_realm) return DigestError::missing_realm;
    if (!seen_nonce) return DigestError::missing_nonce;
    if (!seen_uri) return DigestError::missing_uri;
    if (!seen_response) return DigestError::missing_response;
    // RFC 7616 §3.4: with qop, cnonce and nc MUST be sent; -sess needs cnonce for A1.
    if ((r.qop || is_session_algorithm(r.effective_algorithm())) && !r.cnonce) {
        return DigestError::missing_cnonce;
    }
    if (r.qop) {
        if (!nc) return DigestError::invalid_nonce_count;
        r.nonce_count = *nc;
    }
    return r;
}

std::string DigestResponse::to_string() const {
    std::string out = "Digest ";
    detail::append_quoted(out, "username", username);
    detail::append_quoted(out, "realm", realm);
    detail::append_quoted(out, "nonce", nonce);
    detail::append_quoted(out, "uri", uri);
    detail::append_quoted(out, "response", response);
    if (algorithm) detail::append_token(out, "algorithm", sip::to_string(*algorithm));
    if (cnonce) detail::append_quoted(out, "cnonce", *cnonce);
    if (qop) {
        detail::append_token(out, "qop", sip::to_string(*qop));
        detail::append_token(out, "nc", fmt::format("{:08x}", nonce_count));
    }
    if (opaque) detail::append_quoted(out, "opaque", *opaque);
    if (userhash) detail::append_token(out, "userhash", "true");
    for (const auto& p : extensions)
        detail::append_quoted(out, p.name, p.value);
    return out;
}

DigestCredentials DigestCredentials::from_password(std::string username, std::string password) {
    DigestCredentials c;
    c.username = std::move(username);
    c.password = std::move(password);
    return c;
}

DigestCredentials DigestCredentials::from_ha1(std::string username, std::string realm,
                                              DigestAlgorithm algorithm, std::string ha1) {
    DigestCredentials c;
    c.username = std::move(username);
    c.ha1_realm = std::move(realm);
    c.ha1_algorithm = algorithm;
    // The hex feeds the next hash as text (RFC 7616 §3.4.1), so case matters: normalise.
    for (char& ch : ha1) {
        if (ch >= 'A' && ch <= 'F') ch = static_cast<char>(ch - 'A' + 'a');
    }
    c.ha1 = std::move(ha1);
    return c;
}

Result<std::string> digest_ha1(DigestAlgorithm algorithm, std::string_view username,
                               std::string_view realm, std::string_view password) {
    return detail::digest_hex(algorithm, {username, realm, password});
}

Result<std::string> digest_response(const DigestResponse& fields, std::string_view method,
                                    std::string_view ha1, std::string_view body) {
    const DigestAlgorithm algorithm = fields.effective_algorithm();
    const std::string_view cnonce = fields.cnonce ? std::string_view{*fields.cnonce} : "";

    // RFC 7616 §3.4.2: for -sess, A1 = H(user:realm:pass) ":" nonce ":" cnonce.
    std::string session_ha1;
    if (is_session_algorithm(algorithm)) {
        auto h = detail::digest_hex(algorithm, {ha1, fields.nonce, cnonce});
        if (!h) return h.error();
        session_ha1 = std::move(*h);
        ha1 = session_ha1;
    }

    // RFC 7616 §3.4.3: A2 = method ":" uri, plus ":" H(entity-body) for auth-int.
    Result<std::string> ha2 = std::string{};
    if (fields.qop == DigestQop::auth_int) {
        auto body_hash = detail::digest_hex(algorithm, {body});
        if (!body_hash) return body_hash.error();
        ha2 = detail::digest_hex(algorithm, {method, fields.uri, *body_hash});
    } else {
        ha2 = detail::digest_hex(algorithm, {method, fields.uri});
    }
    if (!ha2) return ha2.error();

    if (!fields.qop) {
        // RFC 2069 (kept by RFC 2617 §3.2.2.1): response = KD(HA1, nonce ":" HA2).
        return detail::digest_hex(algorithm, {ha1, fields.nonce, *ha2});
    }
    // RFC 7616 §3.4.1: KD(HA1, nonce ":" nc ":" cnonce ":" qop ":" HA2).
    const std::string nc = fmt::format("{:08x}", fields.nonce_count);
    return detail::digest_hex(algorithm,
                              {ha1, fields.nonce, nc, cnonce, to_string(*fields.qop), *ha2});
}

Result<void> verify_digest_response(const DigestResponse& answer, std::string_view method,
                                    const DigestCredentials& credentials, std::string_view body) {
    const DigestAlgorithm algorithm = answer.effective_algorithm();

    // RFC 7616 §3.4.4: with userhash the username field is H(username ":" realm).
    if (answer.userhash) {
        auto hashed = detail::digest_hex(algorithm, {credentials.username, answer.realm});
        if (!hashed) return hashed.error();
        if (answer.username != *hashed) return DigestError::wrong_response;
    } else if (answer.username != credentials.username) {
        return DigestError::wrong_response;
    }

    std::string ha1;
    if (!credentials.ha1.empty()) {
        if (credentials.ha1_realm != answer.realm ||
            !same_hash(credentials.ha1_algorithm, algorithm)) {
            return DigestError::credentials_mismatch;
        }
        ha1 = credentials.ha1;
    } else {
        auto computed =
            digest_ha1(algorithm, credentials.username, answer.realm, credentials.password);
        if (!computed) return computed.error();
        ha1 = std::move(*computed);
    }

    auto expected = digest_response(answer, method, ha1, body);
    if (!expected) return expected.error();
    if (!detail::constant_time_equal(*expected, answer.response)) {
        return DigestError::wrong_response;
    }
    return {};
}

}  // namespace voip::sip
