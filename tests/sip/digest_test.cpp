#include <voip/sip/digest.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using ::testing::HasSubstr;
using voip::sip::ChallengeChoice;
using voip::sip::DigestAlgorithm;
using voip::sip::DigestChallenge;
using voip::sip::DigestClient;
using voip::sip::DigestClientOptions;
using voip::sip::DigestCredentials;
using voip::sip::DigestError;
using voip::sip::DigestQop;
using voip::sip::DigestResponse;
using voip::sip::DigestServer;
using voip::sip::DigestServerOptions;

// RFC 7616 §3.9.1, as printed (folded over several lines).
constexpr std::string_view rfc7616_challenge =
    "Digest\r\n"
    "    realm=\"http-auth@example.org\",\r\n"
    "    qop=\"auth, auth-int\",\r\n"
    "    algorithm=SHA-256,\r\n"
    "    nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n"
    "    opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
constexpr std::string_view rfc7616_authorization =
    "Digest username=\"Mufasa\",\r\n"
    "    realm=\"http-auth@example.org\",\r\n"
    "    uri=\"/dir/index.html\",\r\n"
    "    algorithm=SHA-256,\r\n"
    "    nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n"
    "    nc=00000001,\r\n"
    "    cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\",\r\n"
    "    qop=auth,\r\n"
    "    response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\",\r\n"
    "    opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
constexpr std::string_view rfc7616_cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
constexpr std::string_view rfc7616_md5_response = "8ca523f5e9506fed4657c9700eebdbec";
constexpr std::string_view rfc7616_sha256_response =
    "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1";

DigestClientOptions pinned_cnonce(std::string_view cnonce) {
    DigestClientOptions options;
    options.make_cnonce = [value = std::string{cnonce}] { return value; };
    return options;
}

DigestChallenge parse_challenge(std::string_view value) {
    auto c = DigestChallenge::parse(value);
    EXPECT_TRUE(c) << value << ": " << c.error().message();
    return c ? *c : DigestChallenge{};
}

std::error_code challenge_error(std::string_view value) {
    return DigestChallenge::parse(value).error();
}
std::error_code response_error(std::string_view value) {
    return DigestResponse::parse(value).error();
}

// ---------------------------------------------------------------- challenge parsing

