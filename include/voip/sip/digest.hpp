#pragma once
/// @file
/// SIP digest authentication (RFC 3261 §22, RFC 2617, RFC 7616, RFC 8760) over header VALUES:
/// the text after "WWW-Authenticate:", "Proxy-Authenticate:", "Authorization:" or
/// "Proxy-Authorization:". Nothing here knows about messages or sockets.
///
/// Client: parse each challenge value, pick one (select_challenge), feed it to a DigestClient,
/// and put DigestClient::authorization(method, request_uri) into the retried request.
/// Server: DigestServer::challenge() issues challenges; DigestResponse::parse +
/// DigestServer::verify check the answer in constant time. Hashes come from OpenSSL EVP; nonces and
/// cnonces from RAND_bytes.

#include <voip/result.hpp>
#include <voip/sip/digest_error.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace voip::sip {

/// Digest algorithms (RFC 7616 §3.2, RFC 8760 §2). The -sess variants hash the client nonce
/// into A1 (RFC 7616 §3.4.2).
enum class DigestAlgorithm { md5, md5_sess, sha256, sha256_sess, sha512_256, sha512_256_sess };

/// The wire name: "MD5", "MD5-sess", "SHA-256", "SHA-256-sess", "SHA-512-256", ...
[[nodiscard]] std::string_view to_string(DigestAlgorithm algorithm) noexcept;
/// Parse a wire name, case-insensitively; nullopt for anything unsupported (e.g. AKAv1-MD5).
[[nodiscard]] std::optional<DigestAlgorithm> parse_digest_algorithm(std::string_view name) noexcept;
/// True for the -sess variants.
[[nodiscard]] bool is_session_algorithm(DigestAlgorithm algorithm) noexcept;
/// Preference rank, higher is stronger: SHA-512-256 > SHA-256 > MD5 (RFC 8760 §2.4).
[[nodiscard]] int digest_strength(DigestAlgorithm algorithm) noexcept;

/// Quality of protection (RFC 7616 §3.3): auth covers method and URI, auth-int also the body.
enum class DigestQop { auth, auth_int };
[[nodiscard]] std::string_view to_string(DigestQop qop) noexcept;

/// A parameter the parser does not interpret, kept as received (value unquoted, unescaped).
struct DigestParam {
    std::string name;
    std::string value;
    friend bool operator==(const DigestParam&, const DigestParam&) = default;
};

/// Bounds for parsing untrusted header values.
struct DigestLimits {
    std::size_t max_bytes = 8192;     ///< Longer values fail with DigestError::too_long.
    std::size_t max_parameters = 64;  ///< More fail with DigestError::too_many_parameters.
};

/// A parsed WWW-Authenticate / Proxy-Authenticate value (RFC 3261 §25.1 `challenge`).
struct DigestChallenge {
    std::string realm;
    std::string nonce;
    std::optional<std::string> opaque;
    std::optional<DigestAlgorithm> algorithm;  ///< Absent means MD5 (RFC 7616 §3.3).
    bool qop_auth = false;                     ///< qop options offered include "auth".
    bool qop_auth_int = false;                 ///< qop options offered include "auth-int".
    bool stale = false;                        ///< RFC 7616 §3.3: only "true" sets it.
    std::vector<std::string> domain;           ///< The space-separated URI list.
    bool userhash = false;                     ///< RFC 7616 §3.4.4.
    std::optional<std::string> charset;        ///< RFC 7616 §3.3: only "UTF-8" is defined.
    std::vector<DigestParam> extensions;       ///< Unknown parameters, in order.

    [[nodiscard]] DigestAlgorithm effective_algorithm() const noexcept {
        return algorithm.value_or(DigestAlgorithm::md5);
    }
    /// False for an RFC 2069 challenge (no qop parameter).
    [[nodiscard]] bool has_qop() const noexcept { return qop_auth || qop_auth_int; }

    /// Parse one challenge value ("Digest realm=..., nonce=..."). Parameter names are
    /// case-insensitive and in any order; values may be tokens or quoted strings.
    [[nodiscard]] static Result<DigestChallenge> parse(std::string_view value,
                                                       const DigestLimits& limits = {});
    /// Serialize back to a header value (parse(to_string()) gives the same fields).
    [[nodiscard]] std::string to_string() const;

    friend bool operator==(const DigestChallenge&, const DigestChallenge&) = default;
};

