// The `voip` options: parsing with CLI11 and validate() without starting anything.

#include "options.hpp"

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace voip::cli {
namespace {

struct Parsed {
    std::optional<Command> command;
    Validated validated;
};

Parsed parse(std::vector<std::string> args, Environment env = {}) {
    CLI::App app{"voip", "voip"};
    RawOptions raw;
    Parsed p;
    declare_options(app, raw, p.command);
    args.insert(args.begin(), "voip");
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    app.parse(static_cast<int>(argv.size()), argv.data());
    p.validated = validate(p.command.value(), raw, env);
    return p;
}

TEST(Options, PeerToPeerDefaultsListenOnTheKnownPort) {
    const auto p = parse({"echo"});
    ASSERT_TRUE(p.validated.options) << p.validated.error;
    const auto& o = *p.validated.options;
    EXPECT_EQ(o.command, Command::echo);
    EXPECT_FALSE(o.aor);
    EXPECT_FALSE(o.dial);
    EXPECT_EQ(o.listen, std::vector<std::string>{"udp:0.0.0.0:5062"});
    EXPECT_EQ(o.srtp, sdp::CryptoPolicy::preferred);
    EXPECT_TRUE(o.verify_tls);
    EXPECT_FALSE(o.duration);
    EXPECT_FALSE(o.calls);
}

TEST(Options, AorArgumentRegistersFromAnEphemeralPort) {
    const auto p = parse({"sip:alice:pw@example.com", "transcribe", "--transport", "tcp"});
    ASSERT_TRUE(p.validated.options) << p.validated.error;
    const auto& o = *p.validated.options;
    EXPECT_EQ(o.command, Command::transcribe);
    ASSERT_TRUE(o.aor);
    EXPECT_EQ(o.aor->host(), "example.com");
    EXPECT_EQ(o.password, "pw");
    EXPECT_EQ(o.transport, sip::TransportKind::tcp);
    EXPECT_EQ(o.listen, std::vector<std::string>{"tcp:0.0.0.0:0"});
}

TEST(Options, AorFromEnvironmentAndPasswordFromEnvironmentWins) {
    Environment env;
    env.sip_aor = "sip:bob:fromuri@pbx.example.com";
    env.sip_password = "fromenv";
    const auto p = parse({"echo"}, env);
    ASSERT_TRUE(p.validated.options) << p.validated.error;
    ASSERT_TRUE(p.validated.options->aor);
    EXPECT_EQ(p.validated.options->aor->user(), "bob");
    EXPECT_EQ(p.validated.options->password, "fromenv");
}

TEST(Options, ArgumentAorOverridesEnvironment) {
    Environment env;
    env.sip_aor = "sip:bob@pbx.example.com";
    const auto p = parse({"sip:carol@example.org", "echo"}, env);
    ASSERT_TRUE(p.validated.options) << p.validated.error;
    EXPECT_EQ(p.validated.options->aor->user(), "carol");
}

TEST(Options, EveryGlobalOptionIsTaken) {
    const auto p = parse({"echo",
                          "--listen",
                          "udp:127.0.0.1:5070",
                          "--listen",
                          "tcp:[::1]:5070",
                          "--advertise",
                          "192.0.2.7",
                          "--rtp-ports",
                          "20000-20999",
                          "--codecs",
                          "pcmu,OPUS,g722",
                          "--stun-server",
                          "stun.example.com:3478",
                          "--srtp",
                          "required",
                          "--no-verify-tls",
                          "-vv",
                          "--duration",
                          "2.5",
                          "--calls",
                          "3",
                          "--dial",
                          "sip:bob@127.0.0.1:5080",
                          "--ring",
                          "1"});
    ASSERT_TRUE(p.validated.options) << p.validated.error;
    const auto& o = *p.validated.options;
    EXPECT_EQ(o.listen, (std::vector<std::string>{"udp:127.0.0.1:5070", "tcp:[::1]:5070"}));
    EXPECT_EQ(o.advertise, "192.0.2.7");
    EXPECT_EQ(o.rtp_ports.first, 20000);
    EXPECT_EQ(o.rtp_ports.last, 20999);
    EXPECT_EQ(o.codecs, (std::vector<std::string>{"PCMU", "opus", "G722"}));
    EXPECT_EQ(o.stun_server, "stun.example.com:3478");
    EXPECT_EQ(o.srtp, sdp::CryptoPolicy::required);
    EXPECT_FALSE(o.verify_tls);
    EXPECT_EQ(o.verbosity, 2);
    EXPECT_EQ(o.duration, std::chrono::milliseconds(2500));
    EXPECT_EQ(o.calls, 3U);
    ASSERT_TRUE(o.dial);
    EXPECT_EQ(o.dial->to_string(), "sip:bob@127.0.0.1:5080");
    EXPECT_EQ(o.ring_time, std::chrono::milliseconds(1000));
}

TEST(Options, SayTakesTargetAndText) {
    const auto p = parse({"say", "sip:bob@127.0.0.1:5062", "hello there"});
    ASSERT_TRUE(p.validated.options) << p.validated.error;
    EXPECT_EQ(p.validated.options->command, Command::say);
    EXPECT_EQ(p.validated.options->text, "hello there");
    ASSERT_TRUE(p.validated.options->dial);
    EXPECT_EQ(p.validated.options->dial->host(), "127.0.0.1");
    EXPECT_EQ(p.validated.options->listen, std::vector<std::string>{"udp:0.0.0.0:0"});
}

TEST(Options, ColorFollowsTheTerminalAndNoColor) {
    Environment tty;
    tty.stdout_is_tty = true;
    EXPECT_TRUE(parse({"echo"}, tty).validated.options->color);
    tty.no_color = true;
    EXPECT_FALSE(parse({"echo"}, tty).validated.options->color);
    EXPECT_TRUE(parse({"echo", "--color", "always"}).validated.options->color);
    EXPECT_FALSE(parse({"echo"}).validated.options->color);
}

TEST(Options, TransportErrorsNameTheValue) {
    const auto p = parse({"echo", "--transport", "sctp"});
    ASSERT_FALSE(p.validated.options);
    EXPECT_NE(p.validated.error.find("sctp"), std::string::npos);
}

TEST(PortRange, AcceptsRangesHoldingAPair) {
    const auto r = parse_port_range("20000-20999");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->first, 20000);
    EXPECT_EQ(r->last, 20999);
    EXPECT_TRUE(parse_port_range("20001-20003"));  // 20002 + 20003
    EXPECT_TRUE(parse_port_range("1024-1025"));
}

TEST(PortRange, RejectsMalformedAndUselessRanges) {
    for (const char* bad :
         {"", "20000", "-", "20000-", "-20000", "a-b", "20000-19999", "80-100", "65534-65536",
          "20001-20002", "20000-20000", " 1-2", "20000-20999x", "20000--20999"}) {
        EXPECT_FALSE(parse_port_range(bad)) << bad;
    }
}

TEST(Codecs, CanonicalNamesInOrderWithoutDuplicates) {
    const auto c = parse_codecs("PCMA, opus,pcma,g722");
    EXPECT_TRUE(c.unknown.empty());
    EXPECT_EQ(c.names, (std::vector<std::string>{"PCMA", "opus", "G722"}));
}

TEST(Codecs, NamesTheUnknownOne) {
    EXPECT_EQ(parse_codecs("opus,gsm").unknown, "gsm");
    EXPECT_EQ(parse_codecs("opus,,pcmu").unknown, "(empty)");
}

}  // namespace
}  // namespace voip::cli