TEST(DigestChallenge, ParsesTheRfc7616Example) {
    const auto c = parse_challenge(rfc7616_challenge);
    EXPECT_EQ(c.realm, "http-auth@example.org");
    EXPECT_EQ(c.nonce, "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v");
    EXPECT_EQ(c.opaque, "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
    EXPECT_EQ(c.algorithm, DigestAlgorithm::sha256);
    EXPECT_TRUE(c.qop_auth);
    EXPECT_TRUE(c.qop_auth_int);
    EXPECT_FALSE(c.stale);
    EXPECT_TRUE(c.extensions.empty());
}

TEST(DigestChallenge, NamesAreCaseInsensitiveInAnyOrderWithTokensAndUnknowns) {
    const auto c = parse_challenge(
        "digest NONCE=abc/def+==, Algorithm=\"sha-512-256-SESS\", x-vendor=\"a, b\", "
        "Realm=atlanta.com, STALE=TRUE, Opaque=\"\", Domain=\"sip:a.com  sip:b.com\", "
        "userhash=true, charset=UTF-8, other=tok");
    EXPECT_EQ(c.realm, "atlanta.com");
    EXPECT_EQ(c.nonce, "abc/def+==");
    EXPECT_EQ(c.algorithm, DigestAlgorithm::sha512_256_sess);
    EXPECT_TRUE(c.stale);
    EXPECT_EQ(c.opaque, "");
    EXPECT_EQ(c.domain, (std::vector<std::string>{"sip:a.com", "sip:b.com"}));
    EXPECT_TRUE(c.userhash);
    EXPECT_EQ(c.charset, "UTF-8");
    EXPECT_FALSE(c.has_qop());
    ASSERT_EQ(c.extensions.size(), 2U);
    EXPECT_EQ(c.extensions[0].name, "x-vendor");
    EXPECT_EQ(c.extensions[0].value, "a, b");
    EXPECT_EQ(c.extensions[1].name, "other");
    EXPECT_EQ(c.extensions[1].value, "tok");
}

TEST(DigestChallenge, UnescapesQuotedPairs) {
    const auto c = parse_challenge(R"(Digest realm="a \"quoted\" \\ realm", nonce="n\x")");
    EXPECT_EQ(c.realm, R"(a "quoted" \ realm)");
    EXPECT_EQ(c.nonce, "nx");
}

TEST(DigestChallenge, DefaultsAreMd5WithoutQop) {
    const auto c = parse_challenge(R"(Digest realm="biloxi.com", nonce="84f1c1ae6cbe5ua9")");
    EXPECT_FALSE(c.algorithm.has_value());
    EXPECT_EQ(c.effective_algorithm(), DigestAlgorithm::md5);
    EXPECT_FALSE(c.has_qop());
    EXPECT_FALSE(c.opaque.has_value());
}

TEST(DigestChallenge, StaleIsOnlyTrueForTrue) {
    EXPECT_TRUE(parse_challenge(R"(Digest realm="r", nonce="n", stale=true)").stale);
    EXPECT_TRUE(parse_challenge(R"(Digest realm="r", nonce="n", stale="TRUE")").stale);
    EXPECT_FALSE(parse_challenge(R"(Digest realm="r", nonce="n", stale=false)").stale);
    EXPECT_FALSE(parse_challenge(R"(Digest realm="r", nonce="n", stale=yes)").stale);
}

TEST(DigestChallenge, QopListsIgnoreUnknownOptions) {
    const auto c = parse_challenge(R"(Digest realm="r", nonce="n", qop=" auth-conf ,auth-int ")");
    EXPECT_FALSE(c.qop_auth);
    EXPECT_TRUE(c.qop_auth_int);
    EXPECT_EQ(challenge_error(R"(Digest realm="r", nonce="n", qop="auth-conf")"),
              DigestError::unsupported_qop);
}

TEST(DigestChallenge, EmptyListElementsAreSkipped) {
    const auto c = parse_challenge(R"(Digest ,realm="r",, ,nonce="n",)");
    EXPECT_EQ(c.realm, "r");
    EXPECT_EQ(c.nonce, "n");
}

TEST(DigestChallenge, MalformedValuesAreErrors) {
    EXPECT_EQ(challenge_error(""), DigestError::empty);
    EXPECT_EQ(challenge_error(" \t "), DigestError::empty);
    EXPECT_EQ(challenge_error(R"(Basic realm="r")"), DigestError::not_digest);
    EXPECT_EQ(challenge_error(R"(Bearer realm="r", nonce="n")"), DigestError::not_digest);
    EXPECT_EQ(challenge_error(R"(Digest nonce="n", realm="unterminated, stale=true)"),
              DigestError::unterminated_quoted_string);
    EXPECT_EQ(challenge_error(R"(Digest realm="r", nonce="ends in backslash\)"),
              DigestError::unterminated_quoted_string);
    EXPECT_EQ(challenge_error(R"(Digest nonce="n")"), DigestError::missing_realm);
    EXPECT_EQ(challenge_error(R"(Digest realm="r")"), DigestError::missing_nonce);
    EXPECT_EQ(challenge_error("Digest"), DigestError::missing_realm);
    EXPECT_EQ(challenge_error(R"(Digest realm="r", nonce="n", algorithm=AKAv1-MD5)"),
              DigestError::unsupported_algorithm);
    EXPECT_EQ(challenge_error(R"(Digest realm="r", nonce="n", algorithm=SHA-1)"),
              DigestError::unsupported_algorithm);
    EXPECT_EQ(challenge_error(R"(Digest realm="r", realm="s", nonce="n")"),
              DigestError::duplicate_parameter);
    EXPECT_EQ(challenge_error(R"(Digest realm="r" nonce="n")"), DigestError::malformed_parameter);
    EXPECT_EQ(challenge_error(R"(Digest realm, nonce="n")"), DigestError::malformed_parameter);
    EXPECT_EQ(challenge_error(R"(Digest realm=, nonce="n")"), DigestError::malformed_parameter);
    EXPECT_EQ(challenge_error(R"(Digest realm=)"), DigestError::malformed_parameter);
    EXPECT_EQ(challenge_error(R"(Digest ="r", nonce="n")"), DigestError::malformed_parameter);
    EXPECT_EQ(challenge_error(R"(Digest realm="r"x, nonce="n")"), DigestError::malformed_parameter);
    EXPECT_EQ(challenge_error("Digest realm=\"r\x01\", nonce=\"n\""),
              DigestError::invalid_character);
    constexpr char with_nul[] = "Digest realm=\"r\0\", nonce=\"n\"";
    EXPECT_EQ(challenge_error(std::string_view{with_nul, sizeof with_nul - 1}),
              DigestError::invalid_character);
    EXPECT_EQ(challenge_error("Digest realm=r\x7f, nonce=n"), DigestError::invalid_character);
    EXPECT_EQ(challenge_error("Digest realm=\"r\\\x1f\", nonce=n"), DigestError::invalid_character);
}

TEST(DigestChallenge, HugeValuesAreRefused) {
    std::string huge = "Digest realm=\"" + std::string(10000, 'a') + R"(", nonce="n")";
    EXPECT_EQ(challenge_error(huge), DigestError::too_long);

    std::string many = R"(Digest realm="r", nonce="n")";
    for (int i = 0; i < 100; ++i)
        many += ", p" + std::to_string(i) + "=1";
    EXPECT_EQ(challenge_error(many), DigestError::too_many_parameters);
    voip::sip::DigestLimits generous;
    generous.max_parameters = 200;
    EXPECT_TRUE(DigestChallenge::parse(many, generous));
}

TEST(DigestChallenge, RoundTripsThroughToString) {
    const auto original = parse_challenge(
        R"(Digest realm="a \"b\" c", domain="sip:a.com sip:b.com", nonce="n\\1", opaque="o", )"
        R"(stale=true, algorithm=SHA-512-256-sess, qop="auth,auth-int", charset=UTF-8, )"
        R"(userhash=true, x-ext="v, w")");
    const std::string text = original.to_string();
    EXPECT_THAT(text, HasSubstr(R"(realm="a \"b\" c")"));
    EXPECT_THAT(text, HasSubstr("algorithm=SHA-512-256-sess"));
    const auto again = parse_challenge(text);
    EXPECT_EQ(again, original);
}

// ---------------------------------------------------------------- choosing a challenge

TEST(DigestSelect, PrefersTheStrongestSupportedAlgorithm) {
    const std::vector<std::string_view> lines{
        R"(Digest realm="r", nonce="n1", algorithm=MD5)",
        R"(Basic realm="r")",
        R"(Digest realm="r", nonce="n2", algorithm=AKAv1-MD5)",
        R"(Digest realm="r", nonce="n3", algorithm=SHA-512-256)",
        R"(Digest realm="r", nonce="n4", algorithm=SHA-256)",
        R"(Digest realm="r", nonce="n5", algorithm=SHA-512-256)",
    };
    auto strongest = voip::sip::select_challenge(lines);
    ASSERT_TRUE(strongest);
    EXPECT_EQ(strongest->nonce, "n3");  // the topmost of the two SHA-512-256 ones

    auto topmost = voip::sip::select_challenge(lines, ChallengeChoice::topmost);
    ASSERT_TRUE(topmost);
    EXPECT_EQ(topmost->nonce, "n1");
}