/// How select_challenge chooses among several supported challenges.
enum class ChallengeChoice {
    strongest,  ///< Strongest algorithm; the topmost among equals.
    topmost,    ///< RFC 8760 §2.4 literally: the first one supported.
};

/// Pick the challenge to answer from the values of every WWW-Authenticate (or every
/// Proxy-Authenticate) header line of one response, skipping other schemes and unsupported
/// algorithms. If none is usable, the error is that of the first value.
[[nodiscard]] Result<DigestChallenge> select_challenge(
    std::span<const std::string_view> values, ChallengeChoice choice = ChallengeChoice::strongest);
[[nodiscard]] Result<DigestChallenge> select_challenge(
    std::span<const std::string> values, ChallengeChoice choice = ChallengeChoice::strongest);

/// A parsed Authorization / Proxy-Authorization value (RFC 3261 §25.1 `credentials`).
struct DigestResponse {
    std::string username;  ///< H(username ":" realm) when userhash is true.
    std::string realm;
    std::string nonce;
    std::string uri;                           ///< The digest-uri: the Request-URI as sent.
    std::string response;                      ///< Lowercase hex request-digest.
    std::optional<DigestAlgorithm> algorithm;  ///< Absent means MD5.
    std::optional<std::string> cnonce;
    std::optional<std::string> opaque;
    std::optional<DigestQop> qop;   ///< Absent for an RFC 2069 answer.
    std::uint32_t nonce_count = 0;  ///< The nc value; meaningful when qop is set.
    bool userhash = false;
    std::vector<DigestParam> extensions;

    [[nodiscard]] DigestAlgorithm effective_algorithm() const noexcept {
        return algorithm.value_or(DigestAlgorithm::md5);
    }

    [[nodiscard]] static Result<DigestResponse> parse(std::string_view value,
                                                      const DigestLimits& limits = {});
    /// `Digest username="..", realm="..", nonce="..", uri="..", response="..", algorithm=..,
    /// cnonce="..", qop=auth, nc=00000001, opaque=".."` (absent fields left out).
    [[nodiscard]] std::string to_string() const;

    friend bool operator==(const DigestResponse&, const DigestResponse&) = default;
};

/// What a user agent knows: a password, or a precomputed HA1 = H(username ":" realm ":"
/// password) that is only good for one realm and one hash function.
struct DigestCredentials {
    std::string username;
    std::string password;
    std::string ha1;        ///< Lowercase hex; when non-empty, password is not used.
    std::string ha1_realm;  ///< The realm ha1 was computed for.
    DigestAlgorithm ha1_algorithm = DigestAlgorithm::md5;  ///< Its hash (-sess is the same).

    [[nodiscard]] static DigestCredentials from_password(std::string username,
                                                         std::string password);
    [[nodiscard]] static DigestCredentials from_ha1(std::string username, std::string realm,
                                                    DigestAlgorithm algorithm, std::string ha1);
};

/// H(username ":" realm ":" password) in lowercase hex, the algorithm's hash (RFC 7616 §3.4.2).
[[nodiscard]] Result<std::string> digest_ha1(DigestAlgorithm algorithm, std::string_view username,
                                             std::string_view realm, std::string_view password);

/// The request-digest for `fields` (algorithm, nonce, uri, qop, nc, cnonce; response is
/// ignored) given the non-session HA1 of the credentials (RFC 7616 §3.4.1; RFC 2069 form when
/// fields.qop is absent). body is hashed only for qop=auth-int.
[[nodiscard]] Result<std::string> digest_response(const DigestResponse& fields,
                                                  std::string_view method, std::string_view ha1,
                                                  std::string_view body = {});

/// Check an answer's digest against credentials, comparing in constant time (CRYPTO_memcmp).
/// Stateless: realm, nonce freshness and nc replay are DigestServer's business.
[[nodiscard]] Result<void> verify_digest_response(const DigestResponse& answer,
                                                  std::string_view method,
                                                  const DigestCredentials& credentials,
                                                  std::string_view body = {});

/// DigestClient tuning. The default cnonce is 16 bytes of RAND_bytes in hex.
struct DigestClientOptions {
    std::function<std::string()> make_cnonce;  ///< Tests pin the cnonce with this.
};

/// Answers challenges for one set of credentials, remembering the nonce across requests:
/// nc counts up per nonce and restarts at 1 with a new nonce (RFC 7616 §3.4).
class DigestClient {
public:
    explicit DigestClient(DigestCredentials credentials, DigestClientOptions options = {});

