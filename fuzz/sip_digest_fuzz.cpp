// libFuzzer target for the digest header-value parsers: DigestChallenge::parse,
// DigestResponse::parse and select_challenge. Beyond "no crash", it checks two properties:
// whatever parses serializes to text that parses back to the same fields, and a DigestClient's
// answer to any accepted challenge verifies with the same credentials.

#include <voip/sip/digest.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using voip::sip::DigestChallenge;
using voip::sip::DigestResponse;

void check_challenge(std::string_view input) {
    auto challenge = DigestChallenge::parse(input);
    if (!challenge) return;
    auto again = DigestChallenge::parse(challenge->to_string());
    if (!again || !(*again == *challenge)) std::abort();

    voip::sip::DigestClientOptions options;
    options.make_cnonce = [] { return std::string{"0a4f113b"}; };
    const auto credentials = voip::sip::DigestCredentials::from_password("alice", "pw");
    voip::sip::DigestClient client{credentials, options};
    if (!client.on_challenge(*challenge)) std::abort();
    auto value = client.authorization("INVITE", "sip:bob@example.com", "v=0\r\n");
    if (!value) std::abort();
    auto answer = DigestResponse::parse(*value);
    if (!answer) std::abort();
    if (!voip::sip::verify_digest_response(*answer, "INVITE", credentials, "v=0\r\n")) {
        std::abort();
    }
}

void check_response(std::string_view input) {
    auto response = DigestResponse::parse(input);
    if (!response) return;
    auto again = DigestResponse::parse(response->to_string());
    if (!again || !(*again == *response)) std::abort();
    // Exercise the hashing on arbitrary fields; a wrong digest is the expected outcome.
    (void)voip::sip::verify_digest_response(
        *response, "REGISTER", voip::sip::DigestCredentials::from_password("alice", "pw"));
}

void check_selection(std::string_view input) {
    std::vector<std::string_view> lines;
    while (!input.empty() && lines.size() < 16) {
        const std::size_t end = input.find('\n');
        lines.push_back(input.substr(0, end));
        input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
    }
    (void)voip::sip::select_challenge(lines);
    (void)voip::sip::select_challenge(lines, voip::sip::ChallengeChoice::topmost);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input{reinterpret_cast<const char*>(data), size};
    check_challenge(input);
    check_response(input);
    check_selection(input);
    return 0;
}