TEST(DigestSelect, TopmostSkipsWhatItCannotUse) {
    const std::vector<std::string> lines{
        R"(Digest realm="r", nonce="n2", algorithm=AKAv1-MD5)",
        R"(Digest realm="r", nonce="n4", algorithm=SHA-256)",
        R"(Digest realm="r", nonce="n1")",
    };
    auto topmost = voip::sip::select_challenge(lines, ChallengeChoice::topmost);
    ASSERT_TRUE(topmost);
    EXPECT_EQ(topmost->nonce, "n4");
}

TEST(DigestSelect, NothingUsableGivesTheFirstError) {
    const std::vector<std::string_view> lines{R"(Basic realm="r")",
                                              R"(Digest realm="r", nonce="n", algorithm=X)"};
    EXPECT_EQ(voip::sip::select_challenge(lines).error(), DigestError::not_digest);
    EXPECT_EQ(voip::sip::select_challenge(std::vector<std::string_view>{}).error(),
              DigestError::empty);
}

// ---------------------------------------------------------------- known answers

TEST(DigestKnownAnswer, Rfc7616Sha256) {
    DigestClient client{DigestCredentials::from_password("Mufasa", "Circle of Life"),
                        pinned_cnonce(rfc7616_cnonce)};
    ASSERT_TRUE(client.on_challenge(parse_challenge(rfc7616_challenge)));
    auto r = client.respond("GET", "/dir/index.html");
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->response, rfc7616_sha256_response);
    EXPECT_EQ(r->qop, DigestQop::auth);
    EXPECT_EQ(r->nonce_count, 1U);
    // Same fields as the RFC's Authorization example, in whatever order we print them.
    auto expected = DigestResponse::parse(rfc7616_authorization);
    ASSERT_TRUE(expected);
    EXPECT_EQ(*r, *expected);
}

TEST(DigestKnownAnswer, Rfc7616Md5) {
    // RFC 7616 §3.9.1 gives the MD5 answer to the same challenge with algorithm=MD5.
    auto challenge = parse_challenge(rfc7616_challenge);
    challenge.algorithm = DigestAlgorithm::md5;
    DigestClient client{DigestCredentials::from_password("Mufasa", "Circle of Life"),
                        pinned_cnonce(rfc7616_cnonce)};
    ASSERT_TRUE(client.on_challenge(challenge));
    auto value = client.authorization("GET", "/dir/index.html");
    ASSERT_TRUE(value);
    EXPECT_EQ(*value,
              "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
              "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", uri=\"/dir/index.html\", "
              "response=\"8ca523f5e9506fed4657c9700eebdbec\", algorithm=MD5, "
              "cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, nc=00000001, "
              "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");
    EXPECT_THAT(*value, HasSubstr(rfc7616_md5_response));
}

TEST(DigestKnownAnswer, Rfc7616ExampleVerifiesOnTheServerSide) {
    auto answer = DigestResponse::parse(rfc7616_authorization);
    ASSERT_TRUE(answer) << answer.error().message();
    EXPECT_EQ(answer->username, "Mufasa");
    EXPECT_EQ(answer->nonce_count, 1U);
    EXPECT_EQ(answer->cnonce, rfc7616_cnonce);
    const auto good = DigestCredentials::from_password("Mufasa", "Circle of Life");
    EXPECT_TRUE(voip::sip::verify_digest_response(*answer, "GET", good));
    // RFC 2617's capital O is a different password (RFC 7616 erratum 4495).
    const auto bad = DigestCredentials::from_password("Mufasa", "Circle Of Life");
    EXPECT_EQ(voip::sip::verify_digest_response(*answer, "GET", bad).error(),
              DigestError::wrong_response);
    EXPECT_EQ(voip::sip::verify_digest_response(*answer, "POST", good).error(),
              DigestError::wrong_response);
}

TEST(DigestKnownAnswer, Rfc2617Section35) {
    const auto challenge = parse_challenge(
        "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
        "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
        "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
    DigestClient client{DigestCredentials::from_password("Mufasa", "Circle Of Life"),
                        pinned_cnonce("0a4f113b")};
    ASSERT_TRUE(client.on_challenge(challenge));
    auto r = client.respond("GET", "/dir/index.html");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->response, "6629fae49393a05397450978507c4ef1");
    EXPECT_FALSE(r->algorithm.has_value());  // the challenge named none: none echoed

    auto parsed = DigestResponse::parse(
        "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
        "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", qop=auth, "
        "nc=00000001, cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", "
        "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, *r);
}

// The SHA-512-256 values below come from the openssl command line, independently of this code:
//   h() { printf '%s' "$2" | openssl dgst -$1 -r | cut -d' ' -f1; }
//   A=$(h sha512-256 "alice:atlanta.com:s3cr3t"); B=$(h sha512-256 "REGISTER:sip:atlanta.com")
//   h sha512-256 "$A:4a2b6c8d0e1f:00000001:0a4f113b:auth:$B"
TEST(DigestKnownAnswer, Sha512_256CheckedWithOpensslCli) {
    auto ha1 = voip::sip::digest_ha1(DigestAlgorithm::sha512_256, "alice", "atlanta.com", "s3cr3t");
    ASSERT_TRUE(ha1);
    EXPECT_EQ(*ha1, "63efc41bf5e9a42a94b0e64822365ec3169e2a0e1906daee6d38bfb11a73063f");

    DigestClient client{DigestCredentials::from_password("alice", "s3cr3t"),
                        pinned_cnonce("0a4f113b")};
    ASSERT_TRUE(client.on_challenge(parse_challenge(
        R"(Digest realm="atlanta.com", nonce="4a2b6c8d0e1f", algorithm=SHA-512-256, qop="auth")")));
    auto r = client.respond("REGISTER", "sip:atlanta.com");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->response, "b65e6d4fb5453f082a347eb9705694430a9f0ba25d66d7fad5dfae5d1c9d9a6e");
}