    /// Take a challenge from a 401/407. `answered_credentials` says the challenged request
    /// already carried our Authorization: then a non-stale challenge means the credentials are
    /// wrong (DigestError::credentials_rejected, never a loop), and stale=true is retried once
    /// (a second stale in a row is DigestError::stale_retry_exhausted).
    [[nodiscard]] Result<void> on_challenge(const DigestChallenge& challenge,
                                            bool answered_credentials = false);
    /// The answer for one request under the current challenge (each call uses the next nc).
    [[nodiscard]] Result<DigestResponse> respond(std::string_view method,
                                                 std::string_view request_uri,
                                                 std::string_view body = {});
    /// respond(...).to_string(): the Authorization / Proxy-Authorization value.
    [[nodiscard]] Result<std::string> authorization(std::string_view method,
                                                    std::string_view request_uri,
                                                    std::string_view body = {});
    /// Report that a request carrying our answer succeeded (clears the stale-retry count).
    void on_success() noexcept { stale_retries_ = 0; }

    [[nodiscard]] bool has_challenge() const noexcept { return challenge_.has_value(); }
    [[nodiscard]] const std::optional<DigestChallenge>& challenge() const noexcept {
        return challenge_;
    }
    /// The nc of the last answer (0 before the first one under the current nonce).
    [[nodiscard]] std::uint32_t nonce_count() const noexcept { return nonce_count_; }

private:
    DigestCredentials credentials_;
    DigestClientOptions options_;
    std::optional<DigestChallenge> challenge_;
    std::uint32_t nonce_count_ = 0;
    std::string session_cnonce_;  // -sess: A1 binds one cnonce per nonce (RFC 7616 §3.4.2)
    int stale_retries_ = 0;
};

/// DigestServer tuning.
struct DigestServerOptions {
    /// Offered algorithms, most preferred first (RFC 8760 §2.4 lists them in this order).
    std::vector<DigestAlgorithm> algorithms{DigestAlgorithm::sha256, DigestAlgorithm::md5};
    bool require_qop = true;  ///< Offer qop="auth" and refuse RFC 2069 answers.
    std::chrono::seconds nonce_lifetime{300};
    std::size_t max_nonces = 4096;  ///< Oldest nonces are forgotten beyond this (then stale).
    /// Clock for nonce expiry; default std::chrono::steady_clock::now.
    std::function<std::chrono::steady_clock::time_point()> clock;
};

/// The server half: issues nonces (RAND_bytes) and verifies answers against them, with nc
/// replay detection and stale-nonce reporting. Not thread-safe; one per strand.
class DigestServer {
public:
    explicit DigestServer(std::string realm, DigestServerOptions options = {});

    /// One challenge per offered algorithm, most preferred first, sharing one fresh nonce.
    [[nodiscard]] Result<std::vector<DigestChallenge>> challenges(bool stale = false);
    /// One challenge with a fresh nonce for `algorithm`.
    [[nodiscard]] Result<DigestChallenge> challenge(DigestAlgorithm algorithm, bool stale = false);

    /// Verify an answer for `method` (and body, for auth-int) against the credentials the
    /// application looked up for answer.username. Checks realm, algorithm, qop, opaque, digest
    /// (constant time), then nonce freshness (DigestError::stale_nonce: rechallenge with
    /// stale=true) and nc replay. The caller checks answer.uri against its Request-URI.
    [[nodiscard]] Result<void> verify(const DigestResponse& answer, std::string_view method,
                                      const DigestCredentials& credentials,
                                      std::string_view body = {});

    /// Forget a nonce now (it then verifies as stale).
    void expire_nonce(std::string_view nonce);
    [[nodiscard]] const std::string& realm() const noexcept { return realm_; }
    [[nodiscard]] std::size_t outstanding_nonces() const noexcept { return nonces_.size(); }

private:
    struct NonceState {
        std::chrono::steady_clock::time_point issued;
        std::string opaque;
        std::uint64_t serial = 0;   // issue order, for evicting the oldest
        std::uint32_t last_nc = 0;  // highest nc accepted (RFC 7616 §3.4: replay detection)
    };
    [[nodiscard]] std::chrono::steady_clock::time_point now() const;
    [[nodiscard]] Result<std::string> issue_nonce();
    void evict_oldest();

    std::string realm_;
    DigestServerOptions options_;
    std::unordered_map<std::string, NonceState> nonces_;
    std::uint64_t next_serial_ = 0;
};

}  // namespace voip::sip
