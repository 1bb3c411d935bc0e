// Bad arguments: one line on stderr, exit code 2, quickly — never a stack trace or a hang.

#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include "cli_process.hpp"

namespace voip::cli::test {
namespace {

using namespace std::chrono_literals;

struct BadCase {
    std::string name;
    std::vector<std::string> args;
    std::string says;  ///< a word the error line must contain
    std::vector<std::string> env{};
};

// Test names and failure messages show the case's name, not its bytes.
void PrintTo(const BadCase& c, std::ostream* os) {
    *os << c.name;
}

class CliBadArguments : public ::testing::TestWithParam<BadCase> {};

TEST_P(CliBadArguments, OneLineOnStderrAndExitTwo) {
    auto args = GetParam().args;
    args.insert(args.begin(), VOIP_CLI_PATH);
    const auto r = run(args, 20s, GetParam().env);
    ASSERT_TRUE(r.exit_code.has_value()) << "did not exit in time";
    EXPECT_EQ(*r.exit_code, 2) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.err.starts_with("voip: error: ")) << r.err;
    EXPECT_NE(r.err.find(GetParam().says), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("terminate"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("what()"), std::string::npos) << r.err;
    // Nothing was started: no listening line, no progress.
    EXPECT_EQ(r.out.find("listening"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CliBadArguments,
    ::testing::Values(
        BadCase{"MalformedAor", {"sip:alice@", "echo"}, "AOR"},
        BadCase{"AorWithoutScheme", {"alice@example.com", "echo"}, "AOR"},
        BadCase{"AorWithoutUser", {"sip:example.com", "echo"}, "AOR"},
        BadCase{"MalformedAorFromEnvironment", {"echo"}, "AOR", {"SIP_AOR=sip:@@"}},
        BadCase{"UnknownTransport", {"echo", "--transport", "sctp"}, "transport"},
        BadCase{"MissingFile", {"play", "/nonexistent/greeting.wav"}, "no such file"},
        BadCase{"NotAnAudioFile", {"play", VOIP_CLI_PATH}, "audio"},
        BadCase{"RecordIntoMissingFolder", {"record", "/nonexistent/x.wav"}, "folder"},
        BadCase{"ReversedPortRange", {"echo", "--rtp-ports", "30000-20000"}, "--rtp-ports"},
        BadCase{"PortRangeNotNumbers", {"echo", "--rtp-ports", "lots"}, "--rtp-ports"},
        BadCase{"PortRangeTooHigh", {"echo", "--rtp-ports", "65000-70000"}, "--rtp-ports"},
        BadCase{"PortRangeWithoutPair", {"echo", "--rtp-ports", "20001-20001"}, "--rtp-ports"},
        BadCase{"BadListen", {"echo", "--listen", "udp:localhost"}, "--listen"},
        BadCase{"BadListenKind", {"echo", "--listen", "sctp:127.0.0.1:5060"}, "--listen"},
        BadCase{"TlsListenWithoutCertificate",
                {"echo", "--listen", "tls:127.0.0.1:5061"},
                "--tls-cert"},
        BadCase{"UnknownCodec", {"echo", "--codecs", "opus,gsm"}, "gsm"},
        BadCase{"BadSrtpPolicy", {"echo", "--srtp", "maybe"}, "--srtp"},
        BadCase{"BadAdvertise", {"echo", "--advertise", "my.host"}, "--advertise"},
        BadCase{"BadStunServer", {"echo", "--stun-server", "a b:x"}, "--stun-server"},
        BadCase{"BadDialTarget", {"echo", "--dial", "bob"}, "target"},
        BadCase{"SayWithoutText", {"say", "sip:bob@127.0.0.1"}, "text"},
        BadCase{"SayBadTarget", {"say", "bob", "hello"}, "target"},
        BadCase{"NegativeDuration", {"echo", "--duration", "-1"}, "--duration"},
        BadCase{"DurationNotANumber", {"echo", "--duration", "soon"}, "duration"},
        BadCase{"UnknownOption", {"echo", "--frobnicate"}, "frobnicate"},
        BadCase{"UnknownCommand", {"frobnicate"}, "error"}, BadCase{"NoCommand", {}, "error"},
        BadCase{"MissingCaFile", {"echo", "--ca-file", "/nonexistent/ca.pem"}, "ca.pem"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace voip::cli::test