//   BH=$(printf 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n' | openssl dgst -sha512-256 -r | cut -c1-64)
//   AS=$(h sha512-256 "$A:4a2b6c8d0e1f:0a4f113b"); B2=$(h sha512-256
//   "INVITE:sip:bob@biloxi.com:$BH") h sha512-256 "$AS:4a2b6c8d0e1f:00000002:0a4f113b:auth-int:$B2"
TEST(DigestKnownAnswer, Sha512_256SessWithAuthIntCheckedWithOpensslCli) {
    DigestClient client{DigestCredentials::from_password("alice", "s3cr3t"),
                        pinned_cnonce("0a4f113b")};
    ASSERT_TRUE(client.on_challenge(parse_challenge(
        R"(Digest realm="atlanta.com", nonce="4a2b6c8d0e1f", algorithm=SHA-512-256-sess, )"
        R"(qop="auth-int")")));
    const std::string_view body = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n";
    ASSERT_TRUE(client.respond("OPTIONS", "sip:atlanta.com", body));  // nc 1
    auto r = client.respond("INVITE", "sip:bob@biloxi.com", body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->nonce_count, 2U);
    EXPECT_EQ(r->qop, DigestQop::auth_int);
    EXPECT_EQ(r->response, "1ea579748a3b0b1a5b01f37b8cb2cd14f05d659b7a75876efe2672da37d9bfda");
    // The body is covered: another body verifies as wrong.
    const auto creds = DigestCredentials::from_password("alice", "s3cr3t");
    EXPECT_TRUE(voip::sip::verify_digest_response(*r, "INVITE", creds, body));
    EXPECT_EQ(voip::sip::verify_digest_response(*r, "INVITE", creds, "v=1\r\n").error(),
              DigestError::wrong_response);
}

// RFC 7616 §3.9.2's inputs (SHA-512-256, userhash). Its printed userhash and response are not
// the hashes of those inputs (see the RFC's errata), so the expected values are openssl's:
//   h sha512-256 "Jäsøn Doe:api@example.org"
TEST(DigestKnownAnswer, Rfc7616Section392InputsWithUserhash) {
    const std::string user = "J\xc3\xa4s\xc3\xb8n Doe";
    DigestClient client{DigestCredentials::from_password(user, "Secret, or not?"),
                        pinned_cnonce("NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v")};
    ASSERT_TRUE(client.on_challenge(parse_challenge(
        R"(Digest realm="api@example.org", qop="auth", algorithm=SHA-512-256, )"
        R"(nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", )"
        R"(opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", charset=UTF-8, userhash=true)")));
    auto r = client.respond("GET", "/doe.json");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->userhash);
    EXPECT_EQ(r->username, "793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b");
    EXPECT_EQ(r->response, "3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5");
    EXPECT_THAT(r->to_string(), HasSubstr("userhash=true"));
    EXPECT_TRUE(voip::sip::verify_digest_response(
        *r, "GET", DigestCredentials::from_password(user, "Secret, or not?")));
    EXPECT_EQ(voip::sip::verify_digest_response(
                  *r, "GET", DigestCredentials::from_password("Jason Doe", "Secret, or not?"))
                  .error(),
              DigestError::wrong_response);
}

// curl's test 2061 (HTTP, SHA-256, no qop): a third party's answer to the same inputs.
TEST(DigestKnownAnswer, CurlTest2061Sha256WithoutQop) {
    DigestClient client{DigestCredentials::from_password("testuser", "testpass")};
    ASSERT_TRUE(client.on_challenge(
        parse_challenge(R"(Digest realm="testrealm", nonce="1053604145", algorithm="SHA-256")")));
    auto value = client.authorization("GET", "/2061");
    ASSERT_TRUE(value);
    EXPECT_EQ(*value,
              "Digest username=\"testuser\", realm=\"testrealm\", nonce=\"1053604145\", "
              "uri=\"/2061\", "
              "response=\"9dc55255f1a2537b838311674b621d45346b862a81631bb20e4ce356ef25062d\", "
              "algorithm=SHA-256");
}

//   A=$(h md5 "bob:biloxi.com:zanzibar"); B=$(h md5 "INVITE:sip:bob@biloxi.com")
//   h md5 "$A:84f1c1ae6cbe5ua9:$B"
TEST(DigestKnownAnswer, Rfc2069Md5HasNoQopNcOrCnonce) {
    DigestClient client{DigestCredentials::from_password("bob", "zanzibar")};
    ASSERT_TRUE(client.on_challenge(
        parse_challenge(R"(Digest realm="biloxi.com", nonce="84f1c1ae6cbe5ua9")")));
    auto value = client.authorization("INVITE", "sip:bob@biloxi.com");
    ASSERT_TRUE(value);
    EXPECT_EQ(*value,
              "Digest username=\"bob\", realm=\"biloxi.com\", nonce=\"84f1c1ae6cbe5ua9\", "
              "uri=\"sip:bob@biloxi.com\", response=\"01931d12c48f08a58de9185bfd3841c5\"");
}

// ---------------------------------------------------------------- Authorization parsing

