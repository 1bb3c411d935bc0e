#include <voip/sip/digest.hpp>

#include <array>
#include <utility>

#include "sip/digest_params.hpp"

namespace voip::sip {
namespace {

using detail::iequals;

struct AlgorithmName {
    DigestAlgorithm algorithm;
    std::string_view name;
};

// RFC 7616 §6.1 / RFC 8760 §2: the registered names.
constexpr std::array<AlgorithmName, 6> algorithm_names{{
    {DigestAlgorithm::md5, "MD5"},
    {DigestAlgorithm::md5_sess, "MD5-sess"},
    {DigestAlgorithm::sha256, "SHA-256"},
    {DigestAlgorithm::sha256_sess, "SHA-256-sess"},
    {DigestAlgorithm::sha512_256, "SHA-512-256"},
    {DigestAlgorithm::sha512_256_sess, "SHA-512-256-sess"},
}};

// Marks a parameter as seen; RFC 7616 §3.3: a parameter MUST NOT appear more than once.
bool first_time(bool& seen) noexcept {
    return !std::exchange(seen, true);
}

// qop-options = "qop" EQUAL LDQUOT qop-value *("," qop-value) RDQUOT (RFC 3261 §25.1).
// Unknown values (auth-conf, ...) are ignored; what remains must be answerable.
Result<void> parse_qop_options(std::string_view list, DigestChallenge& challenge) {
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        std::string_view item = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
            item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
            item.remove_suffix(1);
        if (iequals(item, "auth")) challenge.qop_auth = true;
        if (iequals(item, "auth-int")) challenge.qop_auth_int = true;
    }
    if (!challenge.has_qop()) return DigestError::unsupported_qop;
    return {};
}

std::vector<std::string> split_domain(std::string_view list) {
    std::vector<std::string> uris;
    std::size_t pos = 0;
    while (pos < list.size()) {
        while (pos < list.size() && (list[pos] == ' ' || list[pos] == '\t'))
            ++pos;
        const std::size_t start = pos;
        while (pos < list.size() && list[pos] != ' ' && list[pos] != '\t')
            ++pos;
        if (pos > start) uris.emplace_back(list.substr(start, pos - start));
    }
    return uris;
}

}  // namespace

std::string_view to_string(DigestAlgorithm algorithm) noexcept {
    for (const auto& entry : algorithm_names) {
        if (entry.algorithm == algorithm) return entry.name;
    }
    return "MD5";
}

std::optional<DigestAlgorithm> parse_digest_algorithm(std::string_view name) noexcept {
    for (const auto& entry : algorithm_names) {
        if (iequals(entry.name, name)) return entry.algorithm;
    }
    return std::nullopt;
}

bool is_session_algorithm(DigestAlgorithm algorithm) noexcept {
    return algorithm == DigestAlgorithm::md5_sess || algorithm == DigestAlgorithm::sha256_sess ||
           algorithm == DigestAlgorithm::sha512_256_sess;
}

int digest_strength(DigestAlgorithm algorithm) noexcept {
    switch (algorithm) {
        case DigestAlgorithm::md5:
        case DigestAlgorithm::md5_sess:
            return 1;
        case DigestAlgorithm::sha256:
        case DigestAlgorithm::sha256_sess:
            return 2;
        case DigestAlgorithm::sha512_256:
        case DigestAlgorithm::sha512_256_sess:
            return 3;
    }
    return 0;
}

std::string_view to_string(DigestQop qop) noexcept {
    return qop == DigestQop::auth_int ? "auth-int" : "auth";
}

