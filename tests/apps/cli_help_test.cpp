// `voip --help` and each command's --help: exit 0, and the options a user needs are listed.

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "cli_process.hpp"

namespace voip::cli::test {
namespace {

using namespace std::chrono_literals;

RunResult voip(std::vector<std::string> args) {
    args.insert(args.begin(), VOIP_CLI_PATH);
    return run(std::move(args), 20s);
}

TEST(CliHelp, TopLevelListsEveryCommand) {
    const auto r = voip({"--help"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* command : {"echo", "say", "transcribe", "record", "play", "demo"}) {
        EXPECT_NE(r.out.find(command), std::string::npos) << command << "\n" << r.out;
    }
    EXPECT_NE(r.out.find("SIP_AOR"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("SIP_PASSWORD"), std::string::npos) << r.out;
    EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(CliHelp, VersionExitsZero) {
    const auto r = voip({"--version"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("voip"), std::string::npos);
}

struct CommandHelp {
    std::string command;
    std::vector<std::string> mentions;
};

void PrintTo(const CommandHelp& c, std::ostream* os) {
    *os << c.command;
}

class CliCommandHelp : public ::testing::TestWithParam<CommandHelp> {};

TEST_P(CliCommandHelp, ExitsZeroAndListsOptions) {
    const auto r = voip({GetParam().command, "--help"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const auto& option : GetParam().mentions) {
        EXPECT_NE(r.out.find(option), std::string::npos)
            << GetParam().command << " --help lacks " << option << "\n"
            << r.out;
    }
}

const std::vector<std::string> common = {
    "--listen", "--advertise",     "--rtp-ports", "--codecs", "--transport", "--stun-server",
    "--srtp",   "--no-verify-tls", "--verbose",   "-v",       "--duration",  "--calls"};

std::vector<std::string> with(std::vector<std::string> extra) {
    extra.insert(extra.end(), common.begin(), common.end());
    return extra;
}

INSTANTIATE_TEST_SUITE_P(Commands, CliCommandHelp,
                         ::testing::Values(CommandHelp{"echo", with({"--dial", "--ring"})},
                                           CommandHelp{"say", with({"TARGET", "TEXT"})},
                                           CommandHelp{"transcribe", with({"--dial"})},
                                           CommandHelp{"record", with({"FILE.wav", "--dial"})},
                                           CommandHelp{"play", with({"FILE.wav", "--dial"})},
                                           CommandHelp{"demo", {"--sentence", "--verbose"}}),
                         [](const auto& info) { return info.param.command; });

}  // namespace
}  // namespace voip::cli::test