TEST(DigestResponseParse, RequiresTheMandatoryFields) {
    constexpr std::string_view full =
        R"(Digest username="u", realm="r", nonce="n", uri="sip:x", response="abcdef01")";
    // Appended into a named string: GCC 12 (-O2, with the test PCH) reports a false
    // -Warray-bounds inside `std::string{full} + "..."`.
    const auto full_with = [full](std::string_view extra) {
        std::string text(full);
        text.append(extra);
        return text;
    };
    EXPECT_TRUE(DigestResponse::parse(full));
    EXPECT_EQ(response_error(R"(Digest realm="r", nonce="n", uri="sip:x", response="ab")"),
              DigestError::missing_username);
    EXPECT_EQ(response_error(R"(Digest username="u", nonce="n", uri="sip:x", response="ab")"),
              DigestError::missing_realm);
    EXPECT_EQ(response_error(R"(Digest username="u", realm="r", uri="sip:x", response="ab")"),
              DigestError::missing_nonce);
    EXPECT_EQ(response_error(R"(Digest username="u", realm="r", nonce="n", response="ab")"),
              DigestError::missing_uri);
    EXPECT_EQ(response_error(R"(Digest username="u", realm="r", nonce="n", uri="sip:x")"),
              DigestError::missing_response);
    EXPECT_EQ(response_error(full_with(", qop=auth, nc=00000001")), DigestError::missing_cnonce);
    EXPECT_EQ(response_error(full_with(R"(, qop=auth, cnonce="c")")),
              DigestError::invalid_nonce_count);
    EXPECT_EQ(response_error(full_with(R"(, qop=auth, cnonce="c", nc=0001)")),
              DigestError::invalid_nonce_count);
    EXPECT_EQ(response_error(full_with(R"(, qop=auth, cnonce="c", nc=0000000g)")),
              DigestError::invalid_nonce_count);
    EXPECT_EQ(response_error(full_with(R"(, qop=auth-conf, cnonce="c", nc=00000001)")),
              DigestError::unsupported_qop);
    EXPECT_EQ(response_error(full_with(", algorithm=MD5-sess")), DigestError::missing_cnonce);
    EXPECT_EQ(response_error(full_with(", algorithm=SHA-3")), DigestError::unsupported_algorithm);
    EXPECT_EQ(response_error(full_with(R"(, uri="again")")), DigestError::duplicate_parameter);
    EXPECT_EQ(
        response_error(R"(Digest username="u", realm="r", nonce="n", uri="sip:x", response="xyz")"),
        DigestError::malformed_parameter);
    EXPECT_EQ(response_error(R"(Basic dXNlcjpwYXNz)"), DigestError::not_digest);
}

TEST(DigestResponseParse, AcceptsQuotedTokensAndUppercaseHex) {
    auto r = DigestResponse::parse(
        R"(DIGEST USERNAME="u", Realm="r", NONCE="n", URI="sip:x", Response="ABCDEF01", )"
        R"(qop="auth", nc="0000000A", cnonce="c", algorithm="md5", x="y")");
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->response, "abcdef01");
    EXPECT_EQ(r->nonce_count, 10U);
    EXPECT_EQ(r->qop, DigestQop::auth);
    EXPECT_EQ(r->algorithm, DigestAlgorithm::md5);
    ASSERT_EQ(r->extensions.size(), 1U);
    EXPECT_EQ(r->extensions[0].value, "y");
    auto again = DigestResponse::parse(r->to_string());
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *r);
    EXPECT_THAT(r->to_string(), HasSubstr("nc=0000000a"));
}

// ---------------------------------------------------------------- client state

TEST(DigestClientState, NonceCountIncrementsAndResetsOnANewNonce) {
    DigestClient client{DigestCredentials::from_password("alice", "pw")};
    EXPECT_EQ(client.respond("REGISTER", "sip:a.com").error(), DigestError::no_challenge);

    ASSERT_TRUE(
        client.on_challenge(parse_challenge(R"(Digest realm="a.com", nonce="n1", qop=auth)")));
    std::set<std::string> cnonces;
    for (std::uint32_t expected = 1; expected <= 3; ++expected) {
        auto value = client.authorization("REGISTER", "sip:a.com");
        ASSERT_TRUE(value);
        auto parsed = DigestResponse::parse(*value);
        ASSERT_TRUE(parsed);
        EXPECT_EQ(parsed->nonce_count, expected);
        ASSERT_TRUE(parsed->cnonce);
        EXPECT_EQ(parsed->cnonce->size(), 32U);  // 16 bytes of RAND_bytes, hex
        cnonces.insert(*parsed->cnonce);
    }
    EXPECT_EQ(cnonces.size(), 3U);  // fresh each time
    EXPECT_EQ(client.nonce_count(), 3U);

    // The same nonce again (e.g. a second proxy's copy) keeps counting.
    ASSERT_TRUE(
        client.on_challenge(parse_challenge(R"(Digest realm="a.com", nonce="n1", qop=auth)")));
    EXPECT_EQ(client.respond("REGISTER", "sip:a.com")->nonce_count, 4U);

    ASSERT_TRUE(
        client.on_challenge(parse_challenge(R"(Digest realm="a.com", nonce="n2", qop=auth)")));
    EXPECT_EQ(client.nonce_count(), 0U);
    EXPECT_EQ(client.respond("REGISTER", "sip:a.com")->nonce_count, 1U);
}