Result<DigestChallenge> DigestChallenge::parse(std::string_view value, const DigestLimits& limits) {
    auto params = detail::parse_digest_params(value, limits);
    if (!params) return params.error();

    DigestChallenge c;
    bool seen_realm = false;
    bool seen_nonce = false;
    bool seen_opaque = false;
    bool seen_algorithm = false;
    bool seen_qop = false;
    bool seen_stale = false;
    bool seen_domain = false;
    bool seen_userhash = false;
    bool seen_charset = false;
    for (auto& p : *params) {
        const auto once = [](bool& seen) -> Result<void> {
            if (!first_time(seen)) return DigestError::duplicate_parameter;
            return {};
        };
        Result<void> ok;
        if (iequals(p.name, "realm")) {
            if ((ok = once(seen_realm))) c.realm = std::move(p.value);
        } else if (iequals(p.name, "nonce")) {
            if ((ok = once(seen_nonce))) c.nonce = std::move(p.value);
        } else if (iequals(p.name, "opaque")) {
            if ((ok = once(seen_opaque))) c.opaque = std::move(p.value);
        } else if (iequals(p.name, "algorithm")) {
            if ((ok = once(seen_algorithm))) {
                c.algorithm = parse_digest_algorithm(p.value);
                if (!c.algorithm) return DigestError::unsupported_algorithm;
            }
        } else if (iequals(p.name, "qop")) {
            if ((ok = once(seen_qop))) ok = parse_qop_options(p.value, c);
        } else if (iequals(p.name, "stale")) {
            // RFC 7616 §3.3: "true" (case-insensitive) means stale; anything else does not.
            if ((ok = once(seen_stale))) c.stale = iequals(p.value, "true");
        } else if (iequals(p.name, "domain")) {
            if ((ok = once(seen_domain))) c.domain = split_domain(p.value);
        } else if (iequals(p.name, "userhash")) {
            if ((ok = once(seen_userhash))) c.userhash = iequals(p.value, "true");
        } else if (iequals(p.name, "charset")) {
            if ((ok = once(seen_charset))) c.charset = std::move(p.value);
        } else {
            c.extensions.push_back({std::string{p.name}, std::move(p.value)});
        }
        if (!ok) return ok.error();
    }
    if (!seen_realm) return DigestError::missing_realm;
    if (!seen_nonce) return DigestError::missing_nonce;
    return c;
}

std::string DigestChallenge::to_string() const {
    std::string out = "Digest ";
    detail::append_quoted(out, "realm", realm);
    if (!domain.empty()) {
        std::string joined;
        for (const auto& uri : domain) {
            if (!joined.empty()) joined.push_back(' ');
            joined += uri;
        }
        detail::append_quoted(out, "domain", joined);
    }
    detail::append_quoted(out, "nonce", nonce);
    if (opaque) detail::append_quoted(out, "opaque", *opaque);
    if (stale) detail::append_token(out, "stale", "TRUE");
    if (algorithm) detail::append_token(out, "algorithm", sip::to_string(*algorithm));
    if (qop_auth && qop_auth_int) {
        detail::append_quoted(out, "qop", "auth,auth-int");
    } else if (has_qop()) {
        detail::append_quoted(out, "qop", qop_auth ? "auth" : "auth-int");
    }
    if (charset) {
        if (detail::is_token(*charset)) {
            detail::append_token(out, "charset", *charset);
        } else {
            detail::append_quoted(out, "charset", *charset);
        }
    }
    if (userhash) detail::append_token(out, "userhash", "true");
    for (const auto& p : extensions)
        detail::append_quoted(out, p.name, p.value);
    return out;
}

namespace {

template <class Text>
Result<DigestChallenge> select_from(std::span<const Text> values, ChallengeChoice choice) {
    std::optional<DigestChallenge> best;
    std::error_code first_error;
    for (const auto& value : values) {
        auto parsed = DigestChallenge::parse(value);
        if (!parsed) {
            if (!first_error) first_error = parsed.error();
            continue;
        }
        if (!best) {
            best = std::move(*parsed);
            if (choice == ChallengeChoice::topmost) break;
        } else if (digest_strength(parsed->effective_algorithm()) >
                   digest_strength(best->effective_algorithm())) {
            best = std::move(*parsed);
        }
    }
    if (best) return std::move(*best);
    if (!first_error) return DigestError::empty;
    return first_error;
}

}  // namespace

Result<DigestChallenge> select_challenge(std::span<const std::string_view> values,
                                         ChallengeChoice choice) {
    return select_from(values, choice);
}

Result<DigestChallenge> select_challenge(std::span<const std::string> values,
                                         ChallengeChoice choice) {
    return select_from(values, choice);
}

}  // namespace voip::sip