TEST(DigestClientState, SessionAlgorithmsKeepOneCnoncePerNonce) {
    DigestClient client{DigestCredentials::from_password("alice", "pw")};
    ASSERT_TRUE(client.on_challenge(
        parse_challenge(R"(Digest realm="a.com", nonce="n1", qop=auth, algorithm=SHA-256-sess)")));
    auto first = client.respond("REGISTER", "sip:a.com");
    auto second = client.respond("REGISTER", "sip:a.com");
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->cnonce, second->cnonce);
    EXPECT_NE(first->response, second->response);
    ASSERT_TRUE(client.on_challenge(
        parse_challenge(R"(Digest realm="a.com", nonce="n2", qop=auth, algorithm=SHA-256-sess)")));
    auto third = client.respond("REGISTER", "sip:a.com");
    ASSERT_TRUE(third);
    EXPECT_NE(third->cnonce, first->cnonce);
}

TEST(DigestClientState, StaleIsRetriedOnceAndAFreshChallengeMeansWrongPassword) {
    DigestClient client{DigestCredentials::from_password("alice", "pw")};
    const auto first = parse_challenge(R"(Digest realm="a.com", nonce="n1", qop=auth)");
    const auto stale = parse_challenge(R"(Digest realm="a.com", nonce="n2", qop=auth, stale=true)");
    const auto stale_again =
        parse_challenge(R"(Digest realm="a.com", nonce="n3", qop=auth, stale=true)");
    const auto fresh = parse_challenge(R"(Digest realm="a.com", nonce="n4", qop=auth)");

    ASSERT_TRUE(client.on_challenge(first));  // request had no credentials
    ASSERT_TRUE(client.respond("REGISTER", "sip:a.com"));
    ASSERT_TRUE(client.on_challenge(stale, true));  // answered, but nonce was stale: retry
    EXPECT_EQ(client.respond("REGISTER", "sip:a.com")->nonce, "n2");
    EXPECT_EQ(client.on_challenge(stale_again, true).error(), DigestError::stale_retry_exhausted);
    EXPECT_FALSE(client.has_challenge());

    ASSERT_TRUE(client.on_challenge(first));
    EXPECT_EQ(client.on_challenge(fresh, true).error(), DigestError::credentials_rejected);
    EXPECT_EQ(client.respond("REGISTER", "sip:a.com").error(), DigestError::no_challenge);

    // After a success the stale allowance is back.
    ASSERT_TRUE(client.on_challenge(first));
    ASSERT_TRUE(client.on_challenge(stale, true));
    client.on_success();
    EXPECT_TRUE(client.on_challenge(stale_again, true));
}

TEST(DigestClientState, PrecomputedHa1GivesTheSameAnswer) {
    const auto challenge = parse_challenge(rfc7616_challenge);
    auto ha1 = voip::sip::digest_ha1(DigestAlgorithm::sha256, "Mufasa", "http-auth@example.org",
                                     "Circle of Life");
    ASSERT_TRUE(ha1);
    std::string upper = *ha1;
    for (char& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    DigestClient client{DigestCredentials::from_ha1("Mufasa", "http-auth@example.org",
                                                    DigestAlgorithm::sha256, upper),
                        pinned_cnonce(rfc7616_cnonce)};
    ASSERT_TRUE(client.on_challenge(challenge));
    EXPECT_EQ(client.respond("GET", "/dir/index.html")->response, rfc7616_sha256_response);

    DigestClient other_realm{
        DigestCredentials::from_ha1("Mufasa", "elsewhere", DigestAlgorithm::sha256, *ha1)};
    EXPECT_EQ(other_realm.on_challenge(challenge).error(), DigestError::credentials_mismatch);
    DigestClient other_hash{
        DigestCredentials::from_ha1("Mufasa", "http-auth@example.org", DigestAlgorithm::md5, *ha1)};
    EXPECT_EQ(other_hash.on_challenge(challenge).error(), DigestError::credentials_mismatch);
}

// ---------------------------------------------------------------- server

struct FakeClock {
    std::chrono::steady_clock::time_point now{std::chrono::hours(1000)};
};

DigestServerOptions server_options(FakeClock& clock) {
    DigestServerOptions options;
    options.clock = [&clock] { return clock.now; };
    return options;
}

// Client side of a test: answer the first (most preferred) challenge from the server.
DigestResponse answer(DigestServer& server, std::string_view user, std::string_view password,
                      std::string_view method = "REGISTER") {
    auto challenges = server.challenges();
    EXPECT_TRUE(challenges);
    DigestClient client{DigestCredentials::from_password(std::string{user}, std::string{password})};
    // Through the wire format, as a real peer would see it.
    auto parsed = DigestChallenge::parse(challenges->front().to_string());
    EXPECT_TRUE(parsed);
    EXPECT_TRUE(client.on_challenge(*parsed));
    auto value = client.authorization(method, "sip:a.com");
    EXPECT_TRUE(value);
    auto r = DigestResponse::parse(*value);
    EXPECT_TRUE(r);
    return *r;
}

TEST(DigestServerTest, IssuesOneChallengePerAlgorithmWithARandomNonce) {
    FakeClock clock;
    DigestServer server{"a.com", server_options(clock)};
    auto challenges = server.challenges();
    ASSERT_TRUE(challenges);
    ASSERT_EQ(challenges->size(), 2U);
    EXPECT_EQ((*challenges)[0].algorithm, DigestAlgorithm::sha256);
    EXPECT_EQ((*challenges)[1].algorithm, DigestAlgorithm::md5);
    EXPECT_EQ((*challenges)[0].nonce, (*challenges)[1].nonce);
    EXPECT_EQ((*challenges)[0].nonce.size(), 32U);
    EXPECT_TRUE((*challenges)[0].qop_auth);
    EXPECT_TRUE((*challenges)[0].opaque.has_value());
    auto another = server.challenge(DigestAlgorithm::md5, true);
    ASSERT_TRUE(another);
    EXPECT_NE(another->nonce, (*challenges)[0].nonce);
    EXPECT_TRUE(another->stale);
    EXPECT_EQ(server.outstanding_nonces(), 2U);
    EXPECT_EQ(server.challenge(DigestAlgorithm::sha512_256).error(),
              DigestError::algorithm_not_offered);
}

TEST(DigestServerTest, AcceptsTheRightPasswordAndRejectsAWrongOne) {
    FakeClock clock;
    DigestServer server{"a.com", server_options(clock)};
    const auto alice = DigestCredentials::from_password("alice", "pw");
    const auto r = answer(server, "alice", "pw");
    EXPECT_EQ(r.algorithm, DigestAlgorithm::sha256);
    EXPECT_TRUE(server.verify(r, "REGISTER", alice));

    const auto wrong = answer(server, "alice", "not-pw");
    EXPECT_EQ(server.verify(wrong, "REGISTER", alice).error(), DigestError::wrong_response);
    EXPECT_EQ(server.verify(r, "INVITE", alice).error(), DigestError::wrong_response);
    const auto bob = answer(server, "bob", "pw");
    EXPECT_EQ(server.verify(bob, "REGISTER", alice).error(), DigestError::wrong_response);

    // The registrar may store HA1 instead of passwords.
    auto ha1 = voip::sip::digest_ha1(DigestAlgorithm::sha256, "alice", "a.com", "pw");
    ASSERT_TRUE(ha1);
    const auto r2 = answer(server, "alice", "pw");
    EXPECT_TRUE(server.verify(
        r2, "REGISTER",
        DigestCredentials::from_ha1("alice", "a.com", DigestAlgorithm::sha256, *ha1)));
}

TEST(DigestServerTest, RejectsWrongRealmAlgorithmQopAndOpaque) {
    FakeClock clock;
    DigestServer server{"a.com", server_options(clock)};
    const auto alice = DigestCredentials::from_password("alice", "pw");
    const auto good = answer(server, "alice", "pw");

    auto other_realm = good;
    other_realm.realm = "b.com";
    EXPECT_EQ(server.verify(other_realm, "REGISTER", alice).error(), DigestError::wrong_realm);

    auto sha512 = good;
    sha512.algorithm = DigestAlgorithm::sha512_256;
    EXPECT_EQ(server.verify(sha512, "REGISTER", alice).error(), DigestError::algorithm_not_offered);

    auto downgraded = good;  // an RFC 2069 answer to a qop=auth challenge
    downgraded.qop.reset();
    auto digest = voip::sip::digest_response(
        downgraded, "REGISTER",
        *voip::sip::digest_ha1(DigestAlgorithm::sha256, "alice", "a.com", "pw"));
    ASSERT_TRUE(digest);
    downgraded.response = *digest;
    EXPECT_EQ(server.verify(downgraded, "REGISTER", alice).error(), DigestError::qop_required);

    auto opaque = good;
    opaque.opaque = "0000";
    EXPECT_EQ(server.verify(opaque, "REGISTER", alice).error(), DigestError::opaque_mismatch);

    EXPECT_TRUE(server.verify(good, "REGISTER", alice));
}

TEST(DigestServerTest, UnknownOrExpiredNoncesAreStaleOnlyWithTheRightPassword) {
    FakeClock clock;
    DigestServer server{"a.com", server_options(clock)};
    const auto alice = DigestCredentials::from_password("alice", "pw");

    // A nonce this server never issued, answered correctly: stale (the client knows the
    // password); answered wrongly: just wrong.
    DigestClient client{alice, pinned_cnonce("c0ffee")};
    ASSERT_TRUE(client.on_challenge(
        parse_challenge(R"(Digest realm="a.com", nonce="made-up", qop=auth, algorithm=SHA-256)")));
    auto forged = client.respond("REGISTER", "sip:a.com");
    ASSERT_TRUE(forged);
    EXPECT_EQ(server.verify(*forged, "REGISTER", alice).error(), DigestError::stale_nonce);
    EXPECT_EQ(
        server.verify(*forged, "REGISTER", DigestCredentials::from_password("alice", "x")).error(),
        DigestError::wrong_response);

    // An issued nonce past its lifetime.
    const auto r = answer(server, "alice", "pw");
    clock.now += std::chrono::seconds(301);
    EXPECT_EQ(server.verify(r, "REGISTER", alice).error(), DigestError::stale_nonce);

    // Expired on purpose.
    const auto r2 = answer(server, "alice", "pw");
    server.expire_nonce(r2.nonce);
    EXPECT_EQ(server.verify(r2, "REGISTER", alice).error(), DigestError::stale_nonce);
}

TEST(DigestServerTest, StaleRoundTripWithTheClient) {
    FakeClock clock;
    DigestServer server{"a.com", server_options(clock)};
    const auto alice = DigestCredentials::from_password("alice", "pw");
    DigestClient client{alice};

    auto first = server.challenges();
    ASSERT_TRUE(first);
    ASSERT_TRUE(client.on_challenge(parse_challenge(first->front().to_string())));
    auto r1 = DigestResponse::parse(*client.authorization("REGISTER", "sip:a.com"));
    ASSERT_TRUE(r1);
    ASSERT_TRUE(server.verify(*r1, "REGISTER", alice));
    client.on_success();

    clock.now += std::chrono::minutes(10);  // the nonce ages out
    auto r2 = DigestResponse::parse(*client.authorization("REGISTER", "sip:a.com"));
    ASSERT_TRUE(r2);
    EXPECT_EQ(r2->nonce_count, 2U);
    ASSERT_EQ(server.verify(*r2, "REGISTER", alice).error(), DigestError::stale_nonce);

    auto again = server.challenges(true);
    ASSERT_TRUE(again);
    ASSERT_TRUE(client.on_challenge(parse_challenge(again->front().to_string()), true));
    auto r3 = DigestResponse::parse(*client.authorization("REGISTER", "sip:a.com"));
    ASSERT_TRUE(r3);
    EXPECT_EQ(r3->nonce_count, 1U);
    EXPECT_TRUE(server.verify(*r3, "REGISTER", alice));
}

TEST(DigestServerTest, RejectsAReplayedNonceCount) {
    FakeClock clock;
    DigestServer server{"a.com", server_options(clock)};
    const auto alice = DigestCredentials::from_password("alice", "pw");
    auto challenges = server.challenges();
    ASSERT_TRUE(challenges);
    DigestClient client{alice};
    ASSERT_TRUE(client.on_challenge(challenges->front()));
    auto r1 = client.respond("REGISTER", "sip:a.com");
    auto r2 = client.respond("REGISTER", "sip:a.com");
    auto r3 = client.respond("REGISTER", "sip:a.com");
    ASSERT_TRUE(r1 && r2 && r3);

    EXPECT_TRUE(server.verify(*r1, "REGISTER", alice));
    EXPECT_EQ(server.verify(*r1, "REGISTER", alice).error(), DigestError::replayed_nonce_count);
    EXPECT_TRUE(server.verify(*r3, "REGISTER", alice));
    // nc 2 arrives late, after 3: it is not greater than the last accepted, so refused.
    EXPECT_EQ(server.verify(*r2, "REGISTER", alice).error(), DigestError::replayed_nonce_count);
    // A wrong answer does not consume a count.
    auto r4 = client.respond("REGISTER", "sip:a.com");
    ASSERT_TRUE(r4);
    EXPECT_EQ(
        server.verify(*r4, "REGISTER", DigestCredentials::from_password("alice", "x")).error(),
        DigestError::wrong_response);
    EXPECT_TRUE(server.verify(*r4, "REGISTER", alice));
}

TEST(DigestServerTest, ForgetsTheOldestNonceWhenFull) {
    FakeClock clock;
    auto options = server_options(clock);
    options.max_nonces = 3;
    DigestServer server{"a.com", options};
    const auto alice = DigestCredentials::from_password("alice", "pw");
    const auto oldest = answer(server, "alice", "pw");
    const auto second = answer(server, "alice", "pw");
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(server.challenges());
    }
    EXPECT_EQ(server.outstanding_nonces(), 3U);
    EXPECT_EQ(server.verify(oldest, "REGISTER", alice).error(), DigestError::stale_nonce);
    EXPECT_EQ(server.verify(second, "REGISTER", alice).error(), DigestError::stale_nonce);
}

TEST(DigestServerTest, Rfc2069AnswersWhenQopIsNotRequired) {
    FakeClock clock;
    auto options = server_options(clock);
    options.require_qop = false;
    options.algorithms = {DigestAlgorithm::md5};
    DigestServer server{"a.com", options};
    auto challenges = server.challenges();
    ASSERT_TRUE(challenges);
    EXPECT_FALSE(challenges->front().has_qop());
    const auto r = answer(server, "alice", "pw");
    EXPECT_FALSE(r.qop.has_value());
    EXPECT_FALSE(r.cnonce.has_value());
    EXPECT_TRUE(server.verify(r, "REGISTER", DigestCredentials::from_password("alice", "pw")));
}

TEST(DigestServerTest, RefusesNonsenseOptions) {
    DigestServerOptions none;
    none.algorithms.clear();
    EXPECT_THROW(DigestServer("r", none), std::invalid_argument);
}

// ---------------------------------------------------------------- names and errors

TEST(DigestNames, AlgorithmsRoundTrip) {
    for (auto a : {DigestAlgorithm::md5, DigestAlgorithm::md5_sess, DigestAlgorithm::sha256,
                   DigestAlgorithm::sha256_sess, DigestAlgorithm::sha512_256,
                   DigestAlgorithm::sha512_256_sess}) {
        EXPECT_EQ(voip::sip::parse_digest_algorithm(voip::sip::to_string(a)), a);
    }
    EXPECT_EQ(voip::sip::parse_digest_algorithm("sha-256"), DigestAlgorithm::sha256);
    EXPECT_FALSE(voip::sip::parse_digest_algorithm("SHA-512"));
    EXPECT_TRUE(voip::sip::is_session_algorithm(DigestAlgorithm::md5_sess));
    EXPECT_FALSE(voip::sip::is_session_algorithm(DigestAlgorithm::sha512_256));
    EXPECT_GT(voip::sip::digest_strength(DigestAlgorithm::sha512_256),
              voip::sip::digest_strength(DigestAlgorithm::sha256));
    EXPECT_GT(voip::sip::digest_strength(DigestAlgorithm::sha256),
              voip::sip::digest_strength(DigestAlgorithm::md5_sess));
}

TEST(DigestErrors, HaveACategoryAndDistinctMessages) {
    std::set<std::string> messages;
    for (int e = static_cast<int>(DigestError::empty);
         e <= static_cast<int>(DigestError::hash_failure); ++e) {
        const std::error_code code = static_cast<DigestError>(e);
        EXPECT_STREQ(code.category().name(), "voip.sip.digest");
        EXPECT_NE(code.message(), "unknown digest error") << e;
        messages.insert(code.message());
    }
    EXPECT_EQ(messages.size(),
              static_cast<std::size_t>(static_cast<int>(DigestError::hash_failure)));
    const std::error_code unknown{999, voip::sip::digest_category()};
    EXPECT_EQ(unknown.message(), "unknown digest error");
}

}  // namespace
